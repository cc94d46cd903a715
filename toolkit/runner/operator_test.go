package runner

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/queue"
)

// events collects what a runner reports.
type events struct {
	mu   sync.Mutex
	list []Event
}

func (e *events) add(ev Event) {
	e.mu.Lock()
	e.list = append(e.list, ev)
	e.mu.Unlock()
}

func (e *events) kinds() []EventKind {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []EventKind
	for _, ev := range e.list {
		out = append(out, ev.Kind)
	}
	return out
}

// TestEventsAreToldOnce: a refused token is reported as such, once, with
// what to do; a missed post seen by two runners is reported once.
func TestEventsAreToldOnce(t *testing.T) {
	var got events
	h := newHarness(t, due, func(ctx context.Context, p publish.Post) (publish.Result, error) {
		return publish.Result{}, &publish.PermanentError{Status: 401, Msg: "mastodon: The access token was revoked"}
	}, func(c *Config) { c.Events = got.add })
	if err := h.r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.tick(t)
	h.tick(t)
	if k := fmt.Sprint(got.kinds()); k != "[token-expired]" {
		t.Fatalf("events: %s, want one token-expired", k)
	}
	ev := got.list[0]
	if ev.PostID == "" || ev.Channel != "outbox" || ev.Action == "" || ev.Source != "test-day" || ev.Planned.IsZero() {
		t.Errorf("event lacks what an operator needs: %+v", ev)
	}

	// a missed post, swept by two runners of the same store
	var missed events
	h2 := newHarness(t, due.Add(time.Hour), nil, func(c *Config) { c.Events = missed.add })
	other, err := New(Config{Campaign: h2.r.cfg.Campaign, Store: h2.store, Publishers: h2.r.cfg.Publishers, Now: h2.clock.Now, Events: missed.add})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*Runner{h2.r, other} {
		if err := r.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if k := fmt.Sprint(missed.kinds()); k != "[missed]" {
		t.Errorf("events: %s, want one missed", k)
	}
}

// TestDeadRunnerPostsTakenBackAtOnce: a runner that starts takes back the
// posts of a dead runner of its host at once, but not those of a live one
// or of another host, which wait for their lease.
func TestDeadRunnerPostsTakenBackAtOnce(t *testing.T) {
	for _, c := range []struct {
		name, owner string
		alive       bool
		takenBack   bool
	}{
		{"dead, same host", OwnerName("here", 4242, "100@boot", "a"), false, true},
		{"alive, same host", OwnerName("here", 4242, "100@boot", "a"), true, false},
		{"other host", OwnerName("there", 4242, "100@boot", "a"), false, false},
		{"unknown owner", "someone", false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, due, nil, func(cfg *Config) {
				cfg.Host = "here"
				cfg.Alive = func(pid int, start string) bool {
					if pid != 4242 || start != "100@boot" {
						t.Errorf("asked about pid %d started %q", pid, start)
					}
					return c.alive
				}
			})
			ctx := context.Background()
			if _, err := h.r.Replan(ctx); err != nil {
				t.Fatal(err)
			}
			if got, _ := h.store.Claim(ctx, c.owner, due, 30*time.Second, queue.Any(1)); len(got) != 1 {
				t.Fatal("claim failed")
			}
			if err := h.r.Start(ctx); err != nil {
				t.Fatal(err)
			}
			h.tick(t)
			if got := h.pub.count() == 1; got != c.takenBack {
				t.Errorf("published at once: %v, want %v", got, c.takenBack)
			}
		})
	}
}

