package web

import (
	"archive/zip"
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/bundle"
	"github.com/campaignkit/campaignkit/toolkit/render"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

var magenta = color.NRGBA{255, 0, 255, 255}

func isMagenta(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 > 230 && g>>8 < 40 && b>>8 > 230
}

// magentaIn counts magenta pixels in r and outside it.
func magentaIn(img image.Image, r image.Rectangle) (in, out int) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if isMagenta(img.At(x, y)) {
				if (image.Point{x, y}).In(r) {
					in++
				} else {
					out++
				}
			}
		}
	}
	return in, out
}

func TestCobrandShowsLogoInPartnerSlot(t *testing.T) {
	ts := newTestServer(t, nil)
	res := ts.upload(t, solidPNG(t, 300, 150, magenta), "Red Crescent Zürich")
	if res.status != 303 {
		t.Fatalf("upload: status %d, want 303:\n%s", res.status, res.body)
	}
	loc := res.header.Get("Location")
	if !strings.HasPrefix(loc, "/cobrand/") {
		t.Fatalf("Location %q", loc)
	}
	page := ts.get(t, loc)
	if page.status != 200 || !bytes.Contains(page.body, []byte("Red Crescent Zürich")) {
		t.Fatalf("co-branded page: status %d", page.status)
	}
	if !bytes.Contains(page.body, []byte(loc+"thumbs/en/quote-guterres/instagram-square.jpg")) {
		t.Errorf("co-branded page does not show co-branded thumbnails")
	}
	cases := []struct {
		lang string
		// the partner slot is the top of the card, at the end edge: the
		// right in English, the left in Arabic
		slot image.Rectangle
	}{
		{"en", image.Rect(540, 0, 1080, 200)},
		{"ar", image.Rect(0, 0, 540, 200)},
	}
	for _, c := range cases {
		t.Run(c.lang, func(t *testing.T) {
			img := getPNG(t, ts, loc+"cards/"+c.lang+"/quote-guterres/instagram-square.png")
			in, out := magentaIn(img, c.slot)
			if in < 2000 || out > 0 {
				t.Errorf("logo pixels: %d in the partner slot %v, %d elsewhere; want many in, none out", in, c.slot, out)
			}
			plain := getPNG(t, ts, "/cards/"+c.lang+"/quote-guterres/instagram-square.png")
			if in, out := magentaIn(plain, plain.Bounds()); in+out != 0 {
				t.Errorf("the plain card has %d logo-coloured pixels", in+out)
			}
		})
	}
	// the co-branded zip for one language: every preset, with the logo
	zres := ts.get(t, loc+"zip/migrants-day-2026-en.zip")
	if zres.status != 200 || !strings.Contains(zres.header.Get("Content-Disposition"), "migrants-day-2026-en-red-crescent-z%C3%BCrich.zip") {
		t.Fatalf("zip: status %d, disposition %q", zres.status, zres.header.Get("Content-Disposition"))
	}
	zr, err := zip.NewReader(bytes.NewReader(zres.body), int64(len(zres.body)))
	if err != nil {
		t.Fatal(err)
	}
	// the bundle's English zip: every English card in every preset, and
	// the files made from the manifest
	const dir = "migrants-day-2026-en/"
	want := map[string]bool{}
	for _, f := range []string{"calendar.ics", "captions/en.md", "index.html", "manifest.json", "posts.csv"} {
		want[dir+f] = true
	}
	for _, card := range ts.o.Campaign.ExpandedCards() {
		for _, p := range toolkit.Presets {
			want[dir+bundle.CardPath("en", card.ID, p)] = true
		}
	}
	got := map[string]bool{}
	for _, f := range zr.File {
		got[f.Name] = true
	}
	if !maps.Equal(got, want) {
		t.Errorf("zip has %d files, want %d: every English card in every preset and the bundle's files", len(got), len(want))
	}
	for _, f := range zr.File {
		if f.Name != dir+"cards/en/quote-guterres/instagram-square.png" {
			continue
		}
		rc, _ := f.Open()
		img, err := png.Decode(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if in, _ := magentaIn(img, image.Rect(540, 0, 1080, 200)); in < 2000 {
			t.Errorf("zipped card has %d logo pixels in the slot", in)
		}
	}
	// uploads are forgotten once the logo's time is up
	ts.clock.Advance(2 * time.Hour)
	if res := ts.get(t, loc); res.status != 404 {
		t.Errorf("after expiry: status %d, want 404", res.status)
	}
}

func getPNG(t *testing.T, ts *testServer, path string) image.Image {
	t.Helper()
	res := ts.get(t, path)
	if res.status != 200 {
		t.Fatalf("%s: status %d: %s", path, res.status, res.body)
	}
	img, err := png.Decode(bytes.NewReader(res.body))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func TestUploadBadInputs(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.RateBurst = 100 })
	huge := append(toolkittest.PNGHeader(100, 100), bytes.Repeat([]byte{0}, 3<<20)...)
	cases := []struct {
		name   string
		file   []byte
		want   int
		inBody string
	}{
		{"over 2 MB", huge, 413, ""},
		{"just over 2 MB inside the body limit", append(toolkittest.PNGHeader(10, 10), make([]byte, 2<<20)...), 413, "2 MB"},
		{"header claims 100000x100000", toolkittest.PNGHeader(100000, 100000), 422, "100000x100000"},
		{"side over 4000", toolkittest.PNGHeader(4001, 10), 422, "4000x4000"},
		{"not an image", []byte("%PDF-1.7 this is a document"), 422, "not a PNG or JPEG"},
		{"truncated PNG", solidPNG(t, 50, 50, magenta)[:60], 422, ""},
		{"no file", nil, 400, "Choose a logo"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := ts.upload(t, c.file, "Partner")
			if res.status != c.want {
				t.Errorf("status %d, want %d: %s", res.status, c.want, res.body)
			}
			if c.inBody != "" && !bytes.Contains(res.body, []byte(c.inBody)) {
				t.Errorf("body lacks %q", c.inBody)
			}
		})
	}
	t.Run("not multipart", func(t *testing.T) {
		res := ts.do(t, mustRequest(t, "POST", ts.url+"/cobrand", "name=x", "Content-Type", "application/x-www-form-urlencoded"))
		if res.status != 400 {
			t.Errorf("status %d, want 400", res.status)
		}
	})
}

