package web

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/campaignkit/campaignkit/toolkit/internal/browsertest"
)

func TestBrowserToolkitPage(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.RateBurst = 100 })
	ctx, consoleErrors := browsertest.Start(t)

	// the page, then the Arabic filter: right to left
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.url+"/"),
		chromedp.WaitReady(chromedp.CSS(`html.js`)),
		chromedp.SetValue(chromedp.CSS(`form.filters select[name=lang]`), "ar"),
		chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
		chromedp.WaitReady(chromedp.CSS(`html[lang="ar"][dir="rtl"]`)),
	); err != nil {
		t.Fatalf("filter to Arabic: %v", err)
	}
	dirs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('.grid .card')).map(c => getComputedStyle(c).direction + ' ' + c.lang)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no cards shown for Arabic")
	}
	for _, d := range dirs {
		if d != "rtl ar" {
			t.Errorf("card direction and language %q, want %q", d, "rtl ar")
		}
	}
	// every thumbnail loads
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Promise.all(Array.from(document.images).map(i => {
		i.loading = 'eager';
		return i.complete ? i.naturalWidth > 0 : new Promise(r => { i.addEventListener('load', () => r(true)); i.addEventListener('error', () => r(false)); });
	})).then(all => all.every(Boolean))`, chromedp.EvalAwaitPromise))
	if err != nil || !loaded {
		t.Errorf("thumbnails loaded: %v (err %v)", loaded, err)
	}

	// every count the page shows is the one package caption gives
	c := ts.o.Campaign
	type shown struct{ ID, Platform, Text, Count string }
	counts, err := chromedp.Run(ctx, chromedp.Evaluate[[]shown](`Array.from(document.querySelectorAll('output.count')).map(o => {
		const ta = document.getElementById(o.getAttribute('for'));
		return {ID: ta.id, Platform: o.dataset.platform, Text: ta.value, Count: o.textContent};
	})`))
	if err != nil {
		t.Fatal(err)
	}
	if want := len(ts.cards) * (len(campaign.Platforms) + 1); len(counts) != want {
		t.Errorf("%d counts on the Arabic page, want %d: a caption per platform and the alt text, per card", len(counts), want)
	}
	for _, s := range counts {
		if want := fmt.Sprintf("%d / %d", caption.Count(s.Platform, s.Text), countLimit(s.Platform)); s.Count != want {
			t.Errorf("%s: the page counts %q, package caption %q", s.ID, s.Count, want)
		}
	}

	// copy a caption: it lands on the clipboard
	card := ts.cards[0]
	id := "t-ar-" + card.ID + "-x"
	post := campaign.Post{Card: card.ID}
	for _, p := range c.Posts {
		if p.Card == card.ID {
			post = p
			break
		}
	}
	wantText, err := caption.Build(c, post, "ar", "x")
	if err != nil {
		t.Fatal(err)
	}
	for _, perm := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: perm}, Setting: cdpbrowser.PermissionSettingGranted, Origin: ts.url,
		}); err != nil {
			t.Fatalf("granting %s: %v", perm, err)
		}
	}
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.getElementById('`+id+`').closest('details').open = true`),
		chromedp.Click(chromedp.CSS(`button.copy[data-for="`+id+`"]`)),
	); err != nil {
		t.Fatalf("clicking copy: %v", err)
	}
	type copied struct{ Status, Clipboard string }
	got, err := chromedp.Run(ctx, chromedp.Evaluate[copied](`(async () => {
		const status = document.querySelector('button.copy[data-for="`+id+`"]').parentElement.querySelector('.status');
		for (let i = 0; i < 100 && status.textContent === ''; i++) await new Promise(r => setTimeout(r, 20));
		return {Status: status.textContent, Clipboard: await navigator.clipboard.readText()};
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("reading the clipboard: %v", err)
	}
	if got.Status != messages["ar"]["copied"] || got.Clipboard != wantText {
		t.Errorf("after copy: status %q, clipboard %q; want %q and %q", got.Status, got.Clipboard, messages["ar"]["copied"], wantText)
	}

	// the count follows edits, counting as each platform does
	samples := []string{
		"Hello world",
		"Read https://www.un.org/en/observances/migrants-day, and share.",
		"See www.example.org/path) and example.com. Or t.co/x and me@example.com",
		"国际移徙者日 🌍 👨‍👩‍👧 🇺🇳 1️⃣ © ™️ 👍🏽 ❤️ ✈ ↔",
		"🎉👨‍👩‍👧 family after a party popper",
		"Mention @IOM@mastodon.social, @someone and a=@x@y.z",
		"يبدأ أسبوع الحملة اليوم #يوم_المهاجرين https://example.org/ar?x=1",
		"Cafe\u0301 decomposed, “quotes” — and … ‘single’",
		"Кириллица, ქართული, 한국어, 日本語のかな",
		"line one\n\nline two (https://example.com/a_(b)) [x](https://x.org/y])",
	}
	type edit struct{ ID, Text string }
	var edits []edit
	for _, p := range campaign.Platforms {
		for _, s := range samples {
			edits = append(edits, edit{"t-ar-" + card.ID + "-" + p, s})
		}
	}
	arg, _ := json.Marshal(edits)
	live, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(`+string(arg)+`).map(e => {
		const ta = document.getElementById(e.ID);
		if (ta.readOnly) return 'read-only';
		ta.value = e.Text;
		ta.dispatchEvent(new Event('input', {bubbles: true}));
		return document.querySelector('output[for="' + e.ID + '"]').textContent;
	})`))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range edits {
		p := e.ID[strings.LastIndex(e.ID, "-")+1:]
		if want := fmt.Sprintf("%d / %d", caption.Count(p, e.Text), caption.Limit(p)); live[i] != want {
			t.Errorf("%s, %q: the page counts %q, package caption %q", p, e.Text, live[i], want)
		}
	}

	// download the Arabic zip the page links to, and open it
	b64, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
		const a = document.querySelector('.zips a[lang="ar"]');
		const buf = new Uint8Array(await (await fetch(a.href)).arrayBuffer());
		let s = ''; for (const c of buf) s += String.fromCharCode(c);
		return btoa(s);
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("downloading the zip: %v", err)
	}
	data, _ := base64.StdEncoding.DecodeString(b64)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("the downloaded zip does not open: %v", err)
	}
	// every Arabic card in every preset, and the five files made from the
	// manifest: calendar, captions, index, manifest, posts
	want := len(c.ExpandedCards())*len(toolkit.Presets) + 5
	if len(zr.File) != want {
		t.Errorf("zip has %d files, want %d: every Arabic card in every preset and the bundle's files", len(zr.File), want)
	}
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "migrants-day-2026-ar/") || (strings.Contains(f.Name, "/cards/") && !strings.HasPrefix(f.Name, "migrants-day-2026-ar/cards/ar/")) {
			t.Errorf("zip has %s, not a file of the Arabic bundle", f.Name)
		}
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// countLimit is the limit a count on the page is shown against.
func countLimit(platform string) int {
	if platform == "alt" {
		return caption.MaxAlt
	}
	return caption.Limit(platform)
}

