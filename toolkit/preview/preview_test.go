package preview

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/lru"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/campaignkit/campaignkit/toolkit/watch"
)

// testCampaign has two quote cards in two languages; QUOTE_B is card b's
// English quote.
const testCampaign = `name: Preview Test
slug: preview-test
title: {en: Test Day, fr: Journée test}
day: 2026-12-18
week: {start: 2026-12-16, end: 2026-12-18}
timezone: Europe/London
languages: [en, fr]
theme: un-blue
hashtags: ["#TestDay"]
cards:
  - id: a
    kind: quote
    quote: {en: "Every one of us can play a part.", fr: "Chacun de nous peut jouer un rôle."}
    speaker: {en: Ana, fr: Ana}
    role: {en: Organiser, fr: Organisatrice}
  - id: b
    kind: quote
    quote: {en: "QUOTE_B", fr: "Ensemble, nous sommes plus forts."}
    speaker: {en: Ben, fr: Ben}
    role: {en: Teacher, fr: Enseignant}
`

// testPresets are the sizes the tests draw: few, to stay quick.
var testPresets = func() []toolkit.Preset {
	var out []toolkit.Preset
	for _, p := range toolkit.Presets {
		if p.Name == "instagram-square" || p.Name == "x" {
			out = append(out, p)
		}
	}
	return out
}()

func writeCampaign(t testing.TB, dir, quoteB string) {
	t.Helper()
	data := strings.ReplaceAll(testCampaign, "QUOTE_B", quoteB)
	// write then rename, as editors do, so the watch never reads half a file
	tmp := filepath.Join(dir, ".campaign.yaml.tmp")
	if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "campaign.yaml")); err != nil {
		t.Fatal(err)
	}
}

// loader loads dir/campaign.yaml with the built-in themes.
func loader(dir string) func(context.Context) Source {
	return func(context.Context) Source {
		fsys := os.DirFS(dir)
		src := Source{
			FS:    fsys,
			Files: []string{filepath.Join(dir, "campaign.yaml")},
			Themes: func(name string) (*theme.Theme, fs.FS, error) {
				th, err := theme.Load(assets.Themes, name)
				return th, assets.Themes, err
			},
		}
		c, err := campaign.Load(fsys, "campaign.yaml")
		var ie *toolkit.InvalidError
		if errors.As(err, &ie) {
			src.Problems = ie.Problems
		} else if err != nil {
			src.Problems = []toolkit.Problem{{File: "campaign.yaml", Msg: err.Error()}}
		}
		src.Campaign = c
		return src
	}
}

