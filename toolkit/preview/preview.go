// Package preview is the live preview of a campaign for its authors: a
// local web page showing every card in every language and size with its
// captions and alt text, and next to each card the problems lint finds in
// it. Run watches the campaign's files and, when one is saved, loads the
// campaign again and draws only the images whose cache key (bundle.Keys)
// changed; the page follows over server-sent events without reloading.
package preview

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/lru"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/campaignkit/campaignkit/toolkit/watch"
)

// Source is a campaign as loaded from its files.
type Source struct {
	// Campaign is nil when the campaign file could not be loaded; then
	// Problems says why and the page keeps showing the last good load.
	Campaign *campaign.Campaign
	FS       fs.FS // the campaign's folder
	Themes   func(name string) (*theme.Theme, fs.FS, error)
	// Schedule loads the schedule the campaign names (nil, nil for none);
	// nil: no schedule.
	Schedule func() (*schedule.Schedule, error)
	// Files are the files on disk whose edits change the campaign: the
	// campaign file, its schedule, themes and pictures. Empty for a
	// campaign that is not on disk (the embedded demo).
	Files []string
	// Problems were found while loading: in the campaign file, in posts,
	// in pictures that were then left out.
	Problems []toolkit.Problem
}

// Options configures a Server. Load is required.
type Options struct {
	// Load loads the campaign from its files, at the start and after each
	// edit.
	Load func(ctx context.Context) Source
	// Presets are the sizes shown; default all.
	Presets []toolkit.Preset
	// CacheBytes bounds the encoded images kept in memory; default 256 MB.
	// An image pushed out is drawn again if the page asks for it.
	CacheBytes int64
	// Workers draw images; default GOMAXPROCS.
	Workers int
	// Watch configures the polling of the files (interval, settle time,
	// clock); default: every 250 ms, reported once unchanged for 150 ms,
	// so that a save shows within a second.
	Watch watch.Options
	// Loopback refuses requests whose Host is not a loopback name or
	// address, so that a web page elsewhere cannot reach the preview
	// through a DNS name it points at 127.0.0.1.
	Loopback bool
	// Logger gets a line per reload and per failed render; default discard.
	Logger *slog.Logger
}

// Stats counts what a Server did.
type Stats struct {
	Loads   int // campaign loads: the first and one per edit
	Renders int // images drawn
}

// Server is the preview: an http.Handler serving the page, its state and
// its images, and Run, which keeps them up to date.
type Server struct {
	o       Options
	log     *slog.Logger
	handler http.Handler
	cache   *lru.Cache
	loads   atomic.Int64
	renders atomic.Int64
	sem     chan struct{} // bounds draws for images the cache lost

	mu      sync.Mutex
	st      *state        // as last published; its fields are replaced, never changed in place
	version int64         // bumped on every change the page should see
	changed chan struct{} // closed and replaced on every change
	stopped chan struct{} // closed when Run returns: event streams end
}

// New checks the options.
func New(o Options) (*Server, error) {
	if o.Load == nil {
		return nil, errors.New("preview: Options.Load is required")
	}
	if len(o.Presets) == 0 {
		o.Presets = toolkit.Presets
	}
	if o.CacheBytes <= 0 {
		o.CacheBytes = 256 << 20
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Watch.Interval <= 0 {
		o.Watch.Interval = 250 * time.Millisecond
	}
	if o.Watch.Settle <= 0 {
		o.Watch.Settle = 150 * time.Millisecond
	}
	s := &Server{
		o: o, log: o.Logger,
		cache:   lru.New(o.CacheBytes),
		sem:     make(chan struct{}, o.Workers),
		st:      &state{status: "loading"},
		changed: make(chan struct{}),
		stopped: make(chan struct{}),
	}
	s.handler = s.routes()
	return s, nil
}

// Stats says how many loads and renders the server has done.
func (s *Server) Stats() Stats {
	return Stats{Loads: int(s.loads.Load()), Renders: int(s.renders.Load())}
}

// Version is bumped on every change of what the page shows; tests wait on
// it.
func (s *Server) Version() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version
}

// Changed returns a channel closed at the next change of what the page
// shows.
func (s *Server) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// Run loads the campaign, draws its images, checks it, and does it again
// for each edit of its files until ctx ends. The goroutines it starts
// (the file watch, the renderers, the check) are its own and have ended
// when it returns. It returns nil when ctx ends.
func (s *Server) Run(ctx context.Context) error {
	defer close(s.stopped)
	w := watch.New(nil, s.o.Watch)
	b := &builder{s: s, watcher: w}
	defer b.wait()
	b.rebuild(ctx, nil)
	events := w.Run(ctx)
	for ev := range events {
		b.rebuild(ctx, ev.Paths)
	}
	return nil
}

// Serve answers on ln and runs the preview until ctx ends, then closes
// the event streams and lets other requests finish for up to grace.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    32 << 10,
		// no WriteTimeout: the event stream stays open
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	ran := make(chan error, 1)
	go func() { ran <- s.Run(runCtx) }() // owned here: waited for below
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }() // ends at Shutdown or Close
	var err error
	select {
	case err = <-served:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
		if serr := hs.Shutdown(sctx); serr != nil {
			hs.Close()
			err = fmt.Errorf("preview: shutdown: %w", serr)
		}
		cancel()
		<-served
	}
	stopRun()
	<-ran
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// publish replaces the state with what change makes of a copy of it, and
// tells the page.
func (s *Server) publish(change func(st *state)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := *s.st
	change(&next)
	s.st = &next
	s.version++
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) current() (*state, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st, s.version
}
