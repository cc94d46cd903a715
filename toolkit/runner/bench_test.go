package runner

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
)

// benchPlan returns a campaign and schedule that plan 10,080 posts: one a
// minute for the seven days of campaign week.
func benchPlan(b *testing.B) (*campaign.Campaign, *schedule.Schedule) {
	c, err := campaign.Parse(nil, "campaign.yaml", []byte(`name: Bench
slug: bench
title: {en: Bench}
tagline: {en: Fast}
day: 2026-12-18
week: {start: 2026-12-12, end: 2026-12-18}
timezone: Europe/London
languages: [en]
hashtags: ["#Bench"]
cards:
  - id: tag
    kind: hashtag
    tag: "#Bench"
`))
	if err != nil {
		b.Fatal(err)
	}
	s, err := schedule.Parse("bench.yaml", []byte("slots:\n  - id: every-minute\n    cron: \"* * * * *\"\n    cards: [tag]\n    repeat: true\n    channels: [outbox]\n"))
	if err != nil {
		b.Fatal(err)
	}
	return c, s
}

// BenchmarkPlanEnqueue10k plans 10,080 posts, builds their captions and
// enqueues them into a new SQLite store; then the same again into the
// filled store (a restart's re-plan, nothing changed).
func BenchmarkPlanEnqueue10k(b *testing.B) {
	c, s := benchPlan(b)
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	planAndSync := func(b *testing.B, store queue.Store) queue.Counts {
		plan, err := schedule.PlanCaptioned(c, s, nil)
		if err != nil {
			b.Fatal(err)
		}
		counts, err := store.Sync(ctx, now, c.Slug, QueuePosts(c.Slug, plan))
		if err != nil {
			b.Fatal(err)
		}
		return counts
	}
	b.Run("new", func(b *testing.B) {
		dir := b.TempDir()
		i := 0
		for b.Loop() {
			b.StopTimer()
			store, err := queue.OpenSQLite(ctx, filepath.Join(dir, fmt.Sprintf("q%d.db", i)))
			i++
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if got := planAndSync(b, store); got.Added != 10080 {
				b.Fatalf("added %d, want 10080", got.Added)
			}
			b.StopTimer()
			store.Close()
			b.StartTimer()
		}
	})
	b.Run("replan", func(b *testing.B) {
		store, err := queue.OpenSQLite(ctx, filepath.Join(b.TempDir(), "q.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer store.Close()
		planAndSync(b, store)
		for b.Loop() {
			if got := planAndSync(b, store); got.Unchanged != 10080 {
				b.Fatalf("unchanged %d, want 10080", got.Unchanged)
			}
		}
	})
}

// BenchmarkBurst queues 1,000 outbox posts and 200 webhook posts due at
// the same instant, with a real SQLite store, the real outbox and the real
// signed webhook against a receiver on loopback that answers in 50 ms, runs
// the daemon, and reports how late each channel's posts were published
// (due → the queue records them published): p50 and p99 in seconds.
func BenchmarkBurst(b *testing.B) {
	const outboxPosts, webhookPosts = 1000, 200
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		time.Sleep(50 * time.Millisecond) // the receiver's own work
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	hook, err := publish.NewWebhook(publish.WebhookConfig{URL: srv.URL, Secret: publish.NewSecret("bench")})
	if err != nil {
		b.Fatal(err)
	}
	late := map[string][]time.Duration{}
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		store, err := queue.OpenSQLite(ctx, filepath.Join(dir, queue.FileName))
		if err != nil {
			b.Fatal(err)
		}
		r, err := New(Config{Store: store, Now: time.Now, Publishers: map[string]publish.Publisher{
			"outbox": publish.NewOutbox(filepath.Join(dir, "outbox")), "webhook": hook}})
		if err != nil {
			b.Fatal(err)
		}
		done := make(chan error)
		go func() { done <- r.Run(ctx) }()
		at := time.Now().Add(time.Second).Truncate(time.Millisecond)
		var posts []queue.Post
		for i := range outboxPosts + webhookPosts {
			ch := "outbox"
			if i >= outboxPosts {
				ch = "webhook"
			}
			posts = append(posts, queue.Post{ID: fmt.Sprintf("burst-%04d", i), Source: queue.AdHoc, Channel: ch, Lang: "en", At: at, Text: "International Migrants Day"})
		}
		if _, err := store.Enqueue(ctx, time.Now(), posts); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for {
			got, err := store.List(ctx, queue.Filter{States: []queue.State{queue.Published}})
			if err != nil {
				b.Fatal(err)
			}
			if len(got) == len(posts) {
				for _, p := range got {
					late[p.Channel] = append(late[p.Channel], p.Updated.Sub(at))
				}
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		b.StopTimer()
		cancel()
		<-done
		store.Close()
		b.StartTimer()
	}
	for ch, ds := range late {
		slices.Sort(ds)
		b.ReportMetric(ds[len(ds)/2].Seconds(), ch+"-p50-s")
		b.ReportMetric(ds[len(ds)*99/100].Seconds(), ch+"-p99-s")
	}
}
