package web

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"image/jpeg"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/bundle"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

func TestSecurityHeaders(t *testing.T) {
	ts := newTestServer(t, nil)
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
	}
	for _, path := range []string{"/", "/static/style.css", "/static/app.js", "/nothing-here", "/admin", "/cards/en/nope/story.png"} {
		t.Run(path, func(t *testing.T) {
			res := ts.get(t, path)
			for k, v := range want {
				if got := res.header.Get(k); got != v {
					t.Errorf("%s: got %q, want %q", k, got, v)
				}
			}
		})
	}
}

// external matches an address a page would load from elsewhere: every
// asset is this server's own (captions may still mention links).
var external = regexp.MustCompile(`(?i)(?:src|href|action|srcset)=["']?(?:https?:)?//|url\(`)

func TestToolkitPage(t *testing.T) {
	ts := newTestServer(t, nil)
	var stats []string
	otherKinds := map[string]bool{}
	for _, card := range ts.cards {
		if card.Kind == campaign.Stat {
			stats = append(stats, `/thumbs/en/`+card.ID+`/instagram-square.jpg`)
		} else {
			otherKinds[`data-kind="`+string(card.Kind)+`"`] = true
		}
	}
	if len(stats) == 0 || len(otherKinds) == 0 {
		t.Fatalf("the demo has %d stat cards and %d other kinds; the kind filter needs both", len(stats), len(otherKinds))
	}
	cases := []struct {
		path      string
		want      []string
		forbidden []string
	}{
		{"/", []string{`<html lang="en" dir="ltr">`, `/thumbs/ar/quote-guterres/instagram-square.jpg`, `/zip/migrants-day-2026.zip`, `/zip/migrants-day-2026-ar.zip`, `enctype="multipart/form-data"`, `<script src="/static/app.js" defer></script>`}, []string{"<script>", "style="}},
		{"/?lang=ar", []string{`<html lang="ar" dir="rtl">`, `lang="ar" dir="rtl" data-lang="ar"`, `/thumbs/ar/quote-guterres/`}, []string{`/thumbs/en/`}},
		{"/?lang=zh&platform=bluesky", []string{`/cards/zh/quote-guterres/bluesky.jpg`, `/thumbs/zh/quote-guterres/bluesky.jpg`}, []string{`/cards/zh/quote-guterres/story.png`}},
		// Mastodon has no preset of its own: a post there carries the x image
		{"/?lang=fr&platform=mastodon", []string{`/cards/fr/quote-guterres/x.png`, `id="t-fr-quote-guterres-mastodon"`}, []string{`/cards/fr/quote-guterres/story.png`, `id="t-fr-quote-guterres-x"`}},
		// the link preview is for web pages: its image, and no caption
		{"/?lang=en&platform=web", []string{`/cards/en/quote-guterres/og.png`, `id="t-en-quote-guterres-alt"`}, []string{`/cards/en/quote-guterres/x.png`, `id="t-en-quote-guterres-x"`}},
		{"/?kind=stat", stats, append(slices.Collect(maps.Keys(otherKinds)), "No card matches")},
		{"/?lang=../../etc&kind=<script>", []string{`<html lang="en" dir="ltr">`}, []string{"../../etc", "<script>"}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			res := ts.get(t, c.path)
			if res.status != 200 {
				t.Fatalf("status %d, want 200", res.status)
			}
			for _, w := range c.want {
				if !bytes.Contains(res.body, []byte(w)) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, f := range c.forbidden {
				if bytes.Contains(res.body, []byte(f)) {
					t.Errorf("page has %q", f)
				}
			}
			if m := external.Find(res.body); m != nil {
				t.Errorf("page loads something from elsewhere: %q", m)
			}
		})
	}
}

