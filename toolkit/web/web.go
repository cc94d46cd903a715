package web

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"image"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/bundle"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/lru"
	"github.com/campaignkit/campaignkit/toolkit/render"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
	"github.com/campaignkit/campaignkit/toolkit/text"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// Themes finds a theme by name and the folder its images are in.
type Themes func(name string) (*theme.Theme, fs.FS, error)

// Options configures a Server. Campaign, CampaignFS and Themes are
// required; every other field has a default.
type Options struct {
	Campaign   *campaign.Campaign
	CampaignFS fs.FS
	Themes     Themes
	// Alt gives a card's alt text in a language; default caption.Alt.
	Alt func(card campaign.Card, lang string) string
	// Logger receives one line per failed request; default: discard.
	Logger *slog.Logger
	// Now is the clock for sessions, uploads and rate limits; default
	// time.Now.
	Now func() time.Time
	// AdminToken guards /admin. Empty: the dashboard is switched off.
	AdminToken string
	// Store is the queue the dashboard shows and steers; nil: OpenStore
	// is asked for it.
	Store Store
	// OpenStore, when Store is nil, is called on each dashboard request
	// until it returns a store, which is then kept (and closed by Close
	// when it is an io.Closer); it returns nil, nil while there is no
	// queue yet, and must then be cheap (see QueueFile). Both nil: the
	// dashboard says there is no queue.
	OpenStore func(context.Context) (Store, error)
	// RunnerTimeout is how long after its last heartbeat a runner that
	// did not say it stopped still counts as alive; default 15 s (runners
	// beat every 5 s).
	RunnerTimeout time.Duration
	// Schedule adds its slots to the campaign's posts in the zips'
	// manifest, calendar and captions, as `campaignkit build` does; nil:
	// the campaign's posts only.
	Schedule *schedule.Schedule

	Workers    int   // renderers; default GOMAXPROCS
	QueueDepth int   // renders waiting for a renderer; default 4 x Workers
	CacheBytes int64 // encoded images and pages kept in memory; default 256 MB
	ThumbWidth int   // thumbnail width in px; default 360
	// QueueWait is how long a request waits for room in a full render
	// queue before it is answered 503 with Retry-After; default 5 s.
	QueueWait time.Duration
	// DecodeBytes bounds the memory uploaded logos being decoded may hold
	// at once (a 4000x4000 16-bit PNG decodes to 128 MB); uploads past it
	// wait their turn for up to QueueWait; default 256 MB.
	DecodeBytes int64
	// PublicDir is the folder served at /public/ (<state>/public): the
	// images given by URL to networks that fetch them (publish.PublicFolder);
	// empty: /public/ is not served.
	PublicDir string
	// CobrandDir is the folder partners' logos are kept in (under the
	// state folder); empty: a temporary folder removed by Close.
	CobrandDir string
	// CobrandBytes bounds the logos kept in CobrandDir; past it the least
	// recently used go first, even before LogoTTL; default 512 MB.
	CobrandBytes int64
	LogoTTL      time.Duration // how long an uploaded logo is kept; default 1 h
	SessionTTL   time.Duration // dashboard sign-in lifetime; default 12 h
	// SessionKey signs the dashboard's session cookies and CSRF tokens.
	// Replicas of the server behind one load balancer need the same key
	// to take each other's; default: derived from AdminToken, which they
	// share anyway. Changing it ends every session.
	SessionKey string
	// RateLimit is how many costly requests (uploads, zips) one client
	// may make per second on average, with bursts of RateBurst; default
	// 0.5 and 6.
	RateLimit float64
	RateBurst int
	// TrustProxy says the server runs behind a reverse proxy (which may
	// end TLS): for requests from TrustedProxies, rate limits are kept by
	// the client address in Forwarded or X-Forwarded-For (the rightmost
	// that is not a trusted proxy), and the dashboard's cookie is Secure
	// when the proxy says the client used HTTPS. Without it those headers
	// are ignored: anyone can send them.
	TrustProxy bool
	// TrustedProxies are the proxies' addresses; default loopback, private
	// and link-local networks.
	TrustedProxies []netip.Prefix
	// RetryAfter is what a 503 or 429 tells the client to wait; default 2 s.
	RetryAfter time.Duration

	// renderHook runs before each render; tests block in it.
	renderHook func(context.Context)
	// waitHook runs when a request starts waiting for room in the queue.
	waitHook func()
}

// Server is the campaign's web front: an http.Handler. Close it to stop its
// renderers.
type Server struct {
	o        Options
	log      *slog.Logger
	handler  http.Handler
	pool     *pool
	cache    *lru.Cache
	logos    *logoStore
	tempDir  string      // CobrandDir made by New, removed by Close
	slot     image.Point // the largest partner slot: logos are kept at its size
	decodes  *memBudget
	limiter  *limiter
	sessions *sessions
	pages    *pages
	static   map[string]*asset
	version  string // hash of the campaign as loaded; part of every ETag
	cards    []campaign.Card
	themes   map[string]themeRef
	langs    map[string]bool
	texts    map[captionKey]cardTexts
	zipTime  time.Time

	closeOnce sync.Once

	storeMu sync.Mutex
	opened  Store // the store OpenStore gave
	closed  bool  // Close ran: open nothing more

	postsOnce sync.Once
	posts     []bundle.Post
	postsErr  error
}

type themeRef struct {
	t   *theme.Theme
	fsy fs.FS
}

