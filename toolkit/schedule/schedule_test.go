package schedule

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/campaignkit/campaignkit/schedules"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/robfig/cron/v3"
)

// testCampaign returns a small valid campaign in zone tz whose week runs
// from start to end; posts is YAML for the posts: list, or "".
func testCampaign(t testing.TB, tz, start, end, day, posts string) *campaign.Campaign {
	t.Helper()
	src := fmt.Sprintf(`name: Test Day
slug: test-day
title: {en: Test Day, fr: Journée test}
tagline: {en: Together, fr: Ensemble}
day: %s
week: {start: %s, end: %s}
timezone: %s
languages: [en, fr]
hashtags: ["#TestDay"]
links: {site: "https://example.org/day"}
cards:
  - id: tag
    kind: hashtag
    tag: "#TestDay"
  - id: countdown
    kind: countdown
    phrase:
      en: {one: "{n} day to go", other: "{n} days to go"}
      fr: {one: "J-{n}", other: "J-{n}"}
    today: {en: "Today!", fr: "Aujourd'hui !"}
%s`, day, start, end, tz, posts)
	c, err := campaign.Parse(nil, "campaign.yaml", []byte(src))
	if err != nil {
		t.Fatalf("test campaign: %v", err)
	}
	return c
}

func mustSchedule(t testing.TB, src string) *Schedule {
	t.Helper()
	s, err := Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatalf("schedule: %v", err)
	}
	return s
}