// TestToolkitPageNoMatch filters by a kind the campaign has no card of.
func TestToolkitPageNoMatch(t *testing.T) {
	ts := newTestServer(t, func(o *Options) {
		c := *o.Campaign
		c.Cards = slices.DeleteFunc(slices.Clone(c.Cards), func(card campaign.Card) bool { return card.Kind == campaign.Stat })
		o.Campaign = &c
	})
	res := ts.get(t, "/?kind=stat")
	if res.status != 200 || !bytes.Contains(res.body, []byte("No card matches")) || bytes.Contains(res.body, []byte("/thumbs/")) {
		t.Errorf("status %d; want 200 saying no card matches, with no thumbnail", res.status)
	}
}

var escaper = template.Must(template.New("").Parse("{{.}}"))

// escaped is s as html/template writes it in text and quoted attributes.
func escaped(s string) string {
	var b strings.Builder
	escaper.Execute(&b, s)
	return b.String()
}

// TestToolkitPageTexts checks every card's captions, alt text and counts
// in every language and platform against package caption, and the key
// messages on top.
func TestToolkitPageTexts(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.o.Campaign
	for _, lang := range c.Languages {
		for _, platform := range campaign.Platforms {
			t.Run(lang+"/"+platform, func(t *testing.T) {
				res := ts.get(t, "/?lang="+lang+"&platform="+platform)
				if res.status != 200 {
					t.Fatalf("status %d", res.status)
				}
				page := string(res.body)
				if len(c.Messages[lang]) == 0 {
					t.Fatalf("the demo has no key messages in %s", lang)
				}
				for _, m := range c.Messages[lang] {
					if !strings.Contains(page, "<li>"+escaped(m)+"</li>") {
						t.Errorf("page lacks the key message %q", m)
					}
				}
				for _, card := range ts.cards {
					post := campaign.Post{Card: card.ID}
					for _, p := range c.Posts {
						if p.Card == card.ID {
							post = p
							break
						}
					}
					text, err := caption.Build(c, post, lang, platform)
					if err != nil {
						t.Errorf("%s: %v", card.ID, err)
						continue
					}
					id := "t-" + lang + "-" + card.ID + "-"
					alt := caption.Alt(c, card, lang)
					for _, w := range []string{
						`id="` + id + platform + `" readonly rows="`,
						">\n" + escaped(text) + "</textarea>",
						fmt.Sprintf(`data-platform="%s" data-limit="%d" dir="ltr" lang="en">%d / %d</output>`, platform, caption.Limit(platform), caption.Count(platform, text), caption.Limit(platform)),
						`id="` + id + `alt"`,
						">\n" + escaped(alt) + "</textarea>",
						`alt="` + escaped(alt) + `"`,
					} {
						if !strings.Contains(page, w) {
							t.Errorf("%s: page lacks %q", card.ID, w)
						}
					}
					for _, other := range campaign.Platforms {
						if other != platform && strings.Contains(page, `id="`+id+other+`"`) {
							t.Errorf("%s: filtered to %s, the page has the %s caption", card.ID, platform, other)
						}
					}
				}
			})
		}
	}
}

func TestPathsCannotEscape(t *testing.T) {
	ts := newTestServer(t, nil)
	cases := []string{
		"/cards/en/../../../etc/passwd",
		"/cards/en/..%2f..%2f..%2fetc%2fpasswd/story.png",
		"/static/..%2fweb.go",
		"/static/../web.go",
		"/static/%2e%2e/web.go",
		"/static/",
		"/static",
		"/templates/home.html",
		"/cards/en/quote-guterres/",
		"/cards/en/quote-guterres/story.jpg",
		"/cards/xx/quote-guterres/story.png",
		"/cards/en/nope/story.png",
		"/cards/en/quote-guterres/poster.png",
		"/thumbs/en/quote-guterres/story.png",
		"/zip/../../etc.zip",
		"/zip/other-en.zip",
		"/cobrand/0000/cards/en/quote-guterres/story.png",
		"/cards\\en\\quote-guterres\\story.png",
	}
	for _, p := range cases {
		t.Run(p, func(t *testing.T) {
			res := ts.get(t, p)
			if res.status != 400 && res.status != 404 {
				t.Errorf("status %d, want 400 or 404", res.status)
			}
			for _, leak := range []string{"package web", "root:", "{{define"} {
				if bytes.Contains(res.body, []byte(leak)) {
					t.Errorf("body leaks a file (%q)", leak)
				}
			}
		})
	}
}

