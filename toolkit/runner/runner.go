// Package runner is the campaign-week daemon: it plans the campaign into the
// queue, and every second claims the posts that are due, publishes each once
// through its channel's publisher, and records the outcome. Posts whose time
// passed while no runner was running go out if they are within the
// campaign's grace window and are marked missed otherwise; failures are
// retried with exponential backoff and jitter up to a cap.
package runner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
	"github.com/robfig/cron/v3"
)

// ImagesFunc returns the images of card in lang for channel, with alt text.
type ImagesFunc func(ctx context.Context, card, lang, channel string) ([]publish.Image, error)

// Backoff says how failed posts are retried.
type Backoff struct {
	Base   time.Duration // delay after the first failure (default 30s)
	Max    time.Duration // cap on one delay (default 30m)
	Tries  int           // attempts before giving up (default 8)
	Window time.Duration // no retry later than this after the planned time (default 2h)
}

// Config wires a Runner. Store, Publishers and Now are required.
type Config struct {
	Campaign *campaign.Campaign
	Schedule *schedule.Schedule // nil plans the campaign's own posts only
	Store    queue.Store
	// Publishers maps a channel name to the publisher that serves it.
	Publishers map[string]publish.Publisher
	// Caption builds captions; nil means caption.Build.
	Caption schedule.CaptionFunc
	// Images renders the images of a card; nil publishes card posts
	// without images.
	Images ImagesFunc
	Now    func() time.Time
	Logger *slog.Logger // nil discards
	// Owner names this runner in leases; default a random name.
	Owner string
	// Lease is how long a claim holds before another runner may take the
	// post back; it is renewed while a publish runs (default 30s).
	Lease   time.Duration
	Backoff Backoff
	// Jitter returns a number in [0, 1) to spread retries; default random.
	Jitter func() float64
	// Workers is how many posts are published at once (default 4).
	Workers int
	// StopTimeout bounds how long Run waits for publishes in flight when it
	// is stopped (default 10s); after it they are cancelled and released.
	StopTimeout time.Duration
	// Tolerance is how late a post may start before it is logged as late
	// (default 2s).
	Tolerance time.Duration
}

// Runner publishes a campaign's queued posts on time.
type Runner struct {
	cfg      Config
	log      *slog.Logger
	grace    time.Duration
	inflight atomic.Int64
	paused   atomic.Bool // as last seen, to log changes once
	wg       sync.WaitGroup
	// work is the context publishes run in: it outlives the daemon's own
	// context by up to StopTimeout so a stop does not cut a request in half.
	mu         sync.Mutex
	work       context.Context
	cancelWork context.CancelFunc
}

