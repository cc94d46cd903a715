// Package watch tells when files change: it polls their identity (size,
// modification time, inode) rather than asking the operating system to
// notify, which works the same on every system and file system and costs a
// few stat calls a second. A change is reported once the files have stopped
// changing for a while, so a file an editor is still writing is read whole.
package watch

import (
	"context"
	"os"
	"slices"
	"sync"
	"time"
)

// Identity is what polling compares: a file whose identity differs from
// the last poll has changed. A file replaced by another (an editor that
// writes a new file and renames it over the old one) has a new inode even
// when its size and time are the same.
type Identity struct {
	Exists  bool
	Size    int64
	ModTime time.Time
	Dev     uint64 // 0 where the system does not say
	Inode   uint64 // 0 where the system does not say
}

// Same reports whether id and o are the same file in the same state.
func (id Identity) Same(o Identity) bool {
	return id.Exists == o.Exists && id.Size == o.Size && id.ModTime.Equal(o.ModTime) && id.Dev == o.Dev && id.Inode == o.Inode
}

// Stat returns the identity of the file at path; a file that cannot be
// stat'ed (missing, no permission) has the zero Identity.
func Stat(path string) Identity {
	fi, err := os.Stat(path)
	if err != nil {
		return Identity{}
	}
	id := Identity{Exists: true, Size: fi.Size(), ModTime: fi.ModTime()}
	id.Dev, id.Inode = fileID(fi)
	return id
}

// Event is a set of watched files that changed and then stayed unchanged
// for the settle time.
type Event struct {
	Paths []string  // sorted
	At    time.Time // when the change was reported
}

// Options configures a Watcher.
type Options struct {
	// Interval is how often the files are polled (default 1s).
	Interval time.Duration
	// Settle is how long files must stay unchanged after a change before
	// it is reported (default 300ms); while a change is pending they are
	// polled every Settle.
	Settle time.Duration
	// Now and After are the clock; default time.Now and time.After.
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time
	// Stat returns a file's identity; default Stat.
	Stat func(path string) Identity
}

// Watcher polls a set of files. Poll is the whole of its logic; Run calls
// it on a timer.
type Watcher struct {
	o       Options
	mu      sync.Mutex
	seen    map[string]Identity // as of the last poll
	changed map[string]bool     // changed since the last report
	last    time.Time           // when a change was last seen
}

// New watches paths, taking their identities now as the starting point.
func New(paths []string, o Options) *Watcher {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.Settle <= 0 {
		o.Settle = 300 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = time.After
	}
	if o.Stat == nil {
		o.Stat = Stat
	}
	w := &Watcher{o: o, seen: map[string]Identity{}, changed: map[string]bool{}}
	w.SetPaths(paths)
	return w
}

// SetPaths changes the set of files watched (a reloaded campaign may name
// other images). Files already watched keep their last identity, so a
// change not yet reported is not lost; new ones start from their identity
// now.
func (w *Watcher) SetPaths(paths []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	seen := make(map[string]Identity, len(paths))
	for _, p := range paths {
		if id, ok := w.seen[p]; ok {
			seen[p] = id
		} else {
			seen[p] = w.o.Stat(p)
		}
	}
	for p := range w.changed {
		if _, ok := seen[p]; !ok {
			delete(w.changed, p)
		}
	}
	w.seen = seen
}

// Paths returns the files watched, sorted.
func (w *Watcher) Paths() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.seen))
	for p := range w.seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// Poll looks at every file at time now. It returns the files that changed
// once none has changed for the settle time, and nil otherwise (nothing
// changed, or a change is still settling). pending says whether a change
// waits to settle.
func (w *Watcher) Poll(now time.Time) (changed []string, pending bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for p, old := range w.seen {
		id := w.o.Stat(p)
		if !id.Same(old) {
			w.seen[p] = id
			w.changed[p] = true
			w.last = now
		}
	}
	if len(w.changed) == 0 {
		return nil, false
	}
	if now.Sub(w.last) < w.o.Settle {
		return nil, true
	}
	for p := range w.changed {
		changed = append(changed, p)
	}
	slices.Sort(changed)
	clear(w.changed)
	return changed, false
}

// Run polls until ctx ends, every Interval, or every Settle while a change
// settles, and sends each settled change on the channel it returns. The
// channel is closed when ctx ends; the goroutine that polls is Run's and
// ends with ctx. While the receiver is busy with an event, polling waits,
// and changes made meanwhile are reported in the next one.
func (w *Watcher) Run(ctx context.Context) <-chan Event {
	out := make(chan Event)
	go func() {
		defer close(out)
		wait := w.o.Interval
		for {
			select {
			case <-ctx.Done():
				return
			case <-w.o.After(wait):
			}
			now := w.o.Now()
			paths, pending := w.Poll(now)
			wait = w.o.Interval
			if pending {
				wait = w.o.Settle
			}
			if paths == nil {
				continue
			}
			select {
			case out <- Event{Paths: paths, At: now}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