func TestETagAndGzip(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, p := range []string{"/", "/static/style.css", "/static/app.js", "/thumbs/en/quote-guterres/instagram-square.jpg"} {
		t.Run(p, func(t *testing.T) {
			res := ts.get(t, p)
			etag := res.header.Get("ETag")
			if res.status != 200 || etag == "" || res.header.Get("Cache-Control") == "" {
				t.Fatalf("status %d, ETag %q, Cache-Control %q", res.status, etag, res.header.Get("Cache-Control"))
			}
			if again := ts.get(t, p, "If-None-Match", etag); again.status != 304 || len(again.body) != 0 {
				t.Errorf("with If-None-Match: status %d, %d bytes; want 304 and no body", again.status, len(again.body))
			}
			if strings.HasSuffix(p, ".jpg") {
				return
			}
			gz := ts.get(t, p, "Accept-Encoding", "gzip")
			if got := gz.header.Get("Content-Encoding"); got != "gzip" {
				t.Fatalf("Content-Encoding %q, want gzip", got)
			}
			zr, err := gzip.NewReader(bytes.NewReader(gz.body))
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(plain, res.body) {
				t.Errorf("gunzipped body differs from the plain one (err %v)", err)
			}
		})
	}
}

func TestThumbnailIsSmall(t *testing.T) {
	ts := newTestServer(t, nil)
	cases := []struct {
		preset string
		w, h   int
	}{
		{"instagram-square", 360, 360},
		{"story", 360, 640},
		{"x", 360, 202},
	}
	for _, c := range cases {
		t.Run(c.preset, func(t *testing.T) {
			res := ts.get(t, "/thumbs/ar/quote-guterres/"+c.preset+".jpg")
			if res.status != 200 || res.header.Get("Content-Type") != "image/jpeg" {
				t.Fatalf("status %d, type %q", res.status, res.header.Get("Content-Type"))
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(res.body))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Width != c.w || cfg.Height != c.h {
				t.Errorf("got %dx%d, want %dx%d", cfg.Width, cfg.Height, c.w, c.h)
			}
			if len(res.body) > 80_000 {
				t.Errorf("thumbnail is %d bytes, want under 80 kB", len(res.body))
			}
		})
	}
}

func TestBodyLimits(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.AdminToken = token; o.RateBurst = 100 })
	big := strings.Repeat("a", 70<<10)
	cases := []struct {
		name, path, body string
		chunked          bool
	}{
		{"sign-in form over 64 kB", "/admin/login", "token=" + big, false},
		{"sign-in form over 64 kB, chunked", "/admin/login", "token=" + big, true},
		{"upload over the body limit", "/cobrand", strings.Repeat("b", 3<<20), false},
		{"upload over the body limit, chunked", "/cobrand", strings.Repeat("b", 3<<20), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, ctype := c.body, "application/x-www-form-urlencoded"
			if c.path == "/cobrand" {
				b, ct := multipartBody(t, []byte(c.body), "Partner")
				body, ctype = string(b), ct
			}
			req := mustRequest(t, "POST", ts.url+c.path, body, "Content-Type", ctype)
			if c.chunked {
				req.ContentLength = -1
				req.Body = io.NopCloser(strings.NewReader(body))
			}
			if got := ts.do(t, req).status; got != 413 {
				t.Errorf("status %d, want 413", got)
			}
		})
	}
}

