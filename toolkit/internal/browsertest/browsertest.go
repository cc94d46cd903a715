// Package browsertest starts headless Chromium (Debian's chromium package)
// for tests of the pages campaignkit makes: the toolkit bundle's index.html
// and the pages `campaignkit serve` serves.
package browsertest

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package puts the browser.
const ChromiumPath = "/usr/bin/chromium"

// Need skips the test when Chromium is missing, unless CI is set: there a
// missing browser is a broken setup. A test calls it before slow setup
// that is of no use without a browser; Start calls it too.
func Need(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing: install Debian's chromium package", ChromiumPath)
		}
		t.Skipf("browser test skipped: %s not found (install Debian's chromium package to run it)", ChromiumPath)
	}
}

// Start starts headless Chromium for one test, collecting console errors
// (a CSP violation is one). Without Chromium the test is skipped, unless CI
// is set (see Need).
func Start(t testing.TB) (ctx context.Context, consoleErrors func() []string) {
	t.Helper()
	Need(t)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(ChromiumPath),
		chromedp.Flag("headless", true),
		chromedp.WindowSize(1280, 900),
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