// TestBrowserWithoutJavaScript browses with scripts off: the captions are
// there, read-only and selectable, with their counts.
func TestBrowserWithoutJavaScript(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx, consoleErrors := browsertest.Start(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.url+"/?lang=ar&platform=mastodon"), chromedp.WaitReady(chromedp.CSS(`.grid`))); err != nil {
		t.Fatal(err)
	}
	type box struct {
		JS, ReadOnly, Visible, CopyShown bool
		Text, Count, Selected            string
	}
	id := "t-ar-" + ts.cards[0].ID + "-mastodon"
	got, err := chromedp.Run(ctx, chromedp.Evaluate[box](`(() => {
		const ta = document.getElementById('`+id+`');
		const copy = document.querySelector('button.copy[data-for="`+id+`"]');
		ta.focus(); ta.select();
		return {
			JS: document.documentElement.classList.contains('js'),
			ReadOnly: ta.readOnly, Visible: ta.offsetHeight > 0, CopyShown: copy.offsetHeight > 0,
			Text: ta.value, Count: document.querySelector('output[for="`+id+`"]').textContent,
			Selected: ta.value.substring(ta.selectionStart, ta.selectionEnd),
		};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	c := ts.o.Campaign
	text, _ := captionFor(c, ts.cards[0], "ar", "mastodon")
	want := box{ReadOnly: true, Visible: true, Text: text, Selected: text,
		Count: fmt.Sprintf("%d / %d", caption.Count("mastodon", text), caption.Limit("mastodon"))}
	if got != want {
		t.Errorf("without JavaScript:\ngot  %+v\nwant %+v", got, want)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

func TestBrowserCobrand(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx, consoleErrors := browsertest.Start(t)
	logoFile := filepath.Join(t.TempDir(), "logo.png")
	if err := os.WriteFile(logoFile, solidPNG(t, 300, 150, magenta), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.url+"/?lang=en"),
		chromedp.SendKeys(chromedp.CSS(`form.upload input[name=name]`), "Test Partner"),
		chromedp.SetUploadFiles(chromedp.CSS(`form.upload input[name=logo]`), []string{logoFile}),
		chromedp.Submit(chromedp.CSS(`form.upload`)),
		chromedp.WaitReady(chromedp.CSS(`.grid img[src^="/cobrand/"]`)),
	); err != nil {
		t.Fatalf("upload: %v", err)
	}
	src, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`.grid img`), "src"))
	if err != nil {
		t.Fatal(err)
	}
	res := ts.get(t, src.Value)
	img, err := jpeg.Decode(bytes.NewReader(res.body))
	if err != nil {
		t.Fatalf("co-branded thumbnail %s: %v", src.Value, err)
	}
	// a JPEG thumbnail: look for the logo's colour near the top end corner
	if in, _ := magentaIn(img, image.Rect(180, 0, 360, 70)); in < 100 {
		t.Errorf("co-branded thumbnail shows %d logo pixels in the partner slot", in)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

func TestBrowserAdminCancel(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.AdminToken = token })
	ctx, consoleErrors := browsertest.Start(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.url+"/admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name=token]`), token),
		chromedp.Submit(chromedp.CSS(`form[action="/admin/login"]`)),
		chromedp.WaitReady(chromedp.CSS(`form[action="/admin/posts/p-planned/cancel"] button`)),
		chromedp.Click(chromedp.CSS(`form[action="/admin/posts/p-planned/cancel"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action="/admin/posts/p-planned/cancel"]`)),
	); err != nil {
		t.Fatalf("sign in and cancel: %v", err)
	}
	if got := ts.store.calls(); got != "cancelled p-planned" {
		t.Errorf("store calls %q, want the planned post cancelled", got)
	}
	// The sign-in page is answered with 401 on purpose (the dashboard was
	// asked for without credentials); Chromium reports that status once.
	wantNoConsoleErrors(t, consoleErrors(), "status of 401")
}

