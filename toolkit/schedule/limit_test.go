package schedule

import (
	"fmt"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/schedules"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

// everyMinute fires 1440 times a day: 7 days x 1440 x 3 channels x 2
// languages is 60,480 posts.
const everyMinute = `slots:
  - id: small
    at: ["09:00"]
    cards: [tag]
    repeat: true
    channels: [x]
  - id: flood
    cron: "* * * * *"
    cards: [tag]
    repeat: true
    channels: [x, mastodon, bluesky]
`

// TestPlanRefusesAPlanOverTheLimit: the slot that takes the plan over the
// limit is reported at its line, before anything of it is built.
func TestPlanRefusesAPlanOverTheLimit(t *testing.T) {
	c := testCampaign(t, "Europe/London", "2026-12-12", "2026-12-18", "2026-12-18", "")
	s := mustSchedule(t, everyMinute)
	_, err := Plan(c, s)
	if !toolkit.IsInvalid(err) {
		t.Fatalf("got %v, want an invalid-input error", err)
	}
	want := "test.yaml:7: slots[1]: the plan would pass 10000 posts with this slot (it fires 10080 times in campaign week and makes 60480 posts); set limits: {posts: N}"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("got %q, want it to contain %q", err, want)
	}
	// counted, not built: a built plan would allocate per post
	allocs := testing.AllocsPerRun(5, func() { Plan(c, s) })
	if allocs > 2000 {
		t.Errorf("refusing the plan made %.0f allocations; want it refused before the 60,480 posts are built", allocs)
	}
}

func TestPlanLimitCanBeRaised(t *testing.T) {
	c := testCampaign(t, "Europe/London", "2026-12-12", "2026-12-18", "2026-12-18", "limits: {posts: 70000}\n")
	plan, err := Plan(c, mustSchedule(t, everyMinute))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(plan), 7*2+60480; got != want {
		t.Errorf("got %d posts, want %d", got, want)
	}
}

func TestPlanLimitCountsCampaignPosts(t *testing.T) {
	posts := "limits: {posts: 5}\nposts:\n"
	for i := 0; i < 2; i++ {
		posts += fmt.Sprintf("  - id: p%d\n    card: tag\n    at: \"2026-12-14 09:00\"\n    channels: [x, mastodon]\n    text: {en: Hi, fr: Salut}\n", i)
	}
	c := testCampaign(t, "Europe/London", "2026-12-12", "2026-12-18", "2026-12-18", posts)
	_, err := Plan(c, nil)
	if !toolkit.IsInvalid(err) || !strings.Contains(err.Error(), "campaign.yaml:") || !strings.Contains(err.Error(), "posts[1]: the campaign's posts make over 5 planned posts") {
		t.Errorf("got %v, want campaign.yaml:N: posts[1]: ... over 5 planned posts", err)
	}
}

// TestCountMatchesPlan: for ordinary slots (no daylight-saving change, no
// time given twice) the count made without building is the plan's size.
func TestCountMatchesPlan(t *testing.T) {
	c := testCampaign(t, "Europe/London", "2026-12-12", "2026-12-18", "2026-12-18", `posts:
  - id: a
    card: tag
    at: "2026-12-14 09:00"
    channels: [x, mastodon]
    text: {en: Hi, fr: Salut}
  - id: b
    at: "2026-12-15 09:00"
    channels: [outbox]
    languages: [fr]
    text: {fr: Salut}
`)
	s, err := Load(schedules.FS, "demo-week.yaml")
	if err != nil {
		t.Fatal(err)
	}
	extra := mustSchedule(t, `slots:
  - id: cron
    cron: "*/20 9-11 * * mon-fri"
    cards: [tag]
    repeat: true
    channels: [x, bluesky]
  - id: rotate
    at: ["08:00", "2026-12-13 10:00"]
    posts: [a, b, a]
    repeat: true
`)
	for _, s := range []*Schedule{s, extra} {
		plan, err := Plan(c, s)
		if err != nil {
			t.Fatal(err)
		}
		own, err := campaignPosts(c)
		if err != nil {
			t.Fatal(err)
		}
		posts := map[string]campaign.Post{}
		for _, p := range c.Posts {
			posts[p.ID] = p
		}
		counted := own
		for _, sl := range s.Slots {
			n, _ := slotPosts(c, sl, posts)
			counted += n
		}
		if counted != len(plan) {
			t.Errorf("%s: counted %d, planned %d", s.File, counted, len(plan))
		}
	}
}
