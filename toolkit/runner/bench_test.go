package runner

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
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
