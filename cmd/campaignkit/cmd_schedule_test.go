package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// schedCampaign is a campaign with its own posts and the demo-week schedule.
const schedCampaign = `name: Schedule Test
slug: schedule-test
title: {en: Test Day, fr: Journée test}
tagline: {en: Together, fr: Ensemble}
day: 2026-12-18
week: {start: 2026-12-12, end: 2026-12-18}
timezone: America/New_York
languages: [en, fr]
hashtags: ["#TestDay"]
links: {site: "https://example.org/day"}
schedule: demo-week
cards:
  - id: countdown
    kind: countdown
    phrase:
      en: {one: "{n} day to go", other: "{n} days to go"}
      fr: {one: "J-{n}", other: "J-{n}"}
    today: {en: "Today!", fr: "Aujourd'hui !"}
posts:
  - id: launch
    card: countdown-6
    at: "2026-12-12 09:00"
    channels: [outbox]
    text: {en: "It starts", fr: "C'est parti"}
    link: site
`

func TestSchedulePlanAndExport(t *testing.T) {
	dir := t.TempDir()
	path := writeCampaign(t, dir, schedCampaign, nil)
	code, out, errs := runCLI(t, "schedule", "plan", "--campaign", path)
	if code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, errs)
	}
	for _, want := range []string{"LOCAL (America/New_York)", "2026-12-12 09:00", "12-12 14:00Z", "post launch", "countdown-0", "Today!", "30 posts"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
	code, out, errs = runCLI(t, "schedule", "plan", "--campaign", path, "--json")
	if code != 0 {
		t.Fatalf("plan --json: exit %d\n%s", code, errs)
	}
	var plan []map[string]string
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("plan --json: %v", err)
	}
	if len(plan) != 30 || plan[0]["at"] != "2026-12-12T14:00:00Z" || plan[0]["timezone"] != "America/New_York" || !strings.Contains(plan[0]["caption"], "#TestDay") {
		t.Errorf("plan --json: got %d posts, first %v", len(plan), plan[0])
	}

	ics := filepath.Join(dir, "calendar.ics")
	if code, _, errs := runCLI(t, "schedule", "export", "--campaign", path, "--ics", "-o", ics); code != 0 {
		t.Fatalf("export --ics: exit %d\n%s", code, errs)
	}
	data, err := os.ReadFile(ics)
	if err != nil {
		t.Fatal(err)
	}
	// one event per post: launch in two languages, and the countdown's 7
	// firings in two
	if s := string(data); !strings.HasPrefix(s, "BEGIN:VCALENDAR\r\n") || strings.Count(s, "BEGIN:VEVENT") != 16 {
		t.Errorf("ics: got\n%s", s)
	}
	// launch goes to the outbox only, so the rows are the countdown's, on
	// mastodon and bluesky
	code, out, _ = runCLI(t, "schedule", "export", "--campaign", path, "--csv")
	if code != 0 || !strings.HasPrefix(out, "scheduled_at,local_time,timezone,platform,language,card,text,image,") || strings.Count(out, "\r\n2026-") != 28 {
		t.Errorf("export --csv: exit %d\n%s", code, out)
	}
	if code, _, errs := runCLI(t, "schedule", "export", "--campaign", path); code != 2 || !strings.Contains(errs, "exactly one of --ics or --csv") {
		t.Errorf("export without a format: exit %d, %s", code, errs)
	}
}

func TestScheduleBadInput(t *testing.T) {
	tests := []struct {
		name     string
		schedule string // campaign's schedule: value
		file     string // content of my.yaml beside the campaign, if any
		want     []string
	}{
		{"unknown schedule", "nope", "", []string{"campaign.yaml:11: schedule: no schedule \"nope\"", "demo-week"}},
		{"bad cron", "my", "slots:\n  - id: a\n    cron: \"0 25 * * *\"\n    cards: [countdown-1]\n    channels: [x]\n", []string{"my.yaml:3: slots[0].cron: invalid cron spec"}},
		{"outside week", "my", "slots:\n  - id: a\n    at: [\"2027-01-01 09:00\"]\n    cards: [countdown-1]\n    channels: [x]\n", []string{"my.yaml:3: slots[0].at[0]: 2027-01-01 09:00 is outside campaign week"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string][]byte{}
			if tt.file != "" {
				files["my.yaml"] = []byte(tt.file)
			}
			path := writeCampaign(t, dir, strings.Replace(schedCampaign, "schedule: demo-week", "schedule: "+tt.schedule, 1), files)
			code, _, errs := runCLI(t, "schedule", "plan", "--campaign", path)
			if code != 2 {
				t.Fatalf("exit %d, want 2\n%s", code, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
		})
	}
}
