//go:build unix

package runner

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/queue/postgres"
	"github.com/campaignkit/campaignkit/toolkit/queue/postgres/pgtest"
)

// TestMain stops the throwaway PostgreSQL server of the benchmarks that
// started one.
func TestMain(m *testing.M) { pgtest.Main(m) }

// instantPublisher publishes at once and never fails, so that a benchmark
// measures the queue and the runners, not a network or a disk.
type instantPublisher struct{}

func (instantPublisher) Name() string { return "outbox" }

func (instantPublisher) Publish(_ context.Context, p publish.Post) (publish.Result, error) {
	return publish.Result{RemoteID: p.ID}, nil
}

// BenchmarkBurst10k queues 10,000 posts due at the same instant and
// measures how they go out, due → the queue records them published: with
// one runner on an SQLite store (one machine), and with one and with three
// runners on one PostgreSQL store, each runner with a pool of its own as
// three machines would have. It reports the 50th and 99th percentile of lateness in
// seconds and the throughput in posts a second (10,000 over the time from
// due to the last recorded).
//
// The publisher answers at once (instantPublisher) rather than writing the
// outbox: the outbox syncs three times per post, and three runners on this
// one machine would share one disk where three machines would have one
// each, so its figures would be the disk's, not the store's. Both stores
// are as campaignkit opens them, with one difference the figures carry:
// the test cluster runs PostgreSQL with fsync off (see pgtest), while the
// SQLite store syncs each commit (synchronous=FULL) on the temp folder's
// disk.
func BenchmarkBurst10k(b *testing.B) {
	const n = 10000
	ctx := context.Background()
	pubs := map[string]publish.Publisher{"outbox": instantPublisher{}}
	burst := func(b *testing.B, open func(b *testing.B) []queue.Store) {
		var late []time.Duration
		var spans []time.Duration
		for b.Loop() {
			b.StopTimer()
			stores := open(b)
			at := time.Now().Add(2 * time.Second).Truncate(time.Millisecond)
			posts := make([]queue.Post, n)
			for i := range posts {
				posts[i] = queue.Post{ID: fmt.Sprintf("burst-%05d", i), Source: queue.AdHoc, Channel: "outbox", Lang: "en", At: at, Text: "International Migrants Day"}
			}
			if _, err := stores[0].Enqueue(ctx, time.Now(), posts); err != nil {
				b.Fatal(err)
			}
			run, stop := context.WithCancel(ctx)
			done := make(chan error, len(stores))
			for _, st := range stores {
				r, err := New(Config{Store: st, Now: time.Now, Publishers: pubs})
				if err != nil {
					b.Fatal(err)
				}
				go func() { done <- r.Run(run) }() // ends with run, waited for below
			}
			time.Sleep(time.Until(at)) // the runners sleep until then too
			b.StartTimer()
			for { // until nothing waits or is in flight
				left, err := stores[0].List(ctx, queue.Filter{States: []queue.State{queue.Planned, queue.Claimed, queue.Failed}, Limit: 1})
				if err != nil {
					b.Fatal(err)
				}
				if len(left) == 0 {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			b.StopTimer()
			stop()
			for range stores {
				<-done
			}
			got, err := stores[0].List(ctx, queue.Filter{States: []queue.State{queue.Published}})
			if err != nil {
				b.Fatal(err)
			}
			if len(got) != n {
				b.Fatalf("published %d posts, want %d", len(got), n)
			}
			var last time.Time
			for _, p := range got {
				late = append(late, p.Updated.Sub(at))
				if p.Updated.After(last) {
					last = p.Updated
				}
			}
			spans = append(spans, last.Sub(at))
			for _, st := range stores {
				st.Close()
			}
			b.StartTimer()
		}
		slices.Sort(late)
		var total time.Duration
		for _, s := range spans {
			total += s
		}
		b.ReportMetric(late[len(late)/2].Seconds(), "p50-s")
		b.ReportMetric(late[len(late)*99/100].Seconds(), "p99-s")
		b.ReportMetric(float64(n*len(spans))/total.Seconds(), "posts/s")
	}
	b.Run("sqlite-1-runner", func(b *testing.B) {
		burst(b, func(b *testing.B) []queue.Store {
			st, err := queue.OpenSQLite(ctx, filepath.Join(b.TempDir(), queue.FileName))
			if err != nil {
				b.Fatal(err)
			}
			return []queue.Store{st}
		})
	})
	postgresRunners := func(runners int) func(b *testing.B) []queue.Store {
		return func(b *testing.B) []queue.Store {
			url := pgtest.URL(b)
			var stores []queue.Store
			for range runners {
				st, err := postgres.Open(ctx, url)
				if err != nil {
					b.Fatal(err)
				}
				stores = append(stores, st)
			}
			return stores
		}
	}
	// One runner on PostgreSQL tells the store's cost apart from what the
	// second and third runners add.
	b.Run("postgres-1-runner", func(b *testing.B) { burst(b, postgresRunners(1)) })
	b.Run("postgres-3-runners", func(b *testing.B) { burst(b, postgresRunners(3)) })
}
