// Package runner is the campaign-week daemon: it plans the campaign into the
// queue, sleeps until the next post is due (or a post is added), claims
// what is due for the free publishing slots of each channel, publishes each
// once through its channel's publisher, and records the outcome. Card
// images are rendered minutes ahead, not inside the publish. Posts whose
// time passed while no runner was running go out if they are within the
// campaign's grace window and are marked missed otherwise; failures are
// retried with exponential backoff and jitter up to a cap. A runner beats
// in the store so that dashboards know it is alive, and at start it takes
// back at once the posts held by dead runners of its own machine.
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
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
)

// ImagesFunc returns the images of card in lang for channel, with alt text.
type ImagesFunc func(ctx context.Context, card, lang, channel string) ([]publish.Image, error)

// Backoff says how failed posts are retried.
type Backoff struct {
	Base   time.Duration // delay after the first failure (default 2s)
	Max    time.Duration // cap on one delay (default 5m)
	Tries  int           // attempts before giving up (default 8)
	Window time.Duration // no retry later than this after the planned time (default 2h)
}

// DefaultBackoff keeps a post on time through a dropped connection or
// two: 2s, 4s, 8s … up to 5 minutes, 8 attempts.
var DefaultBackoff = Backoff{Base: 2 * time.Second, Max: 5 * time.Minute, Tries: 8, Window: 2 * time.Hour}

// DefaultConcurrency is how many posts of a channel go out at once unless
// Config.Concurrency says otherwise: within each network's documented rate
// limits for one account (Mastodon 300 requests per 5 minutes, Bluesky
// 5,000 points an hour, X 100 posts per 15 minutes), wide for the
// operator's own webhook, and 8 for the local outbox: its posts are folders
// synced to disk, which more writers at once do not make faster but which
// would take the CPU and disk the network posts of the same instant need
// (BenchmarkBurst: webhook p99 0.6-0.7 s with 8, about 1 s with 32).
var DefaultConcurrency = map[string]int{
	"outbox": 8, "webhook": 32,
	"mastodon": 4, "bluesky": 4, "x": 2, "threads": 2, "linkedin": 2, "instagram": 2, "facebook": 2,
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
	// Concurrency caps the posts of a channel published at once; a channel
	// not named takes DefaultConcurrency's figure, or 2.
	Concurrency map[string]int
	// Workers caps the posts published at once over all channels (default 64).
	Workers int
	// Poll is the longest the runner sleeps without looking at the queue,
	// so that posts another process adds are seen within it (default 250ms).
	// Posts added through Notify, and due times it knows of, wake it at once.
	Poll time.Duration
	// Heartbeat is how often the runner records in the store that it is
	// alive (default 5s).
	Heartbeat time.Duration
	// Prepare is how far ahead of their time card images are rendered
	// (default 10m).
	Prepare time.Duration
	// Host and PID identify this runner's process; with Alive they let a
	// runner that starts take back at once the posts of a dead runner of
	// the same host, instead of waiting for its lease to end. Defaults: the
	// machine's host name and this process.
	Host string
	PID  int
	// Events, when set, is told once of each post that failed for good or
	// was missed, of a network refusing credentials and of another runner
	// that died (see Event). It is called from the runner's goroutines and
	// should hand the event on rather than block.
	Events func(Event)
	// Alive reports whether the process pid that started at start (see
	// ProcessStart) still runs on this host; default: ask the system.
	Alive func(pid int, start string) bool
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
	started  time.Time
	lastTick atomic.Int64   // unix ms of the last look at the queue
	wake     chan struct{}  // a post was added or a slot freed
	images   *imageCache    // card images rendered ahead
	busy     map[string]int // posts in flight per channel; under mu
	// work is the context publishes run in: it outlives the daemon's own
	// context by up to StopTimeout so a stop does not cut a request in half.
	mu         sync.Mutex
	work       context.Context
	cancelWork context.CancelFunc
	live       liveConfig // the campaign as last reconfigured (reload.go)
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
	if cfg.Lease <= 0 {
		cfg.Lease = 30 * time.Second
	}
	if cfg.Backoff.Base <= 0 {
		cfg.Backoff.Base = DefaultBackoff.Base
	}
	if cfg.Backoff.Max <= 0 {
		cfg.Backoff.Max = DefaultBackoff.Max
	}
	if cfg.Backoff.Tries <= 0 {
		cfg.Backoff.Tries = DefaultBackoff.Tries
	}
	if cfg.Backoff.Window <= 0 {
		cfg.Backoff.Window = DefaultBackoff.Window
	}
	if cfg.Jitter == nil {
		cfg.Jitter = mrand.Float64
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 64
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 250 * time.Millisecond
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = DefaultHeartbeat
	}
	if cfg.Prepare <= 0 {
		cfg.Prepare = 10 * time.Minute
	}
	if cfg.Host == "" {
		cfg.Host, _ = os.Hostname()
	}
	if cfg.PID == 0 {
		cfg.PID = os.Getpid()
	}
	if cfg.Alive == nil {
		cfg.Alive = processAlive
	}
	if cfg.Owner == "" {
		b := make([]byte, 3)
		_, _ = rand.Read(b)
		cfg.Owner = OwnerName(cfg.Host, cfg.PID, ProcessStart(cfg.PID), hex.EncodeToString(b))
	}
	if cfg.StopTimeout <= 0 {
		cfg.StopTimeout = 10 * time.Second
	}
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = 2 * time.Second
	}
	r := &Runner{cfg: cfg, log: cfg.Logger.With("runner", cfg.Owner), grace: 15 * time.Minute,
		wake: make(chan struct{}, 1), busy: map[string]int{}, images: newImageCache(cfg.Images)}
	if cfg.Campaign != nil && cfg.Campaign.Grace > 0 {
		r.grace = cfg.Campaign.Grace
	}
	r.work, r.cancelWork = context.WithCancel(context.Background())
	return r, nil
}

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
	c, sched, unlock := r.planned()
	defer unlock()
	if c == nil {
		return queue.Counts{}, nil
	}
	plan, err := schedule.PlanCaptioned(c, sched, r.cfg.Caption)
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

