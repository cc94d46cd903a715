package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

// fakePublisher records calls and answers with Fn.
type fakePublisher struct {
	NameFn string
	Fn     func(ctx context.Context, p publish.Post) (publish.Result, error)

	mu    sync.Mutex
	calls []publish.Post
	tries []int
}

var _ publish.Publisher = (*fakePublisher)(nil)

func (f *fakePublisher) Name() string { return f.NameFn }

func (f *fakePublisher) Publish(ctx context.Context, p publish.Post) (publish.Result, error) {
	f.mu.Lock()
	f.calls = append(f.calls, p)
	f.tries = append(f.tries, publish.Attempt(ctx))
	f.mu.Unlock()
	if f.Fn == nil {
		return publish.Result{RemoteID: "remote-" + p.ID}, nil
	}
	return f.Fn(ctx, p)
}

func (f *fakePublisher) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// due is the planned instant of the test campaign's post: 09:00 in London.
var due = time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)

// testCampaign is the campaign most tests run: one post, "hello", due at
// 09:00 on the day.
func testCampaign(t *testing.T) *campaign.Campaign {
	t.Helper()
	return editedCampaign(t, "test-day", post("hello", "09:00", "Hello"))
}

type harness struct {
	r     *Runner
	store *queue.SQLite
	pub   *fakePublisher
	clock *toolkittest.Clock
	logs  *toolkittest.Buffer
}

func newHarness(t *testing.T, start time.Time, fn func(ctx context.Context, p publish.Post) (publish.Result, error), mod func(*Config)) *harness {
	t.Helper()
	store := openStore(t)
	h := &harness{store: store, pub: &fakePublisher{NameFn: "outbox", Fn: fn}, clock: toolkittest.NewClock(start), logs: &toolkittest.Buffer{}}
	cfg := Config{
		Campaign:   testCampaign(t),
		Store:      store,
		Publishers: map[string]publish.Publisher{"outbox": h.pub},
		Now:        h.clock.Now,
		Logger:     slog.New(slog.NewTextHandler(h.logs, nil)),
		Owner:      "test-runner",
		Jitter:     func() float64 { return 0.5 },
	}
	if mod != nil {
		mod(&cfg)
	}
	var err error
	h.r, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// openStore opens an empty SQLite queue in the test's folder, closed when
// the test ends (inside its synctest bubble, if it runs in one).
func openStore(t testing.TB) *queue.SQLite {
	t.Helper()
	s, err := queue.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), queue.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// daemon is r.Run going in the background, as `campaignkit run` runs it.
type daemon struct {
	cancel context.CancelFunc
	done   chan error
}

func startRun(ctx context.Context, r *Runner) *daemon {
	ctx, cancel := context.WithCancel(ctx)
	d := &daemon{cancel: cancel, done: make(chan error, 1)}
	go func() { d.done <- r.Run(ctx) }()
	return d
}

// stopCleanly stops Run as Ctrl-C does and waits for it: it must end with
// the context's error, not one of its own.
func (d *daemon) stopCleanly(t testing.TB) {
	t.Helper()
	d.cancel()
	if err := <-d.done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run: got %v, want context.Canceled", err)
	}
}

// tick runs one tick and waits for its publishes.
func (h *harness) tick(t *testing.T) {
	t.Helper()
	h.r.Tick(context.Background())
	h.r.Wait()
}