func TestResolveDST(t *testing.T) {
	tests := []struct {
		zone    string
		local   string
		want    string // UTC
		shifted bool
		twice   bool
	}{
		// America/New_York: spring forward 2026-03-08 02:00 EST -> 03:00 EDT.
		{"America/New_York", "2026-03-08 01:30", "2026-03-08T06:30:00Z", false, false},
		{"America/New_York", "2026-03-08 02:00", "2026-03-08T07:00:00Z", true, false},
		{"America/New_York", "2026-03-08 02:30", "2026-03-08T07:30:00Z", true, false},
		{"America/New_York", "2026-03-08 03:30", "2026-03-08T07:30:00Z", false, false},
		// fall back 2026-11-01 02:00 EDT -> 01:00 EST: 01:xx happens twice.
		{"America/New_York", "2026-11-01 00:30", "2026-11-01T04:30:00Z", false, false},
		{"America/New_York", "2026-11-01 01:00", "2026-11-01T05:00:00Z", false, true},
		{"America/New_York", "2026-11-01 01:30", "2026-11-01T05:30:00Z", false, true},
		{"America/New_York", "2026-11-01 02:30", "2026-11-01T07:30:00Z", false, false},
		// Europe/London: spring forward 2026-03-29 01:00 GMT -> 02:00 BST.
		{"Europe/London", "2026-03-29 00:30", "2026-03-29T00:30:00Z", false, false},
		{"Europe/London", "2026-03-29 01:30", "2026-03-29T01:30:00Z", true, false},
		{"Europe/London", "2026-03-29 02:30", "2026-03-29T01:30:00Z", false, false},
		// fall back 2026-10-25 02:00 BST -> 01:00 GMT.
		{"Europe/London", "2026-10-25 00:30", "2026-10-24T23:30:00Z", false, false},
		{"Europe/London", "2026-10-25 01:30", "2026-10-25T00:30:00Z", false, true},
		{"Europe/London", "2026-10-25 02:30", "2026-10-25T02:30:00Z", false, false},
		// an ordinary winter day
		{"Europe/London", "2026-12-18 09:00", "2026-12-18T09:00:00Z", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.zone+" "+tt.local, func(t *testing.T) {
			loc, err := time.LoadLocation(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			st, _ := parseSlotTime(tt.local)
			got := resolve(st.Wall, loc)
			if g := got.At.UTC().Format(time.RFC3339); g != tt.want {
				t.Errorf("instant: got %s, want %s", g, tt.want)
			}
			if got.Shifted != tt.shifted || got.Twice != tt.twice {
				t.Errorf("shifted, twice: got %v, %v, want %v, %v", got.Shifted, got.Twice, tt.shifted, tt.twice)
			}
		})
	}
}

// TestPlanAcrossDST plans cron slots over weeks that contain a daylight-saving
// change and checks every firing's instant.
func TestPlanAcrossDST(t *testing.T) {
	tests := []struct {
		name       string
		zone       string
		start, end string
		cron       string
		wantCount  int
		wantOnDay  string   // local date to inspect
		wantAtDay  []string // UTC instants of the firings on that day
		wantShifts int
	}{
		{"new york spring 02:30", "America/New_York", "2026-03-06", "2026-03-10", "30 2 * * *", 5,
			"2026-03-08", []string{"2026-03-08T07:30:00Z"}, 1},
		{"new york spring hourly", "America/New_York", "2026-03-08", "2026-03-08", "30 * * * *", 23,
			"2026-03-08", nil, 1},
		{"new york fall 01:30", "America/New_York", "2026-10-30", "2026-11-03", "30 1 * * *", 5,
			"2026-11-01", []string{"2026-11-01T05:30:00Z"}, 0},
		{"new york fall hourly", "America/New_York", "2026-11-01", "2026-11-01", "30 * * * *", 24,
			"2026-11-01", nil, 0},
		{"london spring 01:15", "Europe/London", "2026-03-27", "2026-03-31", "15 1 * * *", 5,
			"2026-03-29", []string{"2026-03-29T01:15:00Z"}, 1},
		{"london fall 01:15", "Europe/London", "2026-10-23", "2026-10-27", "15 1 * * *", 5,
			"2026-10-25", []string{"2026-10-25T00:15:00Z"}, 0},
		{"london noon across fall", "Europe/London", "2026-10-24", "2026-10-26", "0 12 * * *", 3,
			"2026-10-25", []string{"2026-10-25T12:00:00Z"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testCampaign(t, tt.zone, tt.start, tt.end, tt.end, "")
			s := mustSchedule(t, fmt.Sprintf("slots:\n  - id: s\n    cron: %q\n    cards: [tag]\n    repeat: true\n    channels: [outbox]\n    languages: [en]\n", tt.cron))
			plan, err := Plan(c, s)
			if err != nil {
				t.Fatal(err)
			}
			if len(plan) != tt.wantCount {
				t.Fatalf("got %d firings, want %d", len(plan), tt.wantCount)
			}
			seen := map[time.Time]bool{}
			shifts := 0
			var onDay []string
			for i, p := range plan {
				if seen[p.At] {
					t.Errorf("instant %s planned twice", p.At)
				}
				seen[p.At] = true
				if i > 0 && !p.At.After(plan[i-1].At) {
					t.Errorf("plan not in order at %d", i)
				}
				if strings.Contains(p.Note, "spring forward") {
					shifts++
				}
				if strings.HasPrefix(p.Local, tt.wantOnDay) {
					onDay = append(onDay, p.At.Format(time.RFC3339))
				}
				if got := p.At.In(c.Location).Format(campaign.LocalLayout); got != p.Local {
					t.Errorf("local: got %s, want %s", p.Local, got)
				}
			}
			if shifts != tt.wantShifts {
				t.Errorf("got %d spring-forward notes, want %d", shifts, tt.wantShifts)
			}
			if tt.wantAtDay != nil && strings.Join(onDay, " ") != strings.Join(tt.wantAtDay, " ") {
				t.Errorf("on %s: got %v, want %v", tt.wantOnDay, onDay, tt.wantAtDay)
			}
		})
	}
}

// TestPlanMatchesCronOnOrdinaryDays checks the field matching against
// robfig/cron's own Next where no daylight-saving change interferes.
func TestPlanMatchesCronOnOrdinaryDays(t *testing.T) {
	specs := []string{"0 12 * * *", "*/20 9-11 * * *", "0 8 * * mon-fri", "0 9 14,16 * *", "0 9 14 * sat", "@daily", "15 18 * dec *"}
	c := testCampaign(t, "Europe/London", "2026-12-12", "2026-12-18", "2026-12-18", "")
	for _, spec := range specs {
		t.Run(spec, func(t *testing.T) {
			s := mustSchedule(t, fmt.Sprintf("slots:\n  - id: s\n    cron: %q\n    cards: [tag]\n    repeat: true\n    channels: [outbox]\n    languages: [en]\n", spec))
			plan, err := Plan(c, s)
			if err != nil {
				t.Fatal(err)
			}
			sched, err := cron.ParseStandard("CRON_TZ=Europe/London " + spec)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			end := time.Date(2026, 12, 19, 0, 0, 0, 0, c.Location)
			for at := sched.Next(time.Date(2026, 12, 12, 0, 0, 0, 0, c.Location).Add(-time.Second)); at.Before(end); at = sched.Next(at) {
				want = append(want, at.UTC().Format(time.RFC3339))
			}
			var got []string
			for _, p := range plan {
				got = append(got, p.At.Format(time.RFC3339))
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("got %v\nwant %v", got, want)
			}
		})
	}
}

func TestPlanPostsAndRotation(t *testing.T) {
	posts := `posts:
  - id: launch
    card: tag
    at: "2026-12-12 09:00"
    channels: [mastodon, bluesky]
    text: {en: "It starts", fr: "C'est parti"}
    link: site
  - id: day
    at: "2026-12-18 08:00"
    channels: [outbox]
    languages: [fr]
    text: {fr: "C'est le jour"}
`
	c := testCampaign(t, "Europe/Zurich", "2026-12-12", "2026-12-18", "2026-12-18", posts)
	s, err := Load(schedules.FS, "demo-week.yaml")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Plan(c, s)
	if err != nil {
		t.Fatal(err)
	}
	// 2 channels x 2 languages for launch, 1 for day, 7 days x 2 channels x 2 languages for the countdown.
	if got, want := len(plan), 4+1+28; got != want {
		t.Fatalf("got %d planned posts, want %d", got, want)
	}
	ids := map[string]bool{}
	var countdown []string
	for _, p := range plan {
		if ids[p.ID] {
			t.Errorf("duplicate id %s", p.ID)
		}
		ids[p.ID] = true
		if p.Slot == "countdown" && p.Channel == "mastodon" && p.Lang == "en" {
			countdown = append(countdown, p.Local+" "+p.Card+" "+p.Post.Text["en"])
		}
	}
	want := []string{
		"2026-12-12 12:00 countdown-6 6 days to go",
		"2026-12-13 12:00 countdown-5 5 days to go",
		"2026-12-14 12:00 countdown-4 4 days to go",
		"2026-12-15 12:00 countdown-3 3 days to go",
		"2026-12-16 12:00 countdown-2 2 days to go",
		"2026-12-17 12:00 countdown-1 1 day to go",
		"2026-12-18 12:00 countdown-0 Today!",
	}
	if strings.Join(countdown, "\n") != strings.Join(want, "\n") {
		t.Errorf("countdown rotation:\ngot  %q\nwant %q", countdown, want)
	}
	if plan[0].At.Format(time.RFC3339) != "2026-12-12T08:00:00Z" || plan[0].PostID != "launch" {
		t.Errorf("first planned: got %s %s, want launch at 2026-12-12T08:00:00Z", plan[0].PostID, plan[0].At.Format(time.RFC3339))
	}

	// Planning again gives the same IDs; editing text keeps them.
	c2 := testCampaign(t, "Europe/Zurich", "2026-12-12", "2026-12-18", "2026-12-18", strings.Replace(posts, "It starts", "It begins", 1))
	again, err := Plan(c2, s)
	if err != nil {
		t.Fatal(err)
	}
	for i := range plan {
		if again[i].ID != plan[i].ID {
			t.Fatalf("re-plan changed id %d: got %s, want %s", i, again[i].ID, plan[i].ID)
		}
	}
	if err := Caption(c2, again, nil); err != nil {
		t.Fatal(err)
	}
	if got := again[0].Text; !strings.Contains(got, "It begins") || !strings.Contains(got, "#TestDay") || !strings.Contains(got, "https://example.org/day") {
		t.Errorf("caption: got %q", got)
	}
}

// TestPlanOccurrence: a slot's firings are numbered in order, the same on
// every channel and language, and the numbers do not move when the slot's
// time does; a campaign post has none.
func TestPlanOccurrence(t *testing.T) {
	posts := "posts:\n  - id: launch\n    card: tag\n    at: \"2026-12-12 09:00\"\n    channels: [mastodon]\n    text: {en: Go, fr: Go}\n"
	c := testCampaign(t, "Europe/Zurich", "2026-12-12", "2026-12-18", "2026-12-18", posts)
	occurrences := func(cron string) map[string]int {
		t.Helper()
		s := mustSchedule(t, "slots:\n  - id: daily\n    cron: \""+cron+"\"\n    cards: [countdown-2, countdown-1, countdown-0]\n    repeat: true\n    channels: [x, bluesky]\n")
		plan, err := Plan(c, s)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, p := range plan {
			key := p.Slot + " " + p.Local[:10] + " " + p.Card
			if n, ok := got[key]; ok && n != p.Occurrence {
				t.Errorf("%s: occurrence %d on %s %s, %d elsewhere", key, p.Occurrence, p.Channel, p.Lang, n)
			}
			got[key] = p.Occurrence
		}
		return got
	}
	noon, evening := occurrences("0 12 * * *"), occurrences("30 18 * * *")
	for key, want := range map[string]int{
		"post:launch 2026-12-12 tag":   0,
		"daily 2026-12-12 countdown-2": 1, "daily 2026-12-13 countdown-1": 2, "daily 2026-12-14 countdown-0": 3,
		"daily 2026-12-15 countdown-2": 4, "daily 2026-12-18 countdown-2": 7,
	} {
		if got, ok := noon[key]; !ok || got != want {
			t.Errorf("at noon, %s: occurrence %d (planned %t), want %d", key, got, ok, want)
		}
		if got := evening[key]; got != want {
			t.Errorf("at 18:30, %s: occurrence %d, want %d as at noon", key, got, want)
		}
	}
}

func TestScheduleProblems(t *testing.T) {
	c := testCampaign(t, "Europe/London", "2026-12-12", "2026-12-18", "2026-12-18", "")
	tests := []struct {
		name string
		src  string
		want []string // substrings of the error, each with file:line
	}{
		{"bad cron", "slots:\n  - id: a\n    cron: \"61 * * * *\"\n    cards: [tag]\n    channels: [x]\n", []string{"test.yaml:3: slots[0].cron: invalid cron spec"}},
		{"cron with zone", "slots:\n  - id: a\n    cron: \"CRON_TZ=UTC 0 9 * * *\"\n    cards: [tag]\n    channels: [x]\n", []string{"test.yaml:3: slots[0].cron: remove the time zone"}},
		{"every", "slots:\n  - id: a\n    cron: \"@every 1h\"\n    cards: [tag]\n    channels: [x]\n", []string{"@every is not supported"}},
		{"no when", "slots:\n  - id: a\n    cards: [tag]\n    channels: [x]\n", []string{"test.yaml:2: slots[0]: missing: give cron"}},
		{"bad at", "slots:\n  - id: a\n    at: [\"18 Dec 9am\"]\n    cards: [tag]\n    channels: [x]\n", []string{"test.yaml:3: slots[0].at[0]: want a local time"}},
		{"unknown channel and key", "slots:\n  - id: a\n    at: [\"09:00\"]\n    cards: [tag]\n    channels: [myspace]\n    colour: red\n", []string{"test.yaml:5: slots[0].channels[0]: unknown channel \"myspace\"", "test.yaml:6: slots[0].colour: unknown key"}},
		{"cards without channels", "slots:\n  - id: a\n    at: [\"09:00\"]\n    cards: [tag]\n", []string{"slots[0].channels: missing"}},
		{"duplicate id", "slots:\n  - id: a\n    at: [\"09:00\"]\n    cards: [tag]\n    channels: [x]\n  - id: a\n    at: [\"10:00\"]\n    cards: [tag]\n    channels: [x]\n", []string{"test.yaml:6: slots[1].id: id \"a\" is already used"}},
		{"made-up language", "slots:\n  - id: a\n    at: [\"09:00\"]\n    cards: [tag]\n    channels: [x]\n    languages: [en, xx]\n", []string{"test.yaml:6: slots[0].languages[1]: \"xx\" is not a known language tag"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("test.yaml", []byte(tt.src))
			if !toolkit.IsInvalid(err) {
				t.Fatalf("got %v, want an invalid-input error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to contain %q", err, w)
				}
			}
		})
	}

	planTests := []struct {
		name string
		src  string
		want []string
	}{
		{"outside week", "slots:\n  - id: a\n    at: [\"2026-12-20 09:00\"]\n    cards: [tag]\n    channels: [x]\n", []string{"test.yaml:3: slots[0].at[0]: 2026-12-20 09:00 is outside campaign week"}},
		{"never fires", "slots:\n  - id: a\n    cron: \"0 9 1 jan *\"\n    cards: [tag]\n    channels: [x]\n", []string{"test.yaml:3: slots[0].cron: \"0 9 1 jan *\" never fires during campaign week"}},
		{"unknown card and post", "slots:\n  - id: a\n    at: [\"09:00\"]\n    cards: [tag, countdown-9]\n    repeat: true\n    channels: [x]\n  - id: b\n    at: [\"10:00\"]\n    posts: [nope]\n", []string{"test.yaml:4: slots[0].cards[1]: no card \"countdown-9\"", "test.yaml:9: slots[1].posts[0]: no post \"nope\""}},
		{"rotation too short", "slots:\n  - id: a\n    at: [\"09:00\"]\n    cards: [tag]\n    channels: [x]\n", []string{"test.yaml:2: slots[0]: fires 7 times during campaign week but lists 1"}},
		{"language not in campaign", "slots:\n  - id: a\n    at: [\"2026-12-18 09:00\"]\n    cards: [tag]\n    channels: [x]\n    languages: [de]\n", []string{"slots[0].languages[0]: language \"de\" is not one of"}},
	}
	for _, tt := range planTests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustSchedule(t, tt.src)
			_, err := Plan(c, s)
			if !toolkit.IsInvalid(err) {
				t.Fatalf("got %v, want an invalid-input error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestFind(t *testing.T) {
	local := fstest.MapFS{"mine.yaml": {Data: []byte("slots:\n  - id: a\n    at: [\"09:00\"]\n    cards: [tag]\n    repeat: true\n    channels: [x]\n")}}
	for _, name := range []string{"mine", "mine.yaml", "demo-week"} {
		if _, err := Find(local, schedules.FS, name); err != nil {
			t.Errorf("Find(%q): %v", name, err)
		}
	}
	if _, err := Find(local, schedules.FS, "nope"); !toolkit.IsInvalid(err) || !strings.Contains(err.Error(), "demo-week") {
		t.Errorf("Find(nope): got %v, want an error listing demo-week", err)
	}
}

// TestCampaignPostInGap: a campaign post written at a time that does not
// exist follows the same rule as schedule slots (time.ParseInLocation,
// which the campaign loader uses, would move it back an hour instead).
func TestCampaignPostInGap(t *testing.T) {
	posts := `posts:
  - id: early
    at: "2026-03-08 02:30"
    channels: [outbox]
    languages: [en]
    text: {en: "Early bird"}
  - id: twice
    at: "2026-11-01 01:30"
    channels: [outbox]
    languages: [en]
    text: {en: "Once only"}
`
	spring := testCampaign(t, "America/New_York", "2026-03-06", "2026-03-10", "2026-03-10", posts[:strings.Index(posts, "  - id: twice")])
	plan, err := Plan(spring, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) != 1 || plan[0].At.Format(time.RFC3339) != "2026-03-08T07:30:00Z" || plan[0].Local != "2026-03-08 03:30" || !strings.Contains(plan[0].Note, "moved to 03:30") {
		t.Errorf("spring gap: got %+v", plan)
	}
	fall := testCampaign(t, "America/New_York", "2026-10-30", "2026-11-03", "2026-11-03", "posts:\n"+posts[strings.Index(posts, "  - id: twice"):])
	plan, err = Plan(fall, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) != 1 || plan[0].At.Format(time.RFC3339) != "2026-11-01T05:30:00Z" || !strings.Contains(plan[0].Note, "happens twice") {
		t.Errorf("fall overlap: got %+v", plan)
	}
}
