// Package queue keeps the posts waiting to be published and what became of
// each: the Store interface, and its default implementation in a single
// SQLite file (pure Go, no cgo). Times are UTC instants; planning has
// already resolved time zones.
//
// A post moves through these states:
//
//	planned ──claim──▶ claimed ──▶ published
//	   ▲                  │
//	   │ release          ├──▶ failed (retrying at Due, or given up)
//	   └──────────────────┤
//	                      └──▶ missed (its time passed beyond the grace window)
//
// and an operator may cancel a waiting post or retry a failed, missed or
// cancelled one.
//
// The store is also where the servers sharing it meet: runners record
// their heartbeats and the events already told to an operator, dashboards
// the sessions signed out, so that a sign-out on one server holds on all.
package queue

import (
	"github.com/campaignkit/campaignkit/toolkit"

	"context"
	"errors"
	"time"
)

// State is where a post is in its life.
type State string

// The states of a post.
const (
	Planned   State = "planned"   // waiting for its time
	Claimed   State = "claimed"   // a runner holds a lease and is publishing it
	Published State = "published" // done
	Failed    State = "failed"    // the last attempt failed; retried at Due unless given up
	Missed    State = "missed"    // its time passed beyond the grace window; not sent
	Cancelled State = "cancelled" // withdrawn by an operator or by re-planning
)

// States lists every state, in life order.
var States = []State{Planned, Claimed, Published, Failed, Missed, Cancelled}

// AdHoc is the source of posts queued by hand rather than planned from a
// campaign.
const AdHoc = "adhoc"

// Post is one queued publication: one channel, one language, one instant.
type Post struct {
	ID      string
	Source  string // the campaign slug it was planned from, or AdHoc
	Slot    string // schedule slot, "post:<id>" for a campaign post
	Channel string
	Lang    string
	At      time.Time // the planned instant, UTC
	Local   string    // the planned local time, 2006-01-02 15:04
	Zone    string    // the zone Local is in
	Card    string    // card whose images go with the post, "" for none
	PostID  string    // campaign post id, "" for a card rotation or ad-hoc post
	Text    string    // the final caption
	Link    string
	Images  []toolkit.Media // images given explicitly (ad-hoc posts)

	State State
	// Due is when the post may go next: At at first, then the time of the
	// next retry, or when an operator asked for a retry. Zero for a failed
	// post that was given up. Lateness is measured from Due.
	Due        time.Time
	Attempts   int    // attempts started so far, including interrupted ones
	LastError  string // error of the last failed attempt
	Reason     string // why a post was missed or cancelled
	LeaseOwner string // runner holding a claimed post
	LeaseUntil time.Time
	RemoteID   string // where the published post is (status id, at:// URI, folder)
	URL        string
	Created    time.Time
	Updated    time.Time
}

// Waiting reports whether the post may still be claimed.
func (p Post) Waiting() bool {
	return p.State == Planned || (p.State == Failed && !p.Due.IsZero())
}

// SameContent reports whether a and b differ in nothing that re-planning
// may change in a waiting post (text, link, images, card, local time …),
// so that a store updates a post in place only when its content changed.
func SameContent(a, b Post) bool { return content(a) == content(b) }

// Attempt is one try at publishing a post.
type Attempt struct {
	N        int // 1 for the first
	Owner    string
	Started  time.Time
	Finished time.Time // zero while running or when interrupted by a crash
	Outcome  string    // "published", "failed", "interrupted", "" while running
	Error    string
}

// Counts says what Enqueue or Sync did.
type Counts struct {
	Added     int // new posts
	Updated   int // waiting posts whose content changed, updated in place
	Unchanged int // posts already queued as they are
	Kept      int // posts no longer waiting (published, missed, claimed, cancelled by an operator), left alone
	Cancelled int // waiting posts no longer in the plan, cancelled by Sync
}

// Slots says how many posts a claim may take: at most Total in all and,
// when Channel is set, at most Channel[c] of channel c (none of a channel
// it does not name). When Sources is set, only posts of those sources
// (campaign slugs, AdHoc) are taken, so the runners of several campaigns
// can share one store.
type Slots struct {
	Total   int
	Channel map[string]int
	Sources []string
}

// Any is room for n posts of any channel.
func Any(n int) Slots { return Slots{Total: n} }

// RunnerInfo is what a runner says of itself in its heartbeat.
type RunnerInfo struct {
	ID       string    // its lease owner name
	Host     string    // the machine it runs on
	PID      int       // its process
	Source   string    // the campaign it publishes
	Started  time.Time // when it started
	Beat     time.Time // its last heartbeat
	LastTick time.Time // when it last looked at the queue
	InFlight int       // posts it is publishing now
	Stopped  time.Time // when it stopped cleanly; zero while running
}

// Pause is the state of the queue's pause switch.
type Pause struct {
	On     bool
	Since  time.Time
	Reason string
}

// Filter selects posts for List. Zero fields match everything.
type Filter struct {
	States []State
	Source string
	// Sources, when set, keeps only posts of these sources: the campaigns
	// a dashboard or a runner names in a store several campaigns share.
	// With Source also set, a post must match both.
	Sources   []string
	Channel   string
	DueBefore time.Time // only waiting posts due before this instant
	Limit     int
}