func (h *harness) post(t *testing.T) (queue.Post, []queue.Attempt) {
	t.Helper()
	all, err := h.store.List(context.Background(), queue.Filter{})
	if err != nil || len(all) != 1 {
		t.Fatalf("queue: got %d posts, %v, want 1", len(all), err)
	}
	p, attempts, err := h.store.Get(context.Background(), all[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return p, attempts
}

func TestDuePostPublishedOnce(t *testing.T) {
	h := newHarness(t, due.Add(-2*time.Second), nil, nil)
	if err := h.r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.tick(t)
	if n := h.pub.count(); n != 0 {
		t.Fatalf("before its time: got %d publishes, want 0", n)
	}
	h.clock.Set(due)
	for range 5 {
		h.tick(t)
		h.clock.Advance(time.Second)
	}
	if n := h.pub.count(); n != 1 {
		t.Fatalf("got %d publishes, want 1", n)
	}
	got := h.pub.calls[0]
	if !got.At.Equal(due) || got.Channel != "outbox" || !strings.Contains(got.Text, "Hello") || !strings.Contains(got.Text, "#TestDay") {
		t.Errorf("published post: got %+v", got)
	}
	if h.pub.tries[0] != 1 {
		t.Errorf("attempt in context: got %d, want 1", h.pub.tries[0])
	}
	p, attempts := h.post(t)
	if p.State != queue.Published || p.RemoteID != "remote-"+p.ID || len(attempts) != 1 || attempts[0].Outcome != "published" {
		t.Errorf("queue: got %+v %+v", p, attempts)
	}
	// A restart re-plans without duplicating or re-publishing.
	if err := h.r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.tick(t)
	if n := h.pub.count(); n != 1 {
		t.Errorf("after restart: got %d publishes, want 1", n)
	}
}

func TestDownWithinGrace(t *testing.T) {
	h := newHarness(t, due.Add(10*time.Minute), nil, nil)
	if err := h.r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.tick(t)
	if n := h.pub.count(); n != 1 {
		t.Fatalf("got %d publishes, want 1", n)
	}
	if logs := h.logs.String(); !strings.Contains(logs, "publishing late") || !strings.Contains(logs, "late=10m0s") {
		t.Errorf("want a log saying how late, got:\n%s", logs)
	}
}

func TestDownBeyondGrace(t *testing.T) {
	h := newHarness(t, due.Add(16*time.Minute), nil, nil)
	if err := h.r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.tick(t)
	if n := h.pub.count(); n != 0 {
		t.Fatalf("got %d publishes, want 0", n)
	}
	p, _ := h.post(t)
	if p.State != queue.Missed || !strings.Contains(p.Reason, "grace window of 15m0s") {
		t.Errorf("got %s (%s), want missed with the reason", p.State, p.Reason)
	}
	if logs := h.logs.String(); !strings.Contains(logs, "level=ERROR msg=\"post missed\"") {
		t.Errorf("want an error log for the missed post, got:\n%s", logs)
	}
}

func TestRetryWithBackoff(t *testing.T) {
	fails := 2
	h := newHarness(t, due, func(ctx context.Context, p publish.Post) (publish.Result, error) {
		if fails > 0 {
			fails--
			return publish.Result{}, errors.New("connection reset")
		}
		return publish.Result{RemoteID: "ok"}, nil
	}, nil)
	if err := h.r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.tick(t) // attempt 1 fails: the default 2s base, jitter 0.5 -> 1.5s
	p, _ := h.post(t)
	if want := due.Add(1500 * time.Millisecond); p.State != queue.Failed || !p.Due.Equal(want) {
		t.Fatalf("after one failure: got %s due %v, want failed due %v", p.State, p.Due, want)
	}
	h.clock.Set(due.Add(time.Second))
	h.tick(t)
	if n := h.pub.count(); n != 1 {
		t.Fatalf("before the retry time: got %d publishes, want 1", n)
	}
	h.clock.Set(due.Add(2 * time.Second))
	h.tick(t) // attempt 2 fails: 4s -> 3s
	p, _ = h.post(t)
	if want := due.Add(2*time.Second + 3*time.Second); !p.Due.Equal(want) {
		t.Fatalf("after two failures: due %v, want %v", p.Due, want)
	}
	h.clock.Set(p.Due)
	h.tick(t)
	p, attempts := h.post(t)
	if p.State != queue.Published || len(attempts) != 3 || attempts[0].Error != "connection reset" {
		t.Errorf("got %s with attempts %+v", p.State, attempts)
	}
	if fmt.Sprint(h.pub.tries) != "[1 2 3]" {
		t.Errorf("attempt numbers in context: got %v, want [1 2 3]", h.pub.tries)
	}
}

func TestDelay(t *testing.T) {
	b := Backoff{Base: 30 * time.Second, Max: 10 * time.Minute}
	tests := []struct {
		n      int
		jitter float64
		want   time.Duration
	}{
		{1, 0, 15 * time.Second},
		{1, 1, 30 * time.Second},
		{2, 1, time.Minute},
		{3, 0.5, 90 * time.Second},
		{6, 1, 10 * time.Minute}, // 16m capped
		{20, 0, 5 * time.Minute},
	}
	for _, tt := range tests {
		if got := Delay(b, tt.n, tt.jitter); got != tt.want {
			t.Errorf("Delay(%d, %g): got %s, want %s", tt.n, tt.jitter, got, tt.want)
		}
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	h := newHarness(t, due, func(ctx context.Context, p publish.Post) (publish.Result, error) {
		return publish.Result{}, &publish.RetryAfterError{After: 7 * time.Minute, Msg: "HTTP 429"}
	}, nil)
	if err := h.r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.tick(t)
	p, _ := h.post(t)
	if want := due.Add(7 * time.Minute); !p.Due.Equal(want) {
		t.Errorf("due: got %v, want %v", p.Due, want)
	}
}

func TestPermanentErrorStops(t *testing.T) {
	h := newHarness(t, due, func(ctx context.Context, p publish.Post) (publish.Result, error) {
		return publish.Result{}, &publish.PermanentError{Status: 401, Msg: "invalid token"}
	}, nil)
	if err := h.r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		h.tick(t)
		h.clock.Advance(time.Hour)
	}
	if n := h.pub.count(); n != 1 {
		t.Errorf("got %d publishes, want 1", n)
	}
	p, _ := h.post(t)
	if p.State != queue.Failed || !p.Due.IsZero() || !strings.Contains(p.LastError, "HTTP 401") {
		t.Errorf("got %+v, want failed, given up, with the 401", p)
	}
	if logs := h.logs.String(); !strings.Contains(logs, "not retrying") {
		t.Errorf("want the permanent failure logged, got:\n%s", logs)
	}
}

func TestGiveUpAfterTries(t *testing.T) {
	h := newHarness(t, due, func(ctx context.Context, p publish.Post) (publish.Result, error) {
		return publish.Result{}, errors.New("HTTP 502")
	}, func(c *Config) { c.Backoff = Backoff{Base: time.Second, Max: time.Second, Tries: 3} })
	if err := h.r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		h.tick(t)
		h.clock.Advance(2 * time.Second)
	}
	if n := h.pub.count(); n != 3 {
		t.Errorf("got %d publishes, want 3", n)
	}
	if p, _ := h.post(t); p.State != queue.Failed || !p.Due.IsZero() {
		t.Errorf("got %s due %v, want given up", p.State, p.Due)
	}
}

func TestPanicRecovered(t *testing.T) {
	panics := true
	h := newHarness(t, due, func(ctx context.Context, p publish.Post) (publish.Result, error) {
		if panics {
			panics = false
			panic("nil map in publisher")
		}
		return publish.Result{RemoteID: "ok"}, nil
	}, nil)
	if err := h.r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.tick(t)
	p, _ := h.post(t)
	if p.State != queue.Failed || !strings.Contains(p.LastError, "panicked: nil map in publisher") {
		t.Fatalf("after the panic: got %s %q", p.State, p.LastError)
	}
	h.clock.Set(p.Due)
	h.tick(t)
	if p, _ := h.post(t); p.State != queue.Published {
		t.Errorf("after the panic: got %s, want published on the retry", p.State)
	}
}

// TestCrashedRunnerLeaseTakenBack: a runner claims a post and dies; the
// next runner takes it back once the lease expires and tells the publisher
// it is a second attempt.
func TestCrashedRunnerLeaseTakenBack(t *testing.T) {
	h := newHarness(t, due, nil, nil)
	if err := h.r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.store.Claim(context.Background(), "crashed-runner", due, 30*time.Second, queue.Any(10)); len(got) != 1 {
		t.Fatal("claim failed")
	}
	h.tick(t)
	if n := h.pub.count(); n != 0 {
		t.Fatalf("during the other runner's lease: got %d publishes, want 0", n)
	}
	h.clock.Advance(31 * time.Second)
	h.tick(t)
	if n := h.pub.count(); n != 1 || h.pub.tries[0] != 2 {
		t.Fatalf("after the lease: got %d publishes (attempts %v), want 1 at attempt 2", n, h.pub.tries)
	}
	if !strings.Contains(h.logs.String(), "lease expired") {
		t.Errorf("want the take-back logged, got:\n%s", h.logs.String())
	}
}

func TestImagesAndMissingPublisher(t *testing.T) {
	img := filepath.Join(t.TempDir(), "card.png")
	if err := os.WriteFile(img, []byte("\x89PNG fake"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, due, nil, func(c *Config) {
		c.Images = func(ctx context.Context, card, lang, channel string) ([]publish.Image, error) {
			return []publish.Image{{Path: img, Alt: card + " in " + lang + " for " + channel}}, nil
		}
	})
	if err := h.r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.tick(t)
	if n := h.pub.count(); n != 1 {
		t.Fatalf("got %d publishes, want 1", n)
	}
	if imgs := h.pub.calls[0].Images; len(imgs) != 1 || imgs[0].Path != img || imgs[0].Alt != "tag in en for outbox" {
		t.Errorf("images: got %+v", imgs)
	}

	// A plan naming a channel without a publisher is refused at start.
	h2 := newHarness(t, due, nil, func(c *Config) {
		c.Publishers = map[string]publish.Publisher{"webhook": &fakePublisher{NameFn: "webhook"}}
	})
	if err := h2.r.Start(context.Background()); err == nil || !strings.Contains(err.Error(), `channel "outbox", which has no publisher`) {
		t.Errorf("got %v, want an error naming the channel", err)
	}
}

// TestRunOnTime runs the real daemon (cron ticking every second) in a
// synctest bubble: a post due in 3 seconds goes out within a second of its
// time, and cancelling stops the daemon.
func TestRunOnTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		store := openStore(t)
		at := time.Now().Add(3 * time.Second).Truncate(time.Second)
		if _, err := store.Enqueue(ctx, time.Now(), []queue.Post{{ID: "adhoc-1", Source: queue.AdHoc, Channel: "outbox", Lang: "en", At: at, Text: "hi"}}); err != nil {
			t.Fatal(err)
		}
		var publishedAt time.Time
		pub := &fakePublisher{NameFn: "outbox", Fn: func(ctx context.Context, p publish.Post) (publish.Result, error) {
			publishedAt = time.Now()
			return publish.Result{}, nil
		}}
		r, err := New(Config{Store: store, Publishers: map[string]publish.Publisher{"outbox": pub}, Now: time.Now})
		if err != nil {
			t.Fatal(err)
		}
		d := startRun(ctx, r)
		time.Sleep(5 * time.Second)
		synctest.Wait()
		if pub.count() != 1 {
			t.Fatalf("got %d publishes, want 1", pub.count())
		}
		if late := publishedAt.Sub(at); late < 0 || late > time.Second {
			t.Errorf("published %s after its time, want within 1s", late)
		}
		d.stopCleanly(t)
	})
}