// start runs a preview of dir until the test ends.
func start(t *testing.T, dir string) *Server {
	t.Helper()
	s, err := New(Options{
		Load: loader(dir), Presets: testPresets, Workers: 2,
		Watch: watch.Options{Interval: 10 * time.Millisecond, Settle: 20 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return s
}

// waitFor waits, on the server's change notices, until ok holds for the
// page's state.
func waitFor(t *testing.T, s *Server, what string, ok func(view) bool) view {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		changed := s.Changed()
		st, version := s.current()
		v := st.view(version)
		if ok(v) {
			return v
		}
		select {
		case <-changed:
		case <-timeout:
			b, _ := json.MarshalIndent(v, "", " ")
			t.Fatalf("timed out waiting for %s; state:\n%s", what, b)
		}
	}
}

func imageURLs(v view, card string) map[string]string {
	out := map[string]string{}
	for _, c := range v.Cards {
		if c.ID != card {
			continue
		}
		for _, l := range c.Langs {
			for _, im := range l.Images {
				out[l.Lang+"/"+im.Preset] = im.URL
			}
		}
	}
	return out
}

func captionsOf(v view, card, lang string) string {
	var b strings.Builder
	for _, c := range v.Cards {
		for _, l := range c.Langs {
			if c.ID == card && l.Lang == lang {
				for _, cp := range l.Captions {
					b.WriteString(cp.Text + "\n")
				}
			}
		}
	}
	return b.String()
}

// TestOnlyChangedCardsRedraw: after an edit of one card's quote, only
// that card's images are drawn again, and the others keep their URLs.
func TestOnlyChangedCardsRedraw(t *testing.T) {
	dir := t.TempDir()
	writeCampaign(t, dir, "Together we are stronger.")
	s := start(t, dir)
	first := waitFor(t, s, "the first load drawn and checked", func(v view) bool { return v.Status == "ready" })
	all := 2 * 2 * len(testPresets) // cards × languages × sizes
	if got := s.Stats().Renders; got != all {
		t.Fatalf("first load drew %d images, want %d", got, all)
	}
	beforeA, beforeB := imageURLs(first, "a"), imageURLs(first, "b")

	writeCampaign(t, dir, "Every voice counts, every story matters.")
	second := waitFor(t, s, "the edit drawn and checked", func(v view) bool {
		return s.Stats().Loads >= 2 && v.Status == "ready" && strings.Contains(captionsOf(v, "b", "en"), "Every voice counts")
	})
	// the key covers the card as written, so both of its languages change
	if got, want := s.Stats().Renders-all, 2*len(testPresets); got != want {
		t.Errorf("the edit drew %d images, want %d (card b's only)", got, want)
	}
	afterA, afterB := imageURLs(second, "a"), imageURLs(second, "b")
	for k, u := range beforeA {
		if afterA[k] != u {
			t.Errorf("card a %s: URL %s, want it unchanged (%s)", k, afterA[k], u)
		}
	}
	for k, u := range beforeB {
		if afterB[k] == u || afterB[k] == "" {
			t.Errorf("card b %s: URL %q, want a new one (was %s)", k, afterB[k], u)
		}
	}

	// an edit that does not load keeps the page, says why, and a fix
	// brings it back
	if err := os.WriteFile(filepath.Join(dir, "campaign.yaml"), []byte("name: [unclosed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := waitFor(t, s, "the broken edit reported", func(v view) bool { return len(v.Failed) > 0 })
	if got := imageURLs(broken, "a"); got["en/x"] != afterA["en/x"] {
		t.Errorf("after a broken edit card a shows %q, want the last good %q", got["en/x"], afterA["en/x"])
	}
	renders := s.Stats().Renders
	writeCampaign(t, dir, "Every voice counts, every story matters.")
	waitFor(t, s, "the fix loaded", func(v view) bool { return len(v.Failed) == 0 && v.Status == "ready" })
	if got := s.Stats().Renders - renders; got != 0 {
		t.Errorf("going back to the last good campaign drew %d images, want 0 (all in the cache)", got)
	}
}

// TestProblemsByCard: lint's problems are shown with the card they are
// in; those of no one card apart.
func TestProblemsByCard(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("Migrants make communities stronger in every way we can count. ", 30)
	writeCampaign(t, dir, long)
	// a lower-case hashtag of several words is the campaign's, not a card's
	data, _ := os.ReadFile(filepath.Join(dir, "campaign.yaml"))
	os.WriteFile(filepath.Join(dir, "campaign.yaml"), []byte(strings.Replace(string(data), "#TestDay", "#ittakesacommunity", 1)), 0o644)
	s := start(t, dir)
	v := waitFor(t, s, "the check", func(v view) bool { return v.Status == "ready" })
	var a, b []problemView
	for _, c := range v.Cards {
		switch c.ID {
		case "a":
			a = c.Problems
		case "b":
			b = c.Problems
		}
	}
	if len(a) != 0 {
		t.Errorf("card a has problems %v, want none", a)
	}
	if len(b) == 0 {
		t.Fatalf("card b has no problems, want its quote that does not fit")
	}
	for _, p := range b {
		if !strings.Contains(p.Where, "cards[1]") {
			t.Errorf("card b shows %q (%s), which is not about card b", p.Msg, p.Where)
		}
	}
	found := false
	for _, p := range v.Problems {
		if strings.Contains(p.Where, "hashtags[0]") {
			found = true
		}
	}
	if !found {
		b, _ := json.MarshalIndent(v, "", " ")
		t.Errorf("problems of no one card %v, want the hashtag's\n%s", v.Problems, b)
	}
	// the image that does not fit says why, in place of the image
	for _, c := range v.Cards {
		for _, l := range c.Langs {
			for _, im := range l.Images {
				if c.ID == "b" && l.Lang == "en" && (im.URL != "" || len(im.Problems) == 0) {
					t.Errorf("card b en %s: url %q problems %v, want no image and why", im.Preset, im.URL, im.Problems)
				}
			}
		}
	}
}

// TestHTTP: the page, its state, images by key and the event stream, with
// toolkit/web's security headers, and no answer to a foreign Host.
func TestHTTP(t *testing.T) {
	dir := t.TempDir()
	writeCampaign(t, dir, "Together we are stronger.")
	s, err := New(Options{Load: loader(dir), Presets: testPresets[:1], Loopback: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	defer func() { cancel(); <-ran }()
	v := waitFor(t, s, "ready", func(v view) bool { return v.Status == "ready" })
	url := imageURLs(v, "a")["en/"+testPresets[0].Name]

	get := func(path, host string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		r.Host = host
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w
	}
	tests := []struct {
		path, host string
		code       int
		ctype      string
	}{
		{"/", "127.0.0.1:8090", 200, "text/html; charset=utf-8"},
		{"/", "localhost:8090", 200, "text/html; charset=utf-8"},
		{"/", "[::1]:8090", 200, "text/html; charset=utf-8"},
		{"/", "evil.example:8090", http.StatusMisdirectedRequest, ""},
		{"/static/preview.js", "localhost", 200, "text/javascript; charset=utf-8"},
		{"/static/preview.css", "localhost", 200, "text/css; charset=utf-8"},
		{"/state.json", "localhost", 200, "application/json"},
		{url, "localhost", 200, "image/png"},
		{"/img/" + strings.Repeat("0", 64) + ".png", "localhost", 404, ""},
		{"/img/abc.png", "localhost", 404, ""},
		{"/static/index.html", "localhost", 404, ""},
	}
	for _, tt := range tests {
		w := get(tt.path, tt.host)
		if w.Code != tt.code {
			t.Errorf("GET %s (Host %s): %d, want %d", tt.path, tt.host, w.Code, tt.code)
		}
		if tt.ctype != "" && w.Header().Get("Content-Type") != tt.ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", tt.path, w.Header().Get("Content-Type"), tt.ctype)
		}
		if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("GET %s: CSP %q", tt.path, csp)
		}
		if w.Header().Get("X-Content-Type-Options") != "nosniff" || w.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("GET %s: security headers missing: %v", tt.path, w.Header())
		}
	}
	if body := get("/", "localhost").Body.String(); strings.Contains(body, "<script>") || !strings.Contains(body, `src="/static/preview.js"`) {
		t.Errorf("the page has inline script or lacks preview.js:\n%s", body)
	}

	// an image the cache let go is drawn again when asked for
	s.cache = lru.New(1)
	renders := s.Stats().Renders
	if w := get(url, "localhost"); w.Code != 200 || w.Body.Len() == 0 {
		t.Errorf("evicted image: %d, %d bytes", w.Code, w.Body.Len())
	}
	if s.Stats().Renders != renders+1 {
		t.Errorf("evicted image: %d draws, want 1", s.Stats().Renders-renders)
	}

	// the event stream sends the version now, and ends with Run
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("events: Content-Type %q", ct)
	}
	buf := make([]byte, 64)
	n, _ := resp.Body.Read(buf)
	if !strings.HasPrefix(string(buf[:n]), "data: ") {
		t.Errorf("events: first bytes %q, want data: VERSION", buf[:n])
	}
	cancel()
	<-ran
	ran <- nil
	if _, err := resp.Body.Read(buf); err == nil {
		t.Errorf("events: stream still open after Run ended")
	}
}

func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST:1": true, "127.0.0.1:80": true, "127.5.6.7": true, "[::1]:8090": true,
		"example.com": false, "10.0.0.1:80": false, "localhost.example.com": false, "": false,
	} {
		if got := loopbackHost(host); got != want {
			t.Errorf("loopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
