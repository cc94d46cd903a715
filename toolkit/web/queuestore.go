package web

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
)

// runnersWindow is how far back the dashboard looks for runners: far
// enough to show the one that stopped last night.
const runnersWindow = 24 * time.Hour

// Queue adapts the scheduler's queue to the dashboard: the posts planned
// from the campaign Source and those added by hand, the pause switch, and
// the runners that beat in it.
type Queue struct {
	Store  queue.Store
	Source string           // the campaign's slug
	Now    func() time.Time // the clock of the operator's actions
}

var _ Store = Queue{}

// List returns the campaign's posts and the ad-hoc ones, the pause and the
// runners seen in the last day.
func (q Queue) List(ctx context.Context) (Snapshot, error) {
	// In the store's order: the dashboard sorts them its own way.
	posts, err := q.Store.List(ctx, queue.Filter{Sources: q.sources()})
	if err != nil {
		return Snapshot{}, err
	}
	pause, err := q.Store.Paused(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	runners, err := q.Store.Runners(ctx, q.Now().Add(-runnersWindow))
	if err != nil {
		return Snapshot{}, err
	}
	return Snapshot{Paused: pause.On, Posts: posts, Runners: runners}, nil
}

// Cancel withdraws a waiting post of the campaign or queued by hand.
func (q Queue) Cancel(ctx context.Context, id string) error {
	if err := q.own(ctx, id); err != nil {
		return err
	}
	return notFound(q.Store.Cancel(ctx, id, q.Now(), "cancelled from the dashboard"))
}

// Retry makes a failed, missed or cancelled post of the campaign, or
// queued by hand, due again.
func (q Queue) Retry(ctx context.Context, id string) error {
	if err := q.own(ctx, id); err != nil {
		return err
	}
	return notFound(q.Store.Retry(ctx, id, q.Now()))
}

// own answers ErrNotFound for a post of another campaign sharing the
// store: the dashboard neither lists nor steers those.
func (q Queue) own(ctx context.Context, id string) error {
	p, _, err := q.Store.Get(ctx, id)
	if err != nil {
		return notFound(err)
	}
	if p.ID != id || !slices.Contains(q.sources(), p.Source) {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return nil
}

// sources are the posts' sources the dashboard lists and steers: its
// campaign's, and those queued by hand.
func (q Queue) sources() []string { return []string{q.Source, queue.AdHoc} }

// Pause stops publishing.
func (q Queue) Pause(ctx context.Context) error {
	return q.Store.Pause(ctx, q.Now(), "paused from the dashboard")
}

// Resume lets publishing go on.
func (q Queue) Resume(ctx context.Context) error { return q.Store.Resume(ctx) }

// SignOut records a signed-out dashboard session in the queue store.
func (q Queue) SignOut(ctx context.Context, id string, until time.Time) error {
	return q.Store.SignOut(ctx, id, q.Now(), until)
}

// SignedOut reports whether a dashboard session was signed out.
func (q Queue) SignedOut(ctx context.Context, id string) (bool, error) {
	return q.Store.SignedOut(ctx, id)
}

func notFound(err error) error {
	if errors.Is(err, queue.ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

// QueueFile is an Options.OpenStore for the SQLite queue in file: until
// the file exists (`campaignkit run` or `queue add` makes it) it reports
// no queue after one stat, so a server started first finds the queue on
// the first request after it appears. The store it opens is closed with
// the Server.
func QueueFile(file, source string, now func() time.Time) func(context.Context) (Store, error) {
	return func(ctx context.Context) (Store, error) {
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		st, err := queue.OpenSQLite(ctx, file)
		if err != nil {
			return nil, err
		}
		return closingQueue{Queue{Store: st, Source: source, Now: now}}, nil
	}
}

// closingQueue is a Queue the Server opened and so closes.
type closingQueue struct{ Queue }

func (q closingQueue) Close() error { return q.Store.Close() }