// Store is a persistent queue of posts. Every method is safe for concurrent
// use, also by several processes sharing one store: a post is claimed by one
// runner at a time.
type Store interface {
	// Enqueue adds posts, keyed by ID. A post already queued and still
	// waiting is updated in place when its content changed; a post in any
	// other state is left alone, so enqueueing twice never duplicates.
	Enqueue(ctx context.Context, now time.Time, posts []Post) (Counts, error)
	// Sync is Enqueue for a whole plan from source: waiting posts of that
	// source missing from posts are cancelled (an edited campaign moved or
	// dropped them). A post cancelled that way comes back if a later plan
	// has it again.
	Sync(ctx context.Context, now time.Time, source string, posts []Post) (Counts, error)
	// Claim leases waiting posts due at or before now to owner until
	// now+lease, oldest first, as many as free allows, and starts an
	// attempt on each. Two claimers never get the same post. Nothing is
	// claimed while the queue is paused.
	Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, free Slots) ([]Post, error)
	// NextDue returns the earliest due time of a waiting post, or the zero
	// time when none waits, so a runner can sleep until then.
	NextDue(ctx context.Context) (time.Time, error)
	// Beat records that a runner is alive (and what it is doing); a runner
	// that stops cleanly records Stopped.
	Beat(ctx context.Context, r RunnerInfo) error
	// Runners lists the runners that beat since the given time, newest
	// beat first.
	Runners(ctx context.Context, since time.Time) ([]RunnerInfo, error)
	// FirstTime records key and reports whether it is new: the first of
	// several runners or retries to see an event gets true, every later
	// one false, so an operator hears of each event once. A key recorded
	// more than ToldFor before now is forgotten (at the latest PruneEvery
	// later), so the keys kept do not grow for ever.
	FirstTime(ctx context.Context, key string, now time.Time) (bool, error)
	// SignOut records that the dashboard session id was signed out, so
	// that every server sharing the store refuses it, at least until
	// until (when the session would have expired anyway). Signing out an
	// id twice keeps the later until. Sign-outs that ended at or before
	// now are pruned.
	SignOut(ctx context.Context, id string, now, until time.Time) error
	// SignedOut reports whether the dashboard session id was signed out
	// (and its sign-out not pruned yet): one lookup by key.
	SignedOut(ctx context.Context, id string) (bool, error)
	// Extend lengthens owner's lease on a claimed post.
	Extend(ctx context.Context, id, owner string, until time.Time) error
	// Complete records that owner published the post.
	Complete(ctx context.Context, id, owner string, now time.Time, res toolkit.Published) error
	// Fail records a failed attempt; the post is retried at retryAt, or
	// given up when retryAt is zero.
	Fail(ctx context.Context, id, owner string, now time.Time, msg string, retryAt time.Time) error
	// Release gives a claimed post back without a verdict (the runner is
	// stopping); the attempt counts as interrupted.
	Release(ctx context.Context, id, owner string, now time.Time, reason string) error
	// MarkMissed records that the post's time passed beyond the grace
	// window. With owner "", the post must be waiting; otherwise it must be
	// claimed by owner, and the attempt the claim started is withdrawn.
	MarkMissed(ctx context.Context, id, owner string, now time.Time, reason string) error
	// Cancel withdraws a waiting post.
	Cancel(ctx context.Context, id string, now time.Time, reason string) error
	// Retry makes a failed, missed or cancelled post due again: at now, or
	// at its planned time when that is later.
	Retry(ctx context.Context, id string, now time.Time) error
	// ReleaseExpired gives back every claimed post whose lease ended before
	// now (its runner crashed or hung) and returns them.
	ReleaseExpired(ctx context.Context, now time.Time) ([]Post, error)
	// Pause stops all claims until Resume: posts wait, and those whose
	// time passes beyond the grace window meanwhile are marked missed by the
	// runner. Pausing a paused queue keeps the first pause.
	Pause(ctx context.Context, now time.Time, reason string) error
	// Resume lifts a pause.
	Resume(ctx context.Context) error
	// Paused reports the pause, if any.
	Paused(ctx context.Context) (Pause, error)
	// List returns posts matching f, by due time then ID.
	List(ctx context.Context, f Filter) ([]Post, error)
	// Get returns a post, by ID or a unique prefix of it, with its attempts.
	Get(ctx context.Context, id string) (Post, []Attempt, error)
	// Close releases the store.
	Close() error
}

// Notifier is offered by a store that can tell a waiting runner, without
// polling, that posts may have become claimable: added, edited, released,
// retried, failed with a retry time or un-paused, by this process or any
// other sharing the store.
//
// A runner that finds its store is a Notifier selects on Changes besides
// its poll timer, and looks at the queue whenever a value arrives.
type Notifier interface {
	// Changes returns a channel of wake-ups for one subscriber. Several
	// changes close together may arrive as one value. A value also arrives
	// as soon as the store listens (and again after it had to reconnect),
	// since changes made before then went unheard. The channel is closed
	// when ctx ends or the store is closed.
	Changes(ctx context.Context) <-chan struct{}
}

// Errors a Store returns, wrapped with the post they concern.
var (
	ErrNotFound  = errors.New("no such post")
	ErrAmbiguous = errors.New("more than one post has that ID prefix")
	ErrState     = errors.New("not allowed in the post's state")
	ErrLeaseLost = errors.New("the lease is no longer held")
)
