package web

import (
	"context"
	"fmt"
	"image"
	"io"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
)

// latencies runs n GET requests for paths from clients goroutines at once
// and returns each request's time, sorted, and the statuses seen.
func latencies(tb testing.TB, ts *testServer, clients, n int, path func(i int) string) ([]time.Duration, map[int]int) {
	tb.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr}
	var (
		mu       sync.Mutex
		times    = make([]time.Duration, 0, n)
		statuses = map[int]int{}
		next     atomic.Int64
		wg       sync.WaitGroup
	)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				req, _ := http.NewRequest("GET", ts.url+path(i), nil)
				req.Header.Set("Accept-Encoding", "gzip")
				start := time.Now()
				res, err := cl.Do(req)
				if err != nil {
					tb.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				d := time.Since(start)
				mu.Lock()
				times = append(times, d)
				statuses[res.StatusCode]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.Sort(times)
	return times, statuses
}

func percentile(ts []time.Duration, p float64) time.Duration {
	if len(ts) == 0 {
		return 0
	}
	return ts[min(len(ts)-1, int(float64(len(ts))*p))]
}

var pagePaths = []string{"/", "/?lang=ar", "/?lang=fr&platform=instagram", "/?kind=quote", "/?lang=zh&platform=bluesky", "/?lang=ru"}

// BenchmarkToolkitPage is the toolkit page under 50 concurrent clients on
// loopback; it reports the median and 99th percentile latency.
func BenchmarkToolkitPage(b *testing.B) {
	ts := newTestServer(b, nil)
	b.ResetTimer()
	times, statuses := latencies(b, ts, 50, max(b.N, 500), func(i int) string { return pagePaths[i%len(pagePaths)] })
	b.StopTimer()
	if statuses[200] != len(times) {
		b.Fatalf("statuses %v", statuses)
	}
	b.ReportMetric(float64(percentile(times, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(times, 0.99).Microseconds())/1000, "p99-ms")
}

// BenchmarkCobrandAllPresets is one card co-branded with a new logo in
// every preset, drawn and encoded by the pool.
func BenchmarkCobrandAllPresets(b *testing.B) {
	ts := newTestServer(b, nil)
	logoImg := fitLogo(mustDecode(b, solidPNG(b, 600, 300, magenta)), ts.slot)
	card := ts.cards[0]
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		lg := &logo{id: fmt.Sprintf("bench-%d", i), load: func() (image.Image, error) { return logoImg, nil }}
		var wg sync.WaitGroup
		for _, p := range toolkit.Presets {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := ts.image(ctx, variant{card: card, lang: "en", preset: p, logo: lg}, -1); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
	}
}

// TestLoad is the bounded load test: 200 clients browsing and downloading
// and 20 co-brand uploads at once. Every answer is a success or a clean
// 503/429, and the heap stays bounded.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: skipped with -short")
	}
	ts := newTestServer(t, func(o *Options) { o.CacheBytes = 64 << 20 })
	langs := ts.o.Campaign.Languages
	paths := func(i int) string {
		l := langs[i%len(langs)]
		switch i % 5 {
		case 0, 1:
			return pagePaths[i%len(pagePaths)]
		case 2, 3:
			return "/thumbs/" + l + "/quote-guterres/" + toolkit.Presets[i%len(toolkit.Presets)].Name + ".jpg"
		default:
			p := toolkit.Presets[i%len(toolkit.Presets)]
			return "/cards/" + l + "/quote-guterres/" + p.Name + "." + p.Ext()
		}
	}
	var uploads sync.WaitGroup
	upStatus := make(chan int, 20)
	for i := range 20 {
		uploads.Add(1)
		go func() {
			defer uploads.Done()
			upStatus <- ts.upload(t, solidPNG(t, 200+i, 100, magenta), fmt.Sprintf("Partner %d", i)).status
		}()
	}
	times, statuses := latencies(t, ts, 200, 2000, paths)
	uploads.Wait()
	close(upStatus)
	for s := range upStatus {
		statuses[s]++
	}
	for s := range statuses {
		switch s {
		case 200, 303, 429, 503:
		default:
			t.Errorf("status %d seen %d times", s, statuses[s])
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("statuses %v; p50 %v p99 %v; heap in use %d MB; cache %d MB", statuses, percentile(times, 0.5), percentile(times, 0.99), ms.HeapInuse>>20, ts.cache.Bytes()>>20)
	if ms.HeapInuse > 1<<30 {
		t.Errorf("heap in use %d MB, want under 1 GB", ms.HeapInuse>>20)
	}
}
