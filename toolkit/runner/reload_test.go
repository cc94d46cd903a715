package runner

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/queue/queuetest"
)

// editedCampaign is the test campaign with slug and posts as given.
func editedCampaign(t *testing.T, slug, posts string) *campaign.Campaign {
	t.Helper()
	src := `name: Test Day
slug: ` + slug + `
title: {en: Test Day}
day: 2026-12-18
week: {start: 2026-12-12, end: 2026-12-18}
timezone: Europe/London
languages: [en]
hashtags: ["#TestDay"]
cards:
  - id: tag
    kind: hashtag
    tag: "#TestDay"
posts:
` + posts
	c, err := campaign.Parse(nil, "campaign.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func post(id, at, text string) string {
	return "  - {id: " + id + ", card: tag, at: \"2026-12-18 " + at + "\", channels: [outbox], text: {en: \"" + text + "\"}}\n"
}

// An edit while the runner runs: a waiting post's text is updated in
// place, a dropped post is cancelled with a reason, a new one is added,
// the post already published is left as it went out, and the next
// publish carries the new text.
func TestReconfigure(t *testing.T) {
	ctx := context.Background()
	v1 := editedCampaign(t, "test-day", post("early", "08:00", "Early")+post("hello", "09:00", "Hello")+post("bye", "10:00", "Bye"))
	h := newHarness(t, due.Add(-time.Hour), nil, func(c *Config) { c.Campaign = v1 })
	if err := h.r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	h.tick(t) // early goes out
	v2 := editedCampaign(t, "test-day", post("early", "08:00", "Early, edited")+post("hello", "09:00", "Hello again")+post("later", "11:00", "Later"))
	got, err := h.r.Reconfigure(ctx, v2, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (queue.Counts{Added: 1, Updated: 1, Kept: 1, Cancelled: 1}); got != want {
		t.Errorf("counts: got %+v, want %+v", got, want)
	}
	q := queuetest.ByPostID(t, h.store, queue.Filter{})
	for _, tt := range []struct {
		id    string
		state queue.State
		text  string
	}{
		{"early", queue.Published, "Early\n"},
		{"hello", queue.Planned, "Hello again"},
		{"bye", queue.Cancelled, "Bye"},
		{"later", queue.Planned, "Later"},
	} {
		p := q[tt.id]
		if p.State != tt.state || !strings.Contains(p.Text, tt.text) {
			t.Errorf("post %s: got %s %q, want %s with %q", tt.id, p.State, p.Text, tt.state, tt.text)
		}
	}
	if r := q["bye"].Reason; !strings.Contains(r, "no longer in the plan") {
		t.Errorf("cancelled post's reason: got %q, want it to say the plan changed", r)
	}
	h.clock.Set(due)
	h.tick(t)
	if n := h.pub.count(); n != 2 || !strings.Contains(h.pub.calls[1].Text, "Hello again") {
		t.Errorf("after the edit: %d publishes, last %q, want the edited text", n, h.pub.calls[n-1].Text)
	}
}

// A campaign that cannot be planned, or that renames the campaign, is
// refused and changes nothing: the queue and the runner's plan stay.
func TestReconfigureRefused(t *testing.T) {
	ctx := context.Background()
	v1 := editedCampaign(t, "test-day", post("hello", "09:00", "Hello"))
	h := newHarness(t, due.Add(-time.Hour), nil, func(c *Config) { c.Campaign = v1 })
	if err := h.r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	renamed := editedCampaign(t, "renamed-day", post("hello", "09:00", "Hello, renamed"))
	if _, err := h.r.Reconfigure(ctx, renamed, nil, nil); !errors.Is(err, ErrSlugChanged) {
		t.Errorf("a renamed campaign: got %v, want ErrSlugChanged", err)
	}
	elsewhere := editedCampaign(t, "test-day", strings.Replace(post("hello", "09:00", "Hello, elsewhere"), "[outbox]", "[mastodon]", 1))
	if _, err := h.r.Reconfigure(ctx, elsewhere, nil, nil); err == nil || !strings.Contains(err.Error(), `"mastodon", which has no publisher`) {
		t.Errorf("a channel without a publisher: got %v, want it refused", err)
	}
	q := queuetest.ByPostID(t, h.store, queue.Filter{})
	if p := q["hello"]; len(q) != 1 || p.State != queue.Planned || !strings.Contains(p.Text, "Hello\n") {
		t.Errorf("queue after refused edits: %+v, want hello planned as it was", q)
	}
	counts, err := h.r.Replan(ctx)
	if err != nil || counts != (queue.Counts{Unchanged: 1}) {
		t.Errorf("replan after refused edits: %+v, %v; want the old plan, unchanged", counts, err)
	}
}

// Card images rendered before an edit are forgotten, and later ones come
// from the images function the edit gave.
func TestReconfigureImages(t *testing.T) {
	ctx := context.Background()
	images := func(name string) ImagesFunc {
		return func(ctx context.Context, card, lang, channel string) ([]publish.Image, error) {
			return []publish.Image{{Path: name + ".png", Alt: card}}, nil
		}
	}
	h := newHarness(t, due.Add(-time.Hour), nil, func(c *Config) { c.Images = images("before") })
	if err := h.r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.r.images.get(ctx, "tag", "en", "outbox"); got[0].Path != "before.png" {
		t.Fatalf("before the edit: got %v", got)
	}
	if _, err := h.r.Reconfigure(ctx, testCampaign(t), nil, images("after")); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.r.images.get(ctx, "tag", "en", "outbox"); got[0].Path != "after.png" {
		t.Errorf("after the edit: got %v, want the image drawn again", got)
	}
}

// Reconfigure while Run's loops run (for the race detector): the edit
// reaches the queue and the daemon goes on.
func TestReconfigureWhileRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		store := openStore(t)
		r, err := New(Config{Campaign: testCampaign(t), Store: store, Now: time.Now,
			Publishers: map[string]publish.Publisher{"outbox": &fakePublisher{NameFn: "outbox"}}})
		if err != nil {
			t.Fatal(err)
		}
		d := startRun(ctx, r)
		time.Sleep(2 * time.Second)
		for i, text := range []string{"One", "Two", "Three"} {
			c := editedCampaign(t, "test-day", post("hello", "09:00", text))
			if _, err := r.Reconfigure(ctx, c, nil, nil); err != nil {
				t.Fatalf("edit %d: %v", i, err)
			}
			time.Sleep(1500 * time.Millisecond)
		}
		synctest.Wait()
		if p := queuetest.ByPostID(t, store, queue.Filter{})["hello"]; !strings.Contains(p.Text, "Three") {
			t.Errorf("queued text: got %q, want the last edit's", p.Text)
		}
		d.stopCleanly(t)
	})
}