func TestOwnerNames(t *testing.T) {
	for _, host := range []string{"web-1", "::1", "fe80::1%eth0"} {
		host2, pid, start, ok := ParseOwner(OwnerName(host, 17, "99@ab", "x"))
		if !ok || host2 != host || pid != 17 || start != "99@ab" {
			t.Errorf("%s: got %q %d %q %v", host, host2, pid, start, ok)
		}
	}
	for _, bad := range []string{"", "test-runner", "a:b:c", "h:0:s:t", "h:x:s:t", "h:1::t"} {
		if _, _, _, ok := ParseOwner(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
	if ProcessStart(1) == "" || !processAlive(1, ProcessStart(1)) {
		t.Skip("no /proc here")
	}
	if processAlive(1, "0@other") {
		t.Error("a process is taken for another that had its pid")
	}
}

// TestBurstGoesOutOnTime: posts due at one instant are claimed the moment
// they are due (the runner sleeps until then, not to a tick) and published
// by the channel's slots at once; the runner's heartbeat is in the store
// while it runs, and says it stopped after.
func TestBurstGoesOutOnTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		store := openStore(t)
		at := time.Now().Add(10*time.Second + 123*time.Millisecond)
		var posts []queue.Post
		for i := range 100 {
			posts = append(posts, queue.Post{ID: fmt.Sprintf("p%03d", i), Source: queue.AdHoc, Channel: "outbox", Lang: "en", At: at, Text: "hi"})
		}
		if _, err := store.Enqueue(ctx, time.Now(), posts); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var late []time.Duration
		pub := &fakePublisher{NameFn: "outbox", Fn: func(ctx context.Context, p publish.Post) (publish.Result, error) {
			mu.Lock()
			late = append(late, time.Since(at))
			mu.Unlock()
			time.Sleep(100 * time.Millisecond) // a network's answer
			return publish.Result{}, nil
		}}
		r, err := New(Config{Store: store, Publishers: map[string]publish.Publisher{"outbox": pub}, Now: time.Now, Poll: time.Hour,
			Concurrency: map[string]int{"outbox": 25}})
		if err != nil {
			t.Fatal(err)
		}
		d := startRun(ctx, r)
		time.Sleep(20 * time.Second)
		synctest.Wait()
		if pub.count() != 100 {
			t.Fatalf("%d published, want 100", pub.count())
		}
		mu.Lock()
		worst := late[len(late)-1]
		mu.Unlock()
		// 100 posts, 25 at a time, 100 ms each: the last starts 300 ms late
		if late[0] != 0 || worst != 300*time.Millisecond {
			t.Errorf("first started %s late, last %s; want 0 and 300ms", late[0], worst)
		}
		runners, err := store.Runners(ctx, time.Time{})
		if err != nil || len(runners) != 1 || !runners[0].Stopped.IsZero() || runners[0].Beat.Before(at) {
			t.Fatalf("while running: %+v, %v", runners, err)
		}
		d.stopCleanly(t)
		runners, _ = store.Runners(context.Background(), time.Time{})
		if len(runners) != 1 || runners[0].Stopped.IsZero() {
			t.Errorf("after a clean stop: %+v", runners)
		}
	})
}

// notifying is a store that tells of changes, as PostgreSQL's does.
type notifying struct {
	queue.Store
	ch chan struct{}
}

func (n notifying) Changes(ctx context.Context) <-chan struct{} { return n.ch }

// TestNotifierWakesTheRunner: with a store that tells of changes, a post
// another process adds is published at once, not at the next poll (which
// here is an hour away).
func TestNotifierWakesTheRunner(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		sq := openStore(t)
		store := notifying{Store: sq, ch: make(chan struct{}, 1)}
		pub := &fakePublisher{NameFn: "outbox"}
		r, err := New(Config{Store: store, Publishers: map[string]publish.Publisher{"outbox": pub}, Now: time.Now, Poll: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		d := startRun(ctx, r)
		time.Sleep(time.Minute)
		synctest.Wait()
		added := time.Now()
		if _, err := sq.Enqueue(ctx, added, []queue.Post{{ID: "late-add", Source: queue.AdHoc, Channel: "outbox", Lang: "en", At: added, Text: "hi"}}); err != nil {
			t.Fatal(err)
		}
		store.ch <- struct{}{}
		synctest.Wait()
		if pub.count() != 1 {
			t.Fatalf("%d published right after the notification, want 1", pub.count())
		}
		d.stopCleanly(t)
	})
}

// TestRunnerKeepsToItsCampaign: two campaigns share a store; a runner
// publishes its own campaign's posts and those queued by hand, and leaves
// the other campaign's alone, even when they are overdue.
func TestRunnerKeepsToItsCampaign(t *testing.T) {
	h := newHarness(t, due, nil, nil)
	ctx := context.Background()
	other := []queue.Post{
		{ID: "other-due", Source: "other-campaign", Channel: "outbox", Lang: "en", At: due, Text: "not mine"},
		{ID: "other-overdue", Source: "other-campaign", Channel: "outbox", Lang: "en", At: due.Add(-time.Hour), Text: "not mine either"},
		{ID: "by-hand", Source: queue.AdHoc, Channel: "outbox", Lang: "en", At: due, Text: "mine to send"},
	}
	if _, err := h.store.Enqueue(ctx, due.Add(-2*time.Hour), other); err != nil {
		t.Fatal(err)
	}
	if err := h.r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	h.tick(t)
	for id, want := range map[string]queue.State{"other-due": queue.Planned, "other-overdue": queue.Planned, "by-hand": queue.Published} {
		p, _, err := h.store.Get(ctx, id)
		if err != nil || p.State != want {
			t.Errorf("%s: %s (%v), want %s", id, p.State, err, want)
		}
	}
	if n := h.pub.count(); n != 2 { // the campaign's own post and the one by hand
		t.Errorf("%d published, want 2", n)
	}
}