// New checks cfg and fills its defaults.
func New(cfg Config) (*Runner, error) {
	switch {
	case cfg.Store == nil:
		return nil, errors.New("runner: no queue store")
	case cfg.Now == nil:
		return nil, errors.New("runner: no clock (Config.Now)")
	case len(cfg.Publishers) == 0:
		return nil, errors.New("runner: no publishers")
	}
	if cfg.Caption == nil {
		cfg.Caption = caption.Build
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Owner == "" {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		cfg.Owner = "runner-" + hex.EncodeToString(b)
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 30 * time.Second
	}
	if cfg.Backoff.Base <= 0 {
		cfg.Backoff.Base = 30 * time.Second
	}
	if cfg.Backoff.Max <= 0 {
		cfg.Backoff.Max = 30 * time.Minute
	}
	if cfg.Backoff.Tries <= 0 {
		cfg.Backoff.Tries = 8
	}
	if cfg.Backoff.Window <= 0 {
		cfg.Backoff.Window = 2 * time.Hour
	}
	if cfg.Jitter == nil {
		cfg.Jitter = mrand.Float64
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.StopTimeout <= 0 {
		cfg.StopTimeout = 10 * time.Second
	}
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = 2 * time.Second
	}
	r := &Runner{cfg: cfg, log: cfg.Logger.With("runner", cfg.Owner), grace: 15 * time.Minute}
	if cfg.Campaign != nil && cfg.Campaign.Grace > 0 {
		r.grace = cfg.Campaign.Grace
	}
	r.work, r.cancelWork = context.WithCancel(context.Background())
	return r, nil
}

// Owner returns the name this runner claims posts under.
func (r *Runner) Owner() string { return r.cfg.Owner }

// QueuePosts turns a captioned plan into queue posts from source.
func QueuePosts(source string, plan []schedule.Planned) []queue.Post {
	out := make([]queue.Post, len(plan))
	for i, p := range plan {
		out[i] = queue.Post{ID: p.ID, Source: source, Slot: p.Slot, Channel: p.Channel, Lang: p.Lang, At: p.At,
			Local: p.Local, Zone: p.Zone, Card: p.Card, PostID: p.PostID, Text: p.Text, Link: p.Link}
	}
	return out
}

// Replan plans the campaign and schedule and brings the queue in line:
// new posts are added, waiting ones updated in place, and waiting ones no
// longer in the plan cancelled.
func (r *Runner) Replan(ctx context.Context) (queue.Counts, error) {
	c := r.cfg.Campaign
	if c == nil {
		return queue.Counts{}, nil
	}
	plan, err := schedule.PlanCaptioned(c, r.cfg.Schedule, r.cfg.Caption)
	if err != nil {
		return queue.Counts{}, err
	}
	for _, p := range plan {
		if r.cfg.Publishers[p.Channel] == nil {
			return queue.Counts{}, fmt.Errorf("plan %s: post %s goes to channel %q, which has no publisher", c.Slug, p.ID, p.Channel)
		}
	}
	counts, err := r.cfg.Store.Sync(ctx, r.cfg.Now(), c.Slug, QueuePosts(c.Slug, plan))
	if err != nil {
		return counts, err
	}
	r.log.Info("queue planned", "campaign", c.Slug, "posts", len(plan), "added", counts.Added, "updated", counts.Updated,
		"unchanged", counts.Unchanged, "done_or_held", counts.Kept, "cancelled", counts.Cancelled)
	return counts, nil
}

// Start re-plans, takes back leases that expired while no runner held
// them, and marks missed the posts whose time passed beyond the grace
// window; posts still within it go out on the first tick.
func (r *Runner) Start(ctx context.Context) error {
	if _, err := r.Replan(ctx); err != nil {
		return err
	}
	return r.sweep(ctx, r.cfg.Now())
}

// sweep releases expired leases and marks overdue posts missed.
func (r *Runner) sweep(ctx context.Context, now time.Time) error {
	released, err := r.cfg.Store.ReleaseExpired(ctx, now)
	if err != nil {
		return err
	}
	for _, p := range released {
		r.log.Warn("took back a post whose lease expired; its runner stopped or crashed mid-publish",
			"id", p.ID, "channel", p.Channel, "owner", p.LeaseOwner, "lease_until", p.LeaseUntil)
	}
	overdue, err := r.cfg.Store.List(ctx, queue.Filter{DueBefore: now.Add(-r.grace)})
	if err != nil {
		return err
	}
	for _, p := range overdue {
		late := now.Sub(p.Due).Round(time.Second)
		reason := fmt.Sprintf("due at %s, %s ago; beyond the grace window of %s, so it was not sent", p.Due.Format(time.RFC3339), late, r.grace)
		if err := r.cfg.Store.MarkMissed(ctx, p.ID, "", now, reason); err != nil {
			if errors.Is(err, queue.ErrState) {
				continue // another runner took it meanwhile
			}
			return err
		}
		r.log.Error("post missed", "id", p.ID, "channel", p.Channel, "lang", p.Lang, "at", p.At, "due", p.Due, "late", late, "grace", r.grace)
	}
	return nil
}

// Tick runs one pass: sweep, then claim due posts for the free workers and
// publish each in its own goroutine. Wait waits for them.
func (r *Runner) Tick(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	now := r.cfg.Now()
	if err := r.sweep(ctx, now); err != nil {
		r.log.Error("queue sweep failed", "err", err)
		return
	}
	pause, err := r.cfg.Store.Paused(ctx)
	if err != nil {
		r.log.Error("reading the pause switch failed", "err", err)
		return
	}
	if was := r.paused.Swap(pause.On); was != pause.On {
		if pause.On {
			r.log.Warn("queue paused: nothing is published until `campaignkit queue resume`", "since", pause.Since, "reason", pause.Reason)
		} else {
			r.log.Info("queue resumed")
		}
	}
	if pause.On {
		return
	}
	free := r.cfg.Workers - int(r.inflight.Load())
	if free <= 0 {
		return
	}
	posts, err := r.cfg.Store.Claim(ctx, r.cfg.Owner, now, r.cfg.Lease, free)
	if err != nil {
		r.log.Error("claim failed", "err", err)
		return
	}
	r.mu.Lock()
	work := r.work
	r.mu.Unlock()
	for _, p := range posts {
		r.inflight.Add(1)
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			defer r.inflight.Add(-1)
			r.handle(work, p)
		}()
	}
}

// Wait blocks until every publish started by Tick has finished.
func (r *Runner) Wait() { r.wg.Wait() }

// Run is the daemon: Start, then a tick every second driven by robfig/cron
// until ctx ends; then it waits up to StopTimeout for publishes in flight,
// cancels and releases what is left, and returns ctx's error.
func (r *Runner) Run(ctx context.Context) error {
	if err := r.Start(ctx); err != nil {
		return err
	}
	cl := cronLogger{r.log}
	// Recover must sit inside SkipIfStillRunning: the latter hands its
	// token back without a defer, so a panic passing through it would skip
	// every later tick.
	c := cron.New(cron.WithSeconds(), cron.WithLogger(cl),
		cron.WithChain(cron.SkipIfStillRunning(cl), cron.Recover(cl)))
	if _, err := c.AddFunc("* * * * * *", func() { r.Tick(ctx) }); err != nil {
		return fmt.Errorf("runner: schedule tick: %w", err)
	}
	r.log.Info("runner started", "grace", r.grace, "lease", r.cfg.Lease, "workers", r.cfg.Workers)
	c.Start()
	<-ctx.Done()
	r.log.Info("runner stopping", "in_flight", r.inflight.Load(), "bound", r.cfg.StopTimeout)
	stopped := c.Stop().Done()
	drained := make(chan struct{})
	go func() {
		<-stopped
		r.wg.Wait()
		close(drained)
	}()
	timer := time.NewTimer(r.cfg.StopTimeout)
	defer timer.Stop()
	select {
	case <-drained:
	case <-timer.C:
		r.log.Warn("publishes still running at the stop bound; cancelling them", "in_flight", r.inflight.Load())
		r.mu.Lock()
		r.cancelWork()
		r.mu.Unlock()
		<-drained
	}
	r.cancelWork()
	r.log.Info("runner stopped")
	return ctx.Err()
}

// cronLogger lets robfig/cron log through slog; its routine chatter is
// dropped, its errors (a recovered panic among them) are kept.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(string, ...any) {}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append([]any{"err", err}, kv...)...)
}
