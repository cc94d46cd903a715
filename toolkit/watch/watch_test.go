package watch

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 14, 9, 0, 0, 0, time.UTC)

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// poll is one Poll at t0+at, checked against what it must report.
func poll(t *testing.T, w *Watcher, at time.Duration, want []string, wantPending bool) {
	t.Helper()
	got, pending := w.Poll(t0.Add(at))
	if !slices.Equal(got, want) || pending != wantPending {
		t.Errorf("poll at +%v: got %q (pending %v), want %q (pending %v)", at, got, pending, want, wantPending)
	}
}

func TestPoll(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.png")
	write(t, a, "one")
	write(t, b, "png")
	stamp := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, p := range []string{a, b} {
		if err := os.Chtimes(p, stamp, stamp); err != nil {
			t.Fatal(err)
		}
	}
	w := New([]string{a, b}, Options{Settle: 300 * time.Millisecond})

	poll(t, w, 0, nil, false) // nothing changed

	// a save is reported once it has settled, and once
	write(t, a, "two!")
	poll(t, w, 1*time.Second, nil, true)
	poll(t, w, 1100*time.Millisecond, nil, true)
	poll(t, w, 1300*time.Millisecond, []string{a}, false)
	poll(t, w, 2300*time.Millisecond, nil, false)

	// a file still being written is read only once it stops changing
	write(t, a, "thr")
	poll(t, w, 3*time.Second, nil, true)
	write(t, a, "three, the whole of it")
	poll(t, w, 3200*time.Millisecond, nil, true)
	poll(t, w, 3400*time.Millisecond, nil, true) // 200ms since the last change
	poll(t, w, 3500*time.Millisecond, []string{a}, false)

	// the modification time alone: same size, same file
	later := stamp.Add(time.Hour)
	if err := os.Chtimes(b, later, later); err != nil {
		t.Fatal(err)
	}
	poll(t, w, 4*time.Second, nil, true)
	poll(t, w, 5*time.Second, []string{b}, false)

	// the inode alone: another file, same size and time, renamed over it
	// (as editors save)
	tmp := filepath.Join(dir, ".b.png.tmp")
	write(t, tmp, "png")
	if err := os.Chtimes(tmp, later, later); err != nil {
		t.Fatal(err)
	}
	before := Stat(b)
	if err := os.Rename(tmp, b); err != nil {
		t.Fatal(err)
	}
	if after := Stat(b); after.Inode == before.Inode {
		t.Skip("the file system reused the inode; cannot test inode changes here")
	}
	poll(t, w, 6*time.Second, nil, true)
	poll(t, w, 7*time.Second, []string{b}, false)

	// deleted, then made again within the settle time: one change
	if err := os.Remove(a); err != nil {
		t.Fatal(err)
	}
	poll(t, w, 8*time.Second, nil, true)
	write(t, a, "four")
	poll(t, w, 8100*time.Millisecond, nil, true)
	poll(t, w, 8400*time.Millisecond, []string{a}, false)

	// deleted for good: reported; made again later: reported again
	if err := os.Remove(a); err != nil {
		t.Fatal(err)
	}
	poll(t, w, 9*time.Second, nil, true)
	poll(t, w, 10*time.Second, []string{a}, false)
	poll(t, w, 11*time.Second, nil, false)
	write(t, a, "five")
	poll(t, w, 12*time.Second, nil, true)
	poll(t, w, 13*time.Second, []string{a}, false)

	// both files in one save
	write(t, a, "six")
	write(t, b, "png, new")
	poll(t, w, 14*time.Second, nil, true)
	poll(t, w, 15*time.Second, []string{a, b}, false)
}

// A file the campaign names only after an edit is watched from then on; a
// missing one is watched for its creation; one no longer named is let go.
func TestSetPaths(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	write(t, a, "a")
	write(t, b, "b")
	w := New([]string{a}, Options{})
	write(t, a, "a changed before the set changes")
	w.SetPaths([]string{a, b, c})
	if got, want := w.Paths(), []string{a, b, c}; !slices.Equal(got, want) {
		t.Errorf("paths: got %q, want %q", got, want)
	}
	poll(t, w, 0, nil, true) // a's change is not lost
	poll(t, w, time.Second, []string{a}, false)
	write(t, c, "c")
	poll(t, w, 2*time.Second, nil, true)
	poll(t, w, 3*time.Second, []string{c}, false)
	write(t, b, "b changed")
	w.SetPaths([]string{a, c})
	poll(t, w, 4*time.Second, nil, false)
}

// fakeClock lets a test step the watcher's loop: the watcher says how long
// it waits on waits, and the test ends the wait by sending on fire.
type fakeClock struct {
	now   time.Time
	waits chan time.Duration
	fire  chan time.Time
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.waits <- d
	return c.fire
}

// Run polls every Interval, every Settle while a change settles, and sends
// the settled change; it ends and closes its channel with ctx.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	write(t, a, "a")
	clk := &fakeClock{now: t0, waits: make(chan time.Duration, 1), fire: make(chan time.Time)}
	w := New([]string{a}, Options{Interval: time.Second, Settle: 300 * time.Millisecond,
		Now: func() time.Time { return clk.now }, After: clk.After})
	ctx, cancel := context.WithCancel(context.Background())
	events := w.Run(ctx)
	// wait takes the watcher's next wait, which it asks for once it has
	// polled, and checks its length; fire ends it.
	var waiting time.Duration
	wait := func(want time.Duration) {
		t.Helper()
		if waiting = <-clk.waits; waiting != want {
			t.Fatalf("the watcher waits %v, want %v", waiting, want)
		}
	}
	fire := func() {
		clk.now = clk.now.Add(waiting)
		clk.fire <- clk.now
	}
	wait(time.Second)
	fire()
	wait(time.Second) // nothing changed
	write(t, a, "a, edited")
	fire()
	wait(300 * time.Millisecond) // settling
	fire()
	ev := <-events
	if want := []string{a}; !slices.Equal(ev.Paths, want) || !ev.At.Equal(t0.Add(2300*time.Millisecond)) {
		t.Errorf("event %+v, want %q at +2.3s", ev, want)
	}
	wait(time.Second) // back to the slow pace
	cancel()
	if _, open := <-events; open {
		t.Error("an event after the context ended")
	}
}
