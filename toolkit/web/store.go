package web

import (
	"context"
	"net/url"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
)

// Store is what the dashboard needs from the publishing queue: a snapshot
// to show, the operator's four actions, and the sessions signed out, which
// every server sharing the queue must refuse. Queue adapts the
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
	// SignOut records that the dashboard session id was signed out, for
	// every server sharing the store, at least until until, when the
	// session expires.
	SignOut(ctx context.Context, id string, until time.Time) error
	// SignedOut reports whether the dashboard session id was signed out.
	// It is asked on every signed-in request, so it must be cheap.
	SignedOut(ctx context.Context, id string) (bool, error)
}

// Snapshot is the queue as the dashboard shows it.
type Snapshot struct {
	Paused bool
	Posts  []QueuedPost
	// Runners are the runners that beat in the queue lately, alive or
	// not, newest beat first.
	Runners []Runner
}

// Runner is what a runner said of itself in its last heartbeat.
type Runner struct {
	ID       string
	Host     string
	PID      int
	Source   string    // the campaign it publishes
	Started  time.Time // when it started
	Beat     time.Time // its last heartbeat
	LastTick time.Time // when it last looked at the queue; zero before its first look
	InFlight int       // posts it was publishing at its last beat
	Stopped  time.Time // when it stopped cleanly; zero while running
}

// Alive reports whether the runner beat within timeout of now and did not
// say it stopped.
func (r Runner) Alive(now time.Time, timeout time.Duration) bool {
	return r.Stopped.IsZero() && !r.Beat.IsZero() && now.Sub(r.Beat) <= timeout
}

// QueuedPost is one post in the queue.
type QueuedPost struct {
	ID       string
	Source   string // the campaign it was planned from, or "adhoc" for a post added by hand
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

// AdHoc reports whether the post was added by hand (`campaignkit queue
// add`) rather than planned from the campaign.
func (p QueuedPost) AdHoc() bool { return p.Source == queue.AdHoc }

// Waiting reports whether a runner may still claim the post.
func (p QueuedPost) Waiting() bool {
	return p.State == "planned" || (p.State == "failed" && !p.Due.IsZero())
}

// Cancellable reports whether the dashboard offers to cancel the post.
func (p QueuedPost) Cancellable() bool { return p.State == "planned" || p.State == "failed" }

// Retryable reports whether the dashboard offers to retry the post.
func (p QueuedPost) Retryable() bool {
	return p.State == "failed" || p.State == "missed" || p.State == "cancelled"
}