// TestBrowserLanguageMenuKeyboard browses the language menu with the arrow
// keys: its value changes, the page stays (WCAG 3.2.2: changing a setting
// does not change the context; the Show button does).
func TestBrowserLanguageMenuKeyboard(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx, consoleErrors := browsertest.Start(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.url+"/?lang=en"),
		chromedp.WaitReady(chromedp.CSS(`html.js`)),
		chromedp.Evaluate[chromedp.Void](`window.stayed = true`),
		chromedp.Focus(chromedp.CSS(`form.filters select[name=lang]`)),
		chromedp.KeyEvent(kb.ArrowDown),
	); err != nil {
		t.Fatal(err)
	}
	type state struct {
		Value, URL          string
		Stayed, ShowVisible bool
	}
	// a navigation the key started would have replaced the page within
	// this time: half a second, waited inside the page
	got, err := chromedp.Run(ctx, chromedp.Evaluate[state](`new Promise(r => setTimeout(() => r({
		Value: document.querySelector('form.filters select[name=lang]').value,
		URL: location.pathname + location.search, Stayed: window.stayed === true,
		ShowVisible: document.querySelector('form.filters button[type=submit]').offsetHeight > 0,
	}), 500))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if want := (state{Value: ts.o.Campaign.Languages[1], URL: "/?lang=en", Stayed: true, ShowVisible: true}); got != want {
		t.Errorf("after ArrowDown on the language menu: %+v, want %+v (the value moves, the page stays, the Show button is there)", got, want)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// statusCounter counts the statuses a handler answers with.
type statusCounter struct {
	h  http.Handler
	mu sync.Mutex
	n  map[int]int
}

func (c *statusCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w, status: 200}
	c.h.ServeHTTP(rec, r)
	c.mu.Lock()
	c.n[rec.status]++
	c.mu.Unlock()
}

func (c *statusCounter) count(status int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[status]
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// TestBrowserCobrandWhileBusy has five partners upload their logos at once
// to a server with one renderer and a short queue, in five tabs: the
// server answers some pictures 503 with Retry-After, and the page asks for
// them again, so every picture on every co-branded page ends up shown.
func TestBrowserCobrandWhileBusy(t *testing.T) {
	ts := newTestServer(t, func(o *Options) {
		c := *o.Campaign
		c.Cards = c.Cards[:3]
		o.Campaign = &c
		o.Workers, o.QueueDepth, o.QueueWait, o.RetryAfter = 1, 1, 50*time.Millisecond, time.Second
		o.RateBurst = 100
	})
	counter := &statusCounter{h: ts.Server, n: map[int]int{}}
	hs := httptest.NewServer(counter)
	t.Cleanup(hs.Close)
	ctx, consoleErrors := browsertest.Start(t)
	dir := t.TempDir()
	colours := []color.NRGBA{{255, 0, 255, 255}, {0, 160, 0, 255}, {0, 0, 255, 255}, {255, 128, 0, 255}, {0, 0, 0, 255}}
	type page struct {
		Loaded, Total int
		Broken        []string
	}
	pages := make([]page, len(colours))
	errs := make([]error, len(colours))
	var wg sync.WaitGroup
	for i, col := range colours {
		file := filepath.Join(dir, fmt.Sprintf("logo%d.png", i))
		if err := os.WriteFile(file, solidPNG(t, 300, 150, col), 0o600); err != nil {
			t.Fatal(err)
		}
		tab, cancel := chromedp.NewContext(ctx)
		defer cancel()
		if err := chromedp.Do(tab, chromedp.Navigate(hs.URL+"/?lang=en")); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() { // one partner; the test waits for it
			defer wg.Done()
			if errs[i] = chromedp.Do(tab,
				chromedp.SendKeys(chromedp.CSS(`form.upload input[name=name]`), fmt.Sprintf("Partner %d", i)),
				chromedp.SetUploadFiles(chromedp.CSS(`form.upload input[name=logo]`), []string{file}),
				chromedp.Submit(chromedp.CSS(`form.upload`)),
				chromedp.WaitReady(chromedp.CSS(`.grid img[src^="/cobrand/"]`)),
			); errs[i] != nil {
				return
			}
			pages[i], errs[i] = chromedp.Run(tab, chromedp.Evaluate[page](`(async () => {
				const imgs = Array.from(document.images);
				imgs.forEach(i => i.loading = 'eager');
				const ok = i => i.complete && i.naturalWidth > 0;
				for (let n = 0; n < 400 && !imgs.every(ok); n++) await new Promise(r => setTimeout(r, 100));
				return {Loaded: imgs.filter(ok).length, Total: imgs.length, Broken: imgs.filter(i => !ok(i)).map(i => i.src)};
			})()`, chromedp.EvalAwaitPromise))
		}()
	}
	wg.Wait()
	for i, p := range pages {
		if errs[i] != nil {
			t.Errorf("partner %d: %v", i, errs[i])
			continue
		}
		if p.Total == 0 || p.Loaded != p.Total {
			t.Errorf("partner %d: %d of %d pictures shown; broken: %v", i, p.Loaded, p.Total, p.Broken)
		}
	}
	t.Logf("503 answers: %d", counter.count(503))
	if counter.count(503) == 0 {
		t.Errorf("the server was never busy: the test does not show the page recovering from 503")
	}
	// a picture that failed to load is reported on the console once, then
	// shown after a retry
	wantNoConsoleErrors(t, consoleErrors(), "status of 503")
}

// wantNoConsoleErrors fails t with the console errors that do not contain
// provoked, the status the test brings about on purpose.
func wantNoConsoleErrors(t *testing.T, errs []string, provoked string) {
	t.Helper()
	var others []string
	for _, e := range errs {
		if !strings.Contains(e, provoked) {
			others = append(others, e)
		}
	}
	if len(others) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(others, "\n"))
	}
}
