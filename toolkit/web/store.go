package web

import (
	"context"
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

// Snapshot is the queue as the dashboard shows it: the posts and
// runners as the queue keeps them.
type Snapshot struct {
	Paused bool
	Posts  []queue.Post
	// Runners are the runners that beat in the queue lately, alive or
	// not, newest beat first.
	Runners []queue.RunnerInfo
}