// TestRunStopsWithinBound: a publish that hangs is cancelled at the stop
// bound and its post goes back to the queue, not lost and not failed.
func TestRunStopsWithinBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		store := openStore(t)
		if _, err := store.Enqueue(ctx, time.Now(), []queue.Post{{ID: "slow", Source: queue.AdHoc, Channel: "outbox", Lang: "en", At: time.Now(), Text: "hi"}}); err != nil {
			t.Fatal(err)
		}
		pub := &fakePublisher{NameFn: "outbox", Fn: func(ctx context.Context, p publish.Post) (publish.Result, error) {
			<-ctx.Done()
			return publish.Result{}, ctx.Err()
		}}
		r, err := New(Config{Store: store, Publishers: map[string]publish.Publisher{"outbox": pub}, Now: time.Now, StopTimeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		d := startRun(ctx, r)
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if pub.count() != 1 {
			t.Fatalf("got %d publishes, want 1 in flight", pub.count())
		}
		start := time.Now()
		d.stopCleanly(t)
		if took := time.Since(start); took > 6*time.Second {
			t.Errorf("stop took %s, want at most the 5s bound", took)
		}
		p, attempts, err := store.Get(context.Background(), "slow")
		if err != nil {
			t.Fatal(err)
		}
		if p.State != queue.Planned || len(attempts) != 1 || attempts[0].Outcome != "interrupted" {
			t.Errorf("got %s with %+v, want planned again with one interrupted attempt", p.State, attempts)
		}
	})
}