// Start re-plans, takes back the posts of dead runners of this host and
// the leases that expired while no runner held them, and marks missed the
// posts whose time passed beyond the grace window; posts still within it
// go out on the first tick.
func (r *Runner) Start(ctx context.Context) error {
	r.started = r.cfg.Now()
	if _, err := r.Replan(ctx); err != nil {
		return err
	}
	if err := r.releaseDead(ctx, r.started); err != nil {
		return err
	}
	return r.sweep(ctx, r.started)
}

// releaseDead gives back at once the posts claimed by runners of this host
// whose process is gone (a crash, a kill), which would otherwise wait out
// their lease. A runner's owner name records its host, pid and process
// start, so a pid reused by another process is not taken for the runner.
func (r *Runner) releaseDead(ctx context.Context, now time.Time) error {
	claimed, err := r.cfg.Store.List(ctx, queue.Filter{States: []queue.State{queue.Claimed}, Sources: r.sources()})
	if err != nil {
		return err
	}
	for _, p := range claimed {
		if p.LeaseOwner == r.cfg.Owner {
			continue
		}
		host, pid, start, ok := ParseOwner(p.LeaseOwner)
		if !ok || host != r.cfg.Host || r.cfg.Alive(pid, start) {
			continue
		}
		reason := fmt.Sprintf("its runner (%s, pid %d) is no longer running", host, pid)
		if err := r.cfg.Store.Release(ctx, p.ID, p.LeaseOwner, now, reason); err != nil {
			if errors.Is(err, queue.ErrLeaseLost) || errors.Is(err, queue.ErrState) {
				continue
			}
			return err
		}
		r.log.Warn("took back a post from a runner that died mid-publish", "id", p.ID, "channel", p.Channel, "owner", p.LeaseOwner)
	}
	return nil
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
	overdue, err := r.cfg.Store.List(ctx, queue.Filter{DueBefore: now.Add(-r.grace), Sources: r.sources()})
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
		r.reportMissed(ctx, p, reason)
	}
	r.watchRunners(ctx, now)
	return nil
}

// Tick runs one full pass: sweep, read the pause switch, then claim due
// posts for the free slots and publish each in its own goroutine. Wait
// waits for them.
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
	r.dispatch(ctx, now)
}

// sources are the posts this runner publishes: its campaign's and those
// queued by hand, so that several campaigns can share one store; nil (all)
// for a runner without a campaign. The slug never changes while a runner
// runs (Reconfigure refuses a new one).
func (r *Runner) sources() []string {
	if r.cfg.Campaign == nil {
		return nil
	}
	return []string{r.cfg.Campaign.Slug, queue.AdHoc}
}

// concurrency is how many posts of channel may be in flight at once.
func (r *Runner) concurrency(channel string) int {
	if n, ok := r.cfg.Concurrency[channel]; ok && n > 0 {
		return n
	}
	if n, ok := DefaultConcurrency[channel]; ok {
		return n
	}
	return 2
}

// dispatch claims what is due for the free slots of every channel and
// starts a publish for each.
func (r *Runner) dispatch(ctx context.Context, now time.Time) {
	r.lastTick.Store(now.UnixMilli())
	r.mu.Lock()
	free := queue.Slots{Total: r.cfg.Workers - int(r.inflight.Load()), Channel: map[string]int{}, Sources: r.sources()}
	for ch := range r.cfg.Publishers {
		if n := r.concurrency(ch) - r.busy[ch]; n > 0 {
			free.Channel[ch] = n
		}
	}
	work := r.work
	r.mu.Unlock()
	if free.Total <= 0 || len(free.Channel) == 0 {
		return
	}
	posts, err := r.cfg.Store.Claim(ctx, r.cfg.Owner, now, r.cfg.Lease, free)
	if err != nil {
		r.log.Error("claim failed", "err", err)
		return
	}
	for _, p := range posts {
		r.mu.Lock()
		r.busy[p.Channel]++
		r.mu.Unlock()
		r.inflight.Add(1)
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			defer r.Notify() // a slot is free
			defer func() {
				r.mu.Lock()
				r.busy[p.Channel]--
				r.mu.Unlock()
				r.inflight.Add(-1)
			}()
			r.handle(work, p)
		}()
	}
}