func TestUploadRateLimit(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.RateLimit, o.RateBurst = 0.5, 2 })
	var got []int
	for range 3 {
		got = append(got, ts.upload(t, []byte("not an image"), "P").status)
	}
	want := []int{422, 422, 429}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses %v, want %v", got, want)
		}
	}
	res := ts.upload(t, []byte("x"), "P")
	if res.status != 429 || res.header.Get("Retry-After") == "" {
		t.Errorf("status %d, Retry-After %q; want 429 with Retry-After", res.status, res.header.Get("Retry-After"))
	}
	ts.clock.Advance(2 * time.Second) // one token back
	if res := ts.upload(t, []byte("x"), "P"); res.status != 422 {
		t.Errorf("after waiting: status %d, want 422", res.status)
	}
}

// TestBusy saturates a one-renderer pool with a one-place queue: the next
// render waits QueueWait for room and is then refused with 503 and
// Retry-After.
func TestBusy(t *testing.T) {
	entered := make(chan struct{}, 8)
	release := make(chan struct{})
	ts := newTestServer(t, func(o *Options) {
		o.Workers, o.QueueDepth, o.QueueWait = 1, 1, time.Millisecond
		o.renderHook = func(context.Context) {
			entered <- struct{}{}
			<-release
		}
	})
	first := make(chan int)
	go func() {
		res, err := ts.client().Get(ts.url + "/thumbs/en/quote-guterres/story.jpg")
		if err != nil {
			first <- 0
			return
		}
		res.Body.Close()
		first <- res.StatusCode
	}()
	<-entered // the one renderer is busy
	filler := task{ctx: context.Background(), fn: nil, done: make(chan result, 1)}
	filler.fn = func(r *render.Renderer) ([]byte, error) { return nil, nil }
	ts.pool.queue <- filler // the queue is full
	res := ts.get(t, "/thumbs/en/quote-guterres/x.jpg")
	if res.status != 503 || res.header.Get("Retry-After") != "2" {
		t.Errorf("status %d, Retry-After %q; want 503 and 2", res.status, res.header.Get("Retry-After"))
	}
	if res.header.Get("ETag") != "" {
		t.Errorf("a 503 must not carry the image's ETag")
	}
	close(release)
	if got := <-first; got != 200 {
		t.Errorf("the render in progress ended with %d, want 200", got)
	}
}

