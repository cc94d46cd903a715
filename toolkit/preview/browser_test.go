package preview

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/campaignkit/campaignkit/toolkit/internal/browsertest"
)

// TestBrowserLiveEdit is what an author sees: the preview is open, the
// campaign file is saved with a new quote for card b, and within 2 s the
// page shows card b's new image (a new URL) and the new text in its
// caption, without loading the page again: a marker set on window before
// the edit is still there after it, and no script or CSP error is logged.
func TestBrowserLiveEdit(t *testing.T) {
	browsertest.Need(t)
	dir := t.TempDir()
	writeCampaign(t, dir, "Together we are stronger.")
	s, err := New(Options{
		Load: loader(dir), Presets: testPresets, Loopback: true, // polling the files as `campaignkit preview` does
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln, 2*time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	waitFor(t, s, "the first load", func(v view) bool { return v.Status == "ready" })

	bctx, consoleErrors := browsertest.Start(t)
	base := "http://" + ln.Addr().String() + "/"
	const img = `document.querySelector('figure[data-image="b|en|x"] img')`
	err = chromedp.Do(bctx,
		chromedp.Navigate(base),
		chromedp.WaitVisible(chromedp.CSS(`figure[data-image="b|en|x"] img`)),
	)
	if err != nil {
		t.Fatalf("opening the preview: %v", err)
	}
	before, err := chromedp.Run(bctx, chromedp.Evaluate[string](`window.previewMarker = "kept"; `+img+`.getAttribute("src")`))
	if err != nil {
		t.Fatalf("opening the preview: %v", err)
	}
	if before == "" {
		t.Fatal("card b's image has no src")
	}

	const quote = "Every voice counts, every story matters."
	saved := time.Now()
	writeCampaign(t, dir, quote)
	check := fmt.Sprintf(`(() => {
		const img = %s;
		const cap = document.querySelector('section[data-card="b"] [data-lang="en"] dd[data-caption="x"]');
		return !!img && img.getAttribute("src") !== %s && img.complete && img.naturalWidth > 0 &&
			!!cap && cap.textContent.includes(%s);
	})()`, img, strconv.Quote(before), strconv.Quote(quote))
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](check, chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(2*time.Second))); err != nil {
		state, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.getElementById("status").textContent + " | " + `+img+`.getAttribute("src")`))
		t.Fatalf("2 s after the save the page does not show the new card b (%v); page: %s", err, state)
	}
	t.Logf("the page showed the edit %v after the save", time.Since(saved).Round(time.Millisecond))
	marker, err := chromedp.Run(bctx, chromedp.Evaluate[string](`window.previewMarker || ""`))
	if err != nil {
		t.Fatal(err)
	}
	if marker != "kept" {
		t.Errorf("window.previewMarker = %q after the edit, want \"kept\": the page was loaded again", marker)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
	// the image the page shows is served
	after, err := chromedp.Run(bctx, chromedp.Evaluate[string](img+`.getAttribute("src")`))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(base + after[1:])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET %s: %d", after, resp.StatusCode)
	}
}
