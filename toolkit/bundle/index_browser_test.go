package bundle

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/campaignkit/campaignkit/toolkit/internal/browsertest"
)

func openIndex(t *testing.T) (context.Context, *Manifest, func() []string) {
	t.Helper()
	m := testManifest()
	_, root := testTree(t, m, testImages(t, m))
	ctx, consoleErrors := browsertest.Start(t)
	page := url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(root, "index.html"))}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(page.String()),
		chromedp.WaitReady(chromedp.CSS(`html.js form.filters:not([hidden])`)),
	); err != nil {
		t.Fatalf("opening index.html: %v", err)
	}
	return ctx, m, consoleErrors
}

func evaluate[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// captionID finds the id of the text box holding a caption.
func captionID(t *testing.T, ctx context.Context, platform, caption string) string {
	t.Helper()
	id := evaluate[string](t, ctx, fmt.Sprintf(`(Array.from(document.querySelectorAll('.caption[data-platform=%q] textarea')).find(t => t.value === %s) || {id: ""}).id`, platform, jsString(caption)))
	if id == "" {
		t.Fatalf("no %s text box holds %q", platform, caption)
	}
	return id
}

func TestBrowserIndex(t *testing.T) {
	ctx, m, consoleErrors := openIndex(t)

	// the keyboard: Tab first reaches the skip link, with a visible outline
	if err := chromedp.Do(ctx,
		chromedp.KeyEvent("\t"),
	); err != nil {
		t.Fatalf("pressing Tab: %v", err)
	}
	if got := evaluate[string](t, ctx, `document.activeElement.className + ' ' + getComputedStyle(document.activeElement).outlineStyle`); got != "skip solid" {
		t.Errorf("after Tab, the focused element and its outline: %q, want the skip link with a solid outline", got)
	}

	// every preview loads
	loaded := evaluate[bool](t, ctx, `Promise.all(Array.from(document.images).map(i => {
		i.loading = 'eager';
		return i.complete ? i.naturalWidth > 0 : new Promise(r => { i.addEventListener('load', () => r(i.naturalWidth > 0)); i.addEventListener('error', () => r(false)); });
	})).then(all => all.length > 0 && all.every(Boolean))`)
	if !loaded {
		t.Error("a card preview did not load")
	}
	if n := evaluate[int](t, ctx, `document.querySelectorAll('img:not([alt]), img[alt=""]').length`); n != 0 {
		t.Errorf("%d images without alt text", n)
	}

	// directions: Arabic right to left, down to its text boxes
	for _, c := range []struct{ sel, want string }{
		{`section[data-lang="ar"]`, "rtl"},
		{`section[data-lang="ar"] .caption textarea`, "rtl"},
		{`section[data-lang="en"]`, "ltr"},
		{`section[data-lang="zh"]`, "ltr"},
	} {
		if got := evaluate[string](t, ctx, fmt.Sprintf(`getComputedStyle(document.querySelector(%s)).direction`, jsString(c.sel))); got != c.want {
			t.Errorf("%s: direction %q, want %q", c.sel, got, c.want)
		}
	}

	// character counts, by each platform's rules
	en, ar, zh := m.Posts[0].Captions, m.Posts[1].Captions, m.Posts[2].Captions
	withoutURL := func(s string) string { return strings.Replace(s, testURL, "", 1) }
	counts := []struct {
		platform, caption string
		want              string
	}{
		// a link counts 23, whatever its length
		{"x", en["x"], fmt.Sprintf("%d / 280", len(withoutURL(en["x"]))+23)},
		// Arabic letters count once on X, CJK twice
		{"x", ar["x"], fmt.Sprintf("%d / 280", utf8.RuneCountInString(withoutURL(ar["x"]))+23)},
		{"x", zh["x"], fmt.Sprintf("%d / 280", 2*utf8.RuneCountInString(withoutURL(zh["x"]))+23)},
		// Bluesky counts graphemes, links in full
		{"bluesky", en["bluesky"], fmt.Sprintf("%d / 300", utf8.RuneCountInString(en["bluesky"]))},
		{"mastodon", en["mastodon"], fmt.Sprintf("%d / 500", utf8.RuneCountInString(en["mastodon"]))},
		{"linkedin", zh["linkedin"], fmt.Sprintf("%d / 3000", utf8.RuneCountInString(zh["linkedin"]))},
	}
	for _, c := range counts {
		id := captionID(t, ctx, c.platform, c.caption)
		if got := evaluate[string](t, ctx, fmt.Sprintf(`document.querySelector('output[for=%q]').textContent`, id)); got != c.want {
			t.Errorf("%s count of %q: %q, want %q", c.platform, c.caption, got, c.want)
		}
	}

	// copy: on the clipboard, or at least selected for Ctrl+C
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "clipboard-read"}, Setting: browser.PermissionSettingGranted,
	}); err != nil {
		t.Logf("granting clipboard-read: %v (the copy check falls back to the selection)", err)
	}
	id := captionID(t, ctx, "x", ar["x"])
	btn := chromedp.CSS(fmt.Sprintf(`button.copy[data-for=%q]`, id))
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(btn), chromedp.Click(btn)); err != nil {
		t.Fatalf("clicking the copy button: %v", err)
	}
	status, err := chromedp.Run(ctx, chromedp.Poll[string](fmt.Sprintf(`document.querySelector('button[data-for=%q]').parentElement.querySelector('.status').textContent`, id), chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("the copy button said nothing: %v", err)
	}
	type copied struct {
		Clipboard string `json:"clipboard"`
		Selected  string `json:"selected"`
	}
	got := evaluate[copied](t, ctx, fmt.Sprintf(`(async () => {
		const ta = document.getElementById(%q);
		let clipboard = "";
		try { clipboard = await navigator.clipboard.readText(); } catch (e) {}
		const selected = document.activeElement === ta ? ta.value.slice(ta.selectionStart, ta.selectionEnd) : "";
		return {clipboard, selected};
	})()`, id))
	switch {
	case got.Clipboard == ar["x"]:
		t.Logf("copy: %q, the caption is on the clipboard", status)
	case got.Selected == ar["x"]:
		t.Logf("copy: %q, the caption is selected", status)
	default:
		t.Errorf("copy: status %q, clipboard %q, selection %q; want the caption %q in either", status, got.Clipboard, got.Selected, ar["x"])
	}

	// the language filter hides the other languages' cards and posts
	filter := func(name, value string) {
		t.Helper()
		evaluate[bool](t, ctx, fmt.Sprintf(`(() => { const s = document.querySelector('form.filters select[name=%q]'); s.value = %s; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, name, jsString(value)))
	}
	visible := func(sel string) []string {
		t.Helper()
		return evaluate[[]string](t, ctx, fmt.Sprintf(`Array.from(document.querySelectorAll(%s)).filter(e => e.checkVisibility()).map(e => e.closest('[data-lang]').dataset.lang + ' ' + (e.dataset.card || e.dataset.platform || e.dataset.platforms))`, jsString(sel)))
	}
	filter("lang", "zh")
	cards := visible(".card")
	if len(cards) != 2 {
		t.Errorf("with Chinese chosen, %d cards shown (%q), want 2", len(cards), cards)
	}
	for _, c := range cards {
		if !strings.HasPrefix(c, "zh ") {
			t.Errorf("with Chinese chosen, card %q is shown", c)
		}
	}
	if hidden := evaluate[[]bool](t, ctx, `['en', 'ar', 'zh'].map(l => document.querySelector('section[data-lang="' + l + '"]').hidden)`); fmt.Sprint(hidden) != "[true true false]" {
		t.Errorf("hidden attribute of the en, ar, zh sections: %v", hidden)
	}
	filter("lang", "")
	filter("platform", "x")
	if captions := visible(".caption"); len(captions) != 3 || strings.Count(strings.Join(captions, ","), " x") != 3 {
		t.Errorf("with X chosen, captions shown: %q, want the three X ones", captions)
	}
	if posts := visible(".post"); len(posts) != 3 {
		t.Errorf("with X chosen, posts shown: %q, want the three with an X caption", posts)
	}
	if s := evaluate[string](t, ctx, `document.getElementById('filter-status').textContent`); s != "3 posts shown" {
		t.Errorf("filter status %q", s)
	}
	filter("platform", "")
	if n := len(visible(".post")); n != len(m.Posts) {
		t.Errorf("with the filters cleared, %d posts shown, want %d", n, len(m.Posts))
	}

	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// TestBrowserIndexWithoutScript checks that with JavaScript off every card
// and caption is shown and the controls that need a script are not.
func TestBrowserIndexWithoutScript(t *testing.T) {
	m := testManifest()
	_, root := testTree(t, m, testImages(t, m))
	page, err := os.ReadFile(filepath.Join(root, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	// the same page with its script removed (a CSP would block it the same way)
	stripped := strings.Replace(string(page), "<script>"+indexJS+"</script>", "", 1)
	if stripped == string(page) {
		t.Fatal("the script is not where the test expects it")
	}
	noJS := filepath.Join(root, "nojs.html")
	if err := os.WriteFile(noJS, []byte(stripped), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, consoleErrors := browsertest.Start(t)
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(noJS)}
	if err := chromedp.Do(ctx, chromedp.Navigate(u.String()), chromedp.WaitReady(chromedp.CSS(`footer`))); err != nil {
		t.Fatal(err)
	}
	shown := evaluate[map[string]int](t, ctx, `(() => {
		const n = sel => Array.from(document.querySelectorAll(sel)).filter(e => e.checkVisibility()).length;
		return {cards: n('.card'), posts: n('.post'), captions: n('.caption textarea'), buttons: n('button'), counts: n('output'), filters: n('form.filters')};
	})()`)
	captions := 0
	for _, p := range m.Posts {
		captions += len(p.Captions)
	}
	want := map[string]int{"cards": 6, "posts": len(m.Posts), "captions": captions, "buttons": 0, "counts": 0, "filters": 0}
	if fmt.Sprint(shown) != fmt.Sprint(want) {
		t.Errorf("without JavaScript, shown %v, want %v", shown, want)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
