package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// browser starts headless Chromium for one test, collecting console errors
// (a CSP violation is one). Without Chromium the test is skipped, unless CI
// is set: there a missing browser is a broken setup.
func browser(t *testing.T) (ctx context.Context, consoleErrors func() []string) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing: install Debian's chromium package", chromiumPath)
		}
		t.Skipf("browser test skipped: %s not found (install Debian's chromium package to run it)", chromiumPath)
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	ctx, cancelC := chromedp.NewContext(actx)
	// the first Run starts the browser and must not have a timeout
	if err := chromedp.Do(ctx); err != nil {
		cancelC()
		cancelA()
		t.Fatalf("starting chromium: %v", err)
	}
	var (
		mu   sync.Mutex
		errs []string
		wg   sync.WaitGroup
	)
	msgs := chromedp.Console(ctx)
	wg.Add(1)
	go func() { // ends when the browser context is cancelled
		defer wg.Done()
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				mu.Lock()
				errs = append(errs, m.String())
				mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		cancelC()
		cancelA()
		wg.Wait()
	})
	tctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelT)
	return tctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

func TestBrowserToolkitPage(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.RateBurst = 100 })
	ctx, consoleErrors := browser(t)

	// the page, then the Arabic filter: right to left
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.url+"/"),
		chromedp.WaitReady(chromedp.CSS(`html.js`)),
		chromedp.SetValue(chromedp.CSS(`form.filters select[name=lang]`), "ar"),
		chromedp.Submit(chromedp.CSS(`form.filters`)),
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

	// copy the alt text: on the clipboard, or at least selected
	label, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
		const d = document.querySelector('.card details'); d.open = true;
		const b = d.querySelector('button.copy'); b.click();
		await new Promise(r => setTimeout(r, 200));
		return b.textContent + '|' + d.querySelector('.count').textContent;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil || (!strings.HasPrefix(label, "Copied|") && !strings.HasPrefix(label, "Selected")) || !strings.Contains(label, "characters") {
		t.Errorf("copy button: %q (err %v)", label, err)
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
	if len(zr.File) != 9 || !strings.HasPrefix(zr.File[0].Name, "cards/ar/") {
		t.Errorf("zip has %d files starting with %q, want 9 Arabic ones", len(zr.File), zr.File[0].Name)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

func TestBrowserCobrand(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx, consoleErrors := browser(t)
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
	ctx, consoleErrors := browser(t)
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
	var errs []string
	for _, e := range consoleErrors() {
		if !strings.Contains(e, "status of 401") {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
