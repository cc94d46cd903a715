package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/render"
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
	// Store is the queue the dashboard shows and steers; nil: the
	// dashboard says there is no queue.
	Store Store

	Workers    int           // renderers; default GOMAXPROCS
	QueueDepth int           // renders waiting for a renderer before 503; default 4 x Workers
	CacheBytes int64         // encoded images kept; default 256 MB
	ThumbWidth int           // thumbnail width in px; default 360
	LogoTTL    time.Duration // how long an uploaded logo is kept in memory; default 1 h
	SessionTTL time.Duration // dashboard sign-in lifetime; default 12 h
	// RateLimit is how many costly requests (uploads, zips) one client
	// may make per second on average, with bursts of RateBurst; default
	// 0.5 and 6.
	RateLimit float64
	RateBurst int
	// RetryAfter is what a 503 or 429 tells the client to wait; default 2 s.
	RetryAfter time.Duration

	// renderHook runs before each render; tests block in it.
	renderHook func(context.Context)
}

// Server is the campaign's web front: an http.Handler. Close it to stop its
// renderers.
type Server struct {
	o        Options
	log      *slog.Logger
	handler  http.Handler
	pool     *pool
	cache    *lru
	logos    *logoStore
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
	if o.RetryAfter <= 0 {
		o.RetryAfter = 2 * time.Second
	}
	if o.Alt == nil {
		o.Alt = func(card campaign.Card, lang string) string { return caption.Alt(o.Campaign, card, lang) }
	}
	c := o.Campaign
	s := &Server{
		o: o, log: o.Logger,
		cache:    newLRU(o.CacheBytes),
		logos:    newLogoStore(64, o.LogoTTL),
		limiter:  newLimiter(o.RateLimit, o.RateBurst),
		sessions: newSessions(o.SessionTTL),
		cards:    c.ExpandedCards(),
		themes:   map[string]themeRef{},
		langs:    map[string]bool{},
		zipTime:  time.Date(c.Day.Year(), c.Day.Month(), c.Day.Day(), 0, 0, 0, 0, time.UTC),
	}
	for _, l := range c.Languages {
		s.langs[l] = true
	}
	for _, card := range s.cards {
		name := themeName(c, card)
		if _, ok := s.themes[name]; ok {
			continue
		}
		t, tfs, err := o.Themes(name)
		if err != nil {
			return nil, fmt.Errorf("web: theme %q: %w", name, err)
		}
		s.themes[name] = themeRef{t, tfs}
	}
	v, err := versionOf(c, s.themes)
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
	s.pool = newPool(o.Workers, o.QueueDepth, lib, render.NewImages(), o.renderHook)
	s.handler = s.routes()
	return s, nil
}

// Close stops the renderers once their current card is drawn. Requests
// still waiting for a render get 503.
func (s *Server) Close() error {
	s.pool.close()
	return nil
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

func themeName(c *campaign.Campaign, card campaign.Card) string {
	if card.Theme != "" {
		return card.Theme
	}
	return c.Theme
}

// versionOf hashes the campaign and its themes as loaded, so an ETag
// changes when either does.
func versionOf(c *campaign.Campaign, themes map[string]themeRef) (string, error) {
	h := sha256.New()
	enc := json.NewEncoder(h)
	if err := enc.Encode(c); err != nil {
		return "", err
	}
	for _, n := range toolkit.SortedKeys(themes) {
		t := themes[n].t
		enc.Encode([]any{t.Name, t.Palette, t.Background, t.Fonts, t.Margin, t.Layouts})
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