// New checks the options, parses the fonts and templates, and starts the
// renderers.
func New(o Options) (*Server, error) {
	if o.Campaign == nil || o.CampaignFS == nil || o.Themes == nil {
		return nil, errors.New("web: Campaign, CampaignFS and Themes are required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.QueueDepth <= 0 {
		o.QueueDepth = 4 * o.Workers
	}
	if o.CacheBytes <= 0 {
		o.CacheBytes = 256 << 20
	}
	if o.ThumbWidth <= 0 {
		o.ThumbWidth = 360
	}
	if o.QueueWait <= 0 {
		o.QueueWait = 5 * time.Second
	}
	if o.DecodeBytes <= 0 {
		o.DecodeBytes = 256 << 20
	}
	if o.CobrandBytes <= 0 {
		o.CobrandBytes = 512 << 20
	}
	if o.LogoTTL <= 0 {
		o.LogoTTL = time.Hour
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.RateLimit <= 0 {
		o.RateLimit = 0.5
	}
	if o.RateBurst <= 0 {
		o.RateBurst = 6
	}
	if len(o.TrustedProxies) == 0 {
		o.TrustedProxies = defaultTrustedProxies
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = 2 * time.Second
	}
	if o.RunnerTimeout <= 0 {
		o.RunnerTimeout = 15 * time.Second
	}
	if o.Alt == nil {
		o.Alt = func(card campaign.Card, lang string) string { return caption.Alt(o.Campaign, card, lang) }
	}
	c := o.Campaign
	s := &Server{
		o: o, log: o.Logger,
		cache:    lru.New(o.CacheBytes),
		decodes:  newMemBudget(o.DecodeBytes),
		limiter:  newLimiter(o.RateLimit, o.RateBurst),
		sessions: newSessions(sessionKey(cmp.Or(o.SessionKey, o.AdminToken)), o.SessionTTL),
		cards:    c.ExpandedCards(),
		themes:   map[string]themeRef{},
		langs:    map[string]bool{},
		zipTime:  bundle.Stamp(c.Day),
	}
	for _, l := range c.Languages {
		s.langs[l] = true
	}
	for _, card := range s.cards {
		name := c.ThemeOf(card)
		if _, ok := s.themes[name]; ok {
			continue
		}
		t, tfs, err := o.Themes(name)
		if err != nil {
			return nil, fmt.Errorf("web: theme %q: %w", name, err)
		}
		s.themes[name] = themeRef{t, tfs}
	}
	v, err := versionOf(c, s.themes, o.Schedule)
	if err != nil {
		return nil, err
	}
	s.version = v
	if s.pages, err = newPages(); err != nil {
		return nil, err
	}
	draw := func(b textBox) (template.HTML, error) { return s.pages.fragment("home", "textbox", b) }
	if s.texts, err = textsOf(c, s.cards, o.Alt, draw); err != nil {
		return nil, err
	}
	if s.static, err = loadStatic(); err != nil {
		return nil, err
	}
	lib, err := text.Default()
	if err != nil {
		return nil, err
	}
	s.slot = partnerSlot(c, s.cards, s.themes)
	dir := o.CobrandDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "campaignkit-cobrand-"); err != nil {
			return nil, fmt.Errorf("web: %w", err)
		}
		s.tempDir = dir
	}
	if s.logos, err = openLogoStore(dir, o.CobrandBytes, o.LogoTTL, o.Now()); err != nil {
		s.removeTemp()
		return nil, fmt.Errorf("web: %w", err)
	}
	s.pool = newPool(o.Workers, o.QueueDepth, lib, render.NewImages(), o.renderHook)
	s.pool.waitHook = o.waitHook
	s.handler = s.routes()
	return s, nil
}

// Close stops the renderers once their current card is drawn and closes
// the store OpenStore gave. Requests still waiting for a render get 503.
func (s *Server) Close() error {
	s.pool.close()
	s.closeOnce.Do(func() {
		s.logos.close()
		s.removeTemp()
		s.storeMu.Lock()
		defer s.storeMu.Unlock()
		s.closed = true
		if c, ok := s.opened.(io.Closer); ok {
			c.Close()
		}
	})
	return nil
}

func (s *Server) removeTemp() {
	if s.tempDir != "" {
		os.RemoveAll(s.tempDir)
	}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Serve answers on ln until ctx ends, then stops accepting, lets requests
// in flight finish for up to grace, and closes the renderers.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	hs := NewHTTPServer(s)
	hs.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		s.Close()
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	err := hs.Shutdown(sctx)
	if err != nil {
		hs.Close() // grace is over: cut the connections still open
	}
	<-errc
	s.Close()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// NewHTTPServer wraps h with the timeouts a public server needs: slow
// clients cannot hold connections open (ReadHeaderTimeout and ReadTimeout
// bound uploads, WriteTimeout the largest zip on a slow link).
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
	}
}

// versionOf hashes the campaign and its themes as loaded, so an ETag
// changes when either does.
func versionOf(c *campaign.Campaign, themes map[string]themeRef, sched *schedule.Schedule) (string, error) {
	h := sha256.New()
	enc := json.NewEncoder(h)
	if err := enc.Encode(c); err != nil {
		return "", err
	}
	if err := enc.Encode(sched); err != nil {
		return "", err
	}
	for _, n := range toolkit.SortedKeys(themes) {
		enc.Encode(themes[n].t.Fingerprint())
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// cardByID finds one of the served cards.
func (s *Server) cardByID(id string) (campaign.Card, bool) {
	for _, c := range s.cards {
		if c.ID == id {
			return c, true
		}
	}
	return campaign.Card{}, false
}