// TestZipIsBundleZip builds the demo's English bundle as `campaignkit
// build` does and downloads the served English zip: the same file, byte
// for byte, so the same entries with the same contents.
func TestZipIsBundleZip(t *testing.T) {
	// three of the demo's cards, to keep it quick: the posts of the others
	// are still planned, without images
	o := demoOptions(t)
	c := *o.Campaign
	c.Cards = c.Cards[:3]
	o.Campaign = &c
	ts := newTestServer(t, func(so *Options) { so.Campaign = &c })
	bo := bundle.Options{
		CardOptions: bundle.CardOptions{Campaign: o.Campaign, CampaignFS: o.CampaignFS, Languages: []string{"en"},
			Themes: func(name string) (*theme.Theme, fs.FS, error) { return o.Themes(name) }},
		Dir: t.TempDir(), Theme: o.Campaign.Theme,
	}
	if _, _, err := bundle.Build(context.Background(), bo); err != nil {
		t.Fatal(err)
	}
	const name = "migrants-day-2026-en.zip"
	want, err := os.ReadFile(filepath.Join(bundle.OutputPath(bo), name)) // a partial build's folder
	if err != nil {
		t.Fatal(err)
	}
	res := ts.get(t, "/zip/"+name)
	if res.status != 200 {
		t.Fatalf("status %d", res.status)
	}
	gotNames, gotFiles, _ := toolkittest.Unzip(t, res.body)
	wantNames, wantFiles, _ := toolkittest.Unzip(t, want)
	if !slices.Equal(gotNames, wantNames) {
		t.Fatalf("entries:\n%s\nwant the bundle's:\n%s", strings.Join(gotNames, "\n"), strings.Join(wantNames, "\n"))
	}
	for _, n := range wantNames {
		if !bytes.Equal(gotFiles[n], wantFiles[n]) {
			t.Errorf("%s differs from the bundle's", n)
		}
	}
	if !bytes.Equal(res.body, want) {
		t.Errorf("the served zip (%d bytes) is not the bundle's (%d bytes)", len(res.body), len(want))
	}
}

func TestZipIsReproducible(t *testing.T) {
	ts := newTestServer(t, nil)
	a := ts.get(t, "/zip/migrants-day-2026-fr.zip")
	b := ts.get(t, "/zip/migrants-day-2026-fr.zip")
	if a.status != 200 || !bytes.Equal(a.body, b.body) {
		t.Fatalf("status %d; two downloads equal: %v", a.status, bytes.Equal(a.body, b.body))
	}
	if again := ts.get(t, "/zip/migrants-day-2026-fr.zip", "If-None-Match", a.header.Get("ETag")); again.status != 304 {
		t.Errorf("If-None-Match: %d, want 304", again.status)
	}
	zr, err := zip.NewReader(bytes.NewReader(a.body), int64(len(a.body)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if strings.Contains(f.Name, "..") || strings.HasPrefix(f.Name, "/") {
			t.Errorf("unsafe name %q", f.Name)
		}
	}
	c := ts.o.Campaign
	const dir = "migrants-day-2026-fr/"
	want := []string{dir + "calendar.ics", dir + "captions/fr.md"}
	alts := map[string]string{}
	var cards []string
	for _, card := range c.ExpandedCards() {
		for _, p := range toolkit.Presets {
			path := bundle.CardPath("fr", card.ID, p)
			cards = append(cards, dir+path)
			alts[path] = caption.Alt(c, card, "fr")
		}
	}
	slices.Sort(cards)
	want = append(append(want, cards...), dir+"index.html", dir+"manifest.json", dir+"posts.csv")
	if !slices.Equal(names, want) {
		t.Fatalf("entries:\n%s\nwant the bundle's French zip: every French card in every preset and the files made from the manifest, sorted:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	rc, err := zr.File[len(zr.File)-2].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var m bundle.Manifest
	if err := json.NewDecoder(rc).Decode(&m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if len(m.Images) != len(cards) {
		t.Errorf("manifest lists %d images, want %d", len(m.Images), len(cards))
	}
	for _, img := range m.Images {
		if img.Alt != alts[img.Path] {
			t.Errorf("manifest: %s has alt text %q, want %q", img.Path, img.Alt, alts[img.Path])
		}
	}
}