// Notify wakes the runner to look at the queue now: a post was added or
// made due in this process. Posts added by other processes are seen within
// Config.Poll.
func (r *Runner) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Wait blocks until every publish started by Tick has finished.
func (r *Runner) Wait() { r.wg.Wait() }

// Run is the daemon: Start, then a loop that sleeps until the next post is
// due, a post is added (Notify) or a publishing slot frees, at most
// Config.Poll, and then claims and publishes what is due; it beats in the
// store and renders card images ahead. When ctx ends it waits up to
// StopTimeout for publishes in flight, cancels and releases what is left,
// records that it stopped, and returns ctx's error.
func (r *Runner) Run(ctx context.Context) error {
	if err := r.Start(ctx); err != nil {
		return err
	}
	r.log.Info("runner started", "grace", r.grace, "lease", r.cfg.Lease, "workers", r.cfg.Workers, "poll", r.cfg.Poll)
	r.beat(ctx, time.Time{})
	prepared := make(chan struct{})
	go func() { // renders card images ahead; ends with ctx
		defer close(prepared)
		r.prepareLoop(ctx)
	}()
	// A store that can tell of changes (PostgreSQL's LISTEN/NOTIFY) wakes
	// the loop when another process adds a post or makes one due, instead
	// of leaving it to the next poll.
	var changes <-chan struct{}
	if n, ok := r.cfg.Store.(queue.Notifier); ok {
		changes = n.Changes(ctx)
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	var lastFull, lastBeat time.Time
	for ctx.Err() == nil {
		now := r.cfg.Now()
		if now.Sub(lastFull) >= time.Second || now.Before(lastFull) {
			r.safely("tick", func() { r.Tick(ctx) })
			lastFull = now
		} else {
			r.safely("dispatch", func() { r.dispatch(ctx, now) })
		}
		if now.Sub(lastBeat) >= r.cfg.Heartbeat {
			r.beat(ctx, time.Time{})
			lastBeat = now
		}
		timer.Reset(r.sleep(ctx, now))
		select {
		case <-ctx.Done():
		case <-r.wake:
		case <-timer.C:
		case _, ok := <-changes:
			if !ok {
				changes = nil // closed: a nil channel never fires
			}
		}
	}
	r.log.Info("runner stopping", "in_flight", r.inflight.Load(), "bound", r.cfg.StopTimeout)
	drained := make(chan struct{})
	go func() {
		r.wg.Wait()
		close(drained)
	}()
	bound := time.NewTimer(r.cfg.StopTimeout)
	defer bound.Stop()
	select {
	case <-drained:
	case <-bound.C:
		r.log.Warn("publishes still running at the stop bound; cancelling them", "in_flight", r.inflight.Load())
		r.mu.Lock()
		r.cancelWork()
		r.mu.Unlock()
		<-drained
	}
	r.cancelWork()
	<-prepared
	r.beat(context.WithoutCancel(ctx), r.cfg.Now())
	r.log.Info("runner stopped")
	return ctx.Err()
}

// sleep is how long the loop may wait: until the next due post when it is
// sooner than Poll, else Poll (posts due now but with no free slot wait
// for a slot to free, which wakes the loop).
func (r *Runner) sleep(ctx context.Context, now time.Time) time.Duration {
	d := r.cfg.Poll
	next, err := r.cfg.Store.NextDue(ctx)
	if err != nil || next.IsZero() {
		return d
	}
	if wait := next.Sub(now); wait > 0 && wait < d {
		return wait
	}
	return d
}

// safely runs one pass of the loop, turning a panic (a bug in a store or a
// publisher) into a logged error so the daemon goes on.
func (r *Runner) safely(what string, fn func()) {
	defer func() {
		if v := recover(); v != nil {
			r.log.Error("panic in the runner's "+what+"; going on", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()
	fn()
}

// beat records in the store that this runner is alive; stopped is set
// once, when it stops cleanly.
func (r *Runner) beat(ctx context.Context, stopped time.Time) {
	info := queue.RunnerInfo{ID: r.cfg.Owner, Host: r.cfg.Host, PID: r.cfg.PID, Started: r.started, Beat: r.cfg.Now(),
		LastTick: time.UnixMilli(r.lastTick.Load()).UTC(), InFlight: int(r.inflight.Load()), Stopped: stopped}
	if r.cfg.Campaign != nil {
		info.Source = r.cfg.Campaign.Slug
	}
	if err := r.cfg.Store.Beat(ctx, info); err != nil && ctx.Err() == nil {
		r.log.Warn("could not record the heartbeat", "err", err)
	}
}
