package web

import (
	"context"
	"net/url"
	"time"
)

// Store is what the dashboard needs from the publishing queue: a snapshot
// to show and the operator's four actions. cmd/campaignkit adapts the
// scheduler's queue to it.
type Store interface {
	// List returns every post of the campaign and whether publishing is
	// paused.
	List(ctx context.Context) (Snapshot, error)
	// Cancel withdraws a waiting post.
	Cancel(ctx context.Context, id string) error
	// Retry makes a failed, missed or cancelled post due again now.
	Retry(ctx context.Context, id string) error
	// Pause stops publishing until Resume; posts keep their times.
	Pause(ctx context.Context) error
	// Resume lets publishing go on.
	Resume(ctx context.Context) error
}

// Snapshot is the queue as the dashboard shows it.
type Snapshot struct {
	Paused bool
	Posts  []QueuedPost
}

// QueuedPost is one post in the queue.
type QueuedPost struct {
	ID       string
	Channel  string
	Lang     string
	Card     string
	At       time.Time // planned instant, UTC
	Local    string    // planned local time, 2006-01-02 15:04
	Zone     string
	State    string // planned, claimed, published, failed, missed, cancelled
	Due      time.Time
	Attempts int
	Error    string // the last failed attempt's error
	Reason   string // why missed or cancelled
	URL      string // where the published post is
	Text     string
}

// WebURL is URL when the dashboard can link to it (http or https); the
// outbox's file:// locations are shown as text instead.
func (p QueuedPost) WebURL() string {
	if u, err := url.Parse(p.URL); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return p.URL
	}
	return ""
}

// Cancellable reports whether the dashboard offers to cancel the post.
func (p QueuedPost) Cancellable() bool { return p.State == "planned" || p.State == "failed" }

// Retryable reports whether the dashboard offers to retry the post.
func (p QueuedPost) Retryable() bool {
	return p.State == "failed" || p.State == "missed" || p.State == "cancelled"
}