// panickyStore panics in the first sweep after start, as a bug in a store
// might; the daemon must log it and keep ticking.
type panickyStore struct {
	queue.Store
	mu     sync.Mutex
	calls  int
	panics int
}

func (s *panickyStore) ReleaseExpired(ctx context.Context, now time.Time) ([]queue.Post, error) {
	s.mu.Lock()
	s.calls++
	boom := s.calls == 2 // the first call is Start's
	if boom {
		s.panics++
	}
	s.mu.Unlock()
	if boom {
		panic("store bug")
	}
	return s.Store.ReleaseExpired(ctx, now)
}

func TestRunRecoversPanicInTick(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		sq := openStore(t)
		store := &panickyStore{Store: sq}
		if _, err := sq.Enqueue(ctx, time.Now(), []queue.Post{{ID: "p", Source: queue.AdHoc, Channel: "outbox", Lang: "en", At: time.Now().Add(3 * time.Second), Text: "hi"}}); err != nil {
			t.Fatal(err)
		}
		var logs toolkittest.Buffer
		pub := &fakePublisher{NameFn: "outbox"}
		r, err := New(Config{Store: store, Publishers: map[string]publish.Publisher{"outbox": pub}, Now: time.Now,
			Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		d := startRun(ctx, r)
		time.Sleep(5 * time.Second)
		synctest.Wait()
		d.stopCleanly(t)
		if store.panics != 1 || pub.count() != 1 {
			t.Errorf("got %d panics and %d publishes, want 1 and 1", store.panics, pub.count())
		}
		if !strings.Contains(logs.String(), "store bug") {
			t.Errorf("want the panic logged, got:\n%s", logs.String())
		}
	})
}

func TestPausedQueue(t *testing.T) {
	h := newHarness(t, due, nil, nil)
	if err := h.r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := h.store.Pause(context.Background(), due.Add(-time.Hour), "sad news"); err != nil {
		t.Fatal(err)
	}
	h.tick(t)
	h.tick(t)
	if n := h.pub.count(); n != 0 {
		t.Fatalf("while paused: got %d publishes, want 0", n)
	}
	if got := strings.Count(h.logs.String(), "queue paused"); got != 1 {
		t.Errorf("want the pause logged once, got %d times:\n%s", got, h.logs.String())
	}
	if err := h.store.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(5 * time.Minute)
	h.tick(t)
	if n := h.pub.count(); n != 1 {
		t.Errorf("after resume within grace: got %d publishes, want 1", n)
	}
	if !strings.Contains(h.logs.String(), "queue resumed") {
		t.Errorf("want the resume logged:\n%s", h.logs.String())
	}
}