// TestBusyRequestWaits saturates the pool as TestBusy does, with a long
// QueueWait: the next request waits for room instead of failing, and is
// drawn once the renderer is free.
func TestBusyRequestWaits(t *testing.T) {
	entered := make(chan struct{}, 8)
	waiting := make(chan struct{}, 8)
	release := make(chan struct{})
	ts := newTestServer(t, func(o *Options) {
		o.Workers, o.QueueDepth, o.QueueWait = 1, 1, time.Minute
		o.renderHook = func(context.Context) {
			entered <- struct{}{}
			<-release
		}
		o.waitHook = func() { waiting <- struct{}{} }
	})
	get := func(path string, out chan<- int) {
		res, err := ts.client().Get(ts.url + path)
		if err != nil {
			out <- 0
			return
		}
		res.Body.Close()
		out <- res.StatusCode
	}
	first, second := make(chan int, 1), make(chan int, 1)
	go get("/thumbs/en/quote-guterres/story.jpg", first)
	<-entered // the one renderer is busy
	ts.pool.queue <- task{ctx: context.Background(), fn: func(*render.Renderer) ([]byte, error) { return nil, nil }, done: make(chan result, 1)}
	go get("/thumbs/en/quote-guterres/x.jpg", second)
	<-waiting // the second request waits for room in the full queue
	close(release)
	if got1, got2 := <-first, <-second; got1 != 200 || got2 != 200 {
		t.Errorf("statuses %d and %d, want 200 for both: a request waits for a renderer within QueueWait", got1, got2)
	}
}

// TestCobrandPageCached checks that a co-branded page is treated as the
// plain one is: built once per logo and filters and kept, with an ETag
// that answers 304, gzipped on request, checked again by the browser
// before use; it is only kept privately, and each logo has its own.
func TestCobrandPageCached(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.RateBurst = 100 })
	a := ts.upload(t, solidPNG(t, 300, 150, magenta), "Partner A").header.Get("Location")
	b := ts.upload(t, solidPNG(t, 300, 150, magenta), "Partner B").header.Get("Location")
	id := strings.Split(a, "/")[2]
	cases := []struct {
		path, cacheControl, key string
	}{
		{"/?lang=fr", "no-cache", "page\x00?lang=fr"},
		{a + "?lang=fr", "private, no-cache", "cobrand\x00" + id + "\x00?lang=fr"},
	}
	etags := map[string]bool{}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			res := ts.get(t, c.path)
			etag := res.header.Get("ETag")
			if res.status != 200 || etag == "" || res.header.Get("Cache-Control") != c.cacheControl {
				t.Fatalf("status %d, ETag %q, Cache-Control %q; want 200, an ETag and %q", res.status, etag, res.header.Get("Cache-Control"), c.cacheControl)
			}
			etags[etag] = true
			if _, ok := ts.cache.Get(c.key); !ok {
				t.Errorf("the page is not kept in the cache under %q", c.key)
			}
			if again := ts.get(t, c.path); again.header.Get("ETag") != etag || !bytes.Equal(again.body, res.body) {
				t.Errorf("a second request got another page")
			}
			if nm := ts.get(t, c.path, "If-None-Match", etag); nm.status != 304 || len(nm.body) != 0 {
				t.Errorf("If-None-Match: status %d, %d bytes; want 304, none", nm.status, len(nm.body))
			}
			if gz := ts.get(t, c.path, "Accept-Encoding", "gzip"); gz.header.Get("Content-Encoding") != "gzip" || gz.header.Get("ETag") != etag {
				t.Errorf("gzip: Content-Encoding %q, ETag %q", gz.header.Get("Content-Encoding"), gz.header.Get("ETag"))
			}
		})
	}
	other := ts.get(t, b+"?lang=fr").header.Get("ETag")
	if etags[other] {
		t.Errorf("two partners' pages share the ETag %s", other)
	}
}
