package bundle

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/schedules"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
)

func parseCalendar(t *testing.T, data []byte) *ical.Calendar {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		t.Fatalf("calendar does not parse: %v\n%s", err, data)
	}
	return cal
}

func TestCalendarEvents(t *testing.T) {
	m := testManifest()
	data := Calendar(m, testStamp)
	cal := parseCalendar(t, data)
	for _, want := range []struct{ prop, value string }{
		{ical.PropVersion, "2.0"}, {ical.PropProductID, "-//campaignkit//campaignkit//EN"},
		{ical.PropCalendarScale, "GREGORIAN"}, {"X-WR-CALNAME", "International Migrants Day\\, 2026"},
	} {
		if p := cal.Props.Get(want.prop); p == nil || p.Value != want.value {
			t.Errorf("calendar %s = %v, want %q", want.prop, p, want.value)
		}
	}
	events := cal.Events()
	if got, want := len(events), len(m.Posts); got != want {
		t.Fatalf("got %d events, want %d", got, want)
	}
	byUID := map[string]ical.Event{}
	for _, e := range events {
		uid, _ := e.Props.Text(ical.PropUID)
		byUID[uid] = e
	}
	for _, p := range m.Posts {
		uid := p.ID + "@" + m.Campaign.Slug
		e, ok := byUID[uid]
		if !ok {
			t.Errorf("no event with UID %q", uid)
			continue
		}
		start, err := e.DateTimeStart(nil)
		if err != nil {
			t.Errorf("%s: DTSTART: %v", uid, err)
		} else if got := start.UTC().Format(time.RFC3339); got != p.At {
			t.Errorf("%s: DTSTART is %s, want %s", uid, got, p.At)
		}
		if tz := e.Props.Get(ical.PropDateTimeStart).Params.Get(ical.PropTimezoneID); tz != p.Timezone {
			t.Errorf("%s: DTSTART TZID %q, want %q", uid, tz, p.Timezone)
		}
		if got := start.Format("2006-01-02T15:04"); got != p.Local {
			t.Errorf("%s: local start %s, want %s", uid, got, p.Local)
		}
		stamp, err := e.Props.DateTime(ical.PropDateTimeStamp, nil)
		if err != nil || !stamp.Equal(testStamp) {
			t.Errorf("%s: DTSTAMP %v (%v), want %v", uid, stamp, err, testStamp)
		}
		end, err := e.DateTimeEnd(nil)
		if err != nil || end.Sub(start) != 15*time.Minute {
			t.Errorf("%s: ends %v after it starts (%v), want 15m", uid, end.Sub(start), err)
		}
		if got, _ := e.Props.Text(ical.PropSummary); got != eventSummary(p) {
			t.Errorf("%s: SUMMARY %q, want %q", uid, got, eventSummary(p))
		}
		desc, err := e.Props.Text(ical.PropDescription)
		if err != nil {
			t.Errorf("%s: DESCRIPTION: %v", uid, err)
		}
		if want := eventDescription(m, p); desc != want {
			t.Errorf("%s: DESCRIPTION unescaped\n got %q\nwant %q", uid, desc, want)
		}
		for pl, c := range p.Captions {
			if !strings.Contains(desc, pl+":\n"+c+"") {
				t.Errorf("%s: the description lacks the %s caption %q", uid, pl, c)
			}
		}
	}
	if again := Calendar(m, testStamp); !bytes.Equal(data, again) {
		t.Error("the same manifest gave two different calendars")
	}
}

// TestCalendarTimezones checks each zone's VTIMEZONE against Go's time zone
// data: for every half hour of the years the posts cover, the offset the
// VTIMEZONE gives (its STANDARD and DAYLIGHT onsets expanded from their
// DTSTART, RRULE and RDATEs) is Go's.
func TestCalendarTimezones(t *testing.T) {
	cases := []struct {
		name, zone string
		at         []string // post times, UTC
		daylight   bool     // has a DAYLIGHT component
		rdate      bool     // the rules changed: RDATEs, not an RRULE
	}{
		{"New York", "America/New_York", []string{"2026-03-08T06:30:00Z", "2026-07-04T15:00:00Z", "2026-11-01T05:30:00Z", "2026-12-18T14:00:00Z"}, true, false},
		{"New York before 2007", "America/New_York", []string{"2006-12-18T14:00:00Z"}, true, true},
		{"London", "Europe/London", []string{"2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-10-25T00:30:00Z", "2026-12-18T09:00:00Z"}, true, false},
		{"Shanghai", "Asia/Shanghai", []string{"2026-12-18T01:00:00Z", "2026-06-18T01:00:00Z"}, false, false},
		{"Sydney", "Australia/Sydney", []string{"2026-12-18T22:00:00Z", "2027-01-05T22:00:00Z", "2027-04-04T15:30:00Z"}, true, false},
		{"Lord Howe", "Australia/Lord_Howe", []string{"2026-12-18T22:00:00Z"}, true, false}, // a half-hour shift
		{"UTC", "UTC", []string{"2026-12-18T09:00:00Z"}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			loc, err := time.LoadLocation(c.zone)
			if err != nil {
				t.Fatal(err)
			}
			m := &Manifest{Campaign: ManifestCampaign{Name: "Zones", Slug: "zones", Timezone: c.zone, Languages: []string{"en"}}}
			for i, at := range c.at {
				m.Posts = append(m.Posts, Post{ID: fmt.Sprint(i), At: at, Timezone: c.zone, Lang: "en", Card: "c", Captions: map[string]string{"x": "hi"}})
			}
			cal := parseCalendar(t, Calendar(m, testStamp))
			var vtz *ical.Component
			for _, child := range cal.Children {
				if child.Name == ical.CompTimezone {
					if vtz != nil {
						t.Fatal("two VTIMEZONEs for one zone")
					}
					vtz = child
				}
			}
			if vtz == nil {
				t.Fatal("no VTIMEZONE")
			}
			if id, _ := vtz.Props.Text(ical.PropTimezoneID); id != c.zone {
				t.Errorf("TZID %q, want %q", id, c.zone)
			}
			var standard, daylight, rdates int
			var onsets []onset
			for _, sub := range vtz.Children {
				switch sub.Name {
				case ical.CompTimezoneStandard:
					standard++
				case ical.CompTimezoneDaylight:
					daylight++
				default:
					t.Errorf("unexpected %s in VTIMEZONE", sub.Name)
				}
				onsets = append(onsets, expandObservance(t, sub, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))...)
				if sub.Props.Get(ical.PropRecurrenceDates) != nil {
					rdates++
				}
			}
			if (rdates > 0) != c.rdate {
				t.Errorf("%d components with RDATEs, want RDATEs %v", rdates, c.rdate)
			}
			if standard == 0 || (daylight > 0) != c.daylight {
				t.Errorf("%d STANDARD and %d DAYLIGHT components, want daylight saving %v", standard, daylight, c.daylight)
			}
			if !c.daylight && standard != 1 {
				t.Errorf("%d STANDARD components for a zone without daylight saving, want 1", standard)
			}
			// every half hour of the years the posts cover and the next
			var first, last int
			for i, at := range c.at {
				y := mustTime(t, at).In(loc).Year()
				if i == 0 || y < first {
					first = y
				}
				last = max(last, y)
			}
			from := time.Date(first, 1, 1, 0, 0, 0, 0, loc)
			to := time.Date(last+2, 1, 1, 0, 0, 0, 0, loc)
			bad := 0
			for at := from; at.Before(to) && bad < 5; at = at.Add(30 * time.Minute) {
				_, want := at.In(loc).Zone()
				if got, ok := offsetAt(onsets, at); !ok || got != want {
					t.Errorf("at %s the VTIMEZONE gives offset %d (found %v), Go gives %d", at.UTC().Format(time.RFC3339), got, ok, want)
					bad++
				}
			}
		})
	}
}

// onset is when an observance of a VTIMEZONE begins, and its offset.
type onset struct {
	at     time.Time
	offset int
}

// expandObservance lists the onsets of a STANDARD or DAYLIGHT component
// until end: its DTSTART, the RRULE's occurrences and each RDATE, all
// local times in the offset before the change (TZOFFSETFROM).
func expandObservance(t *testing.T, c *ical.Component, end time.Time) []onset {
	t.Helper()
	from := parseOffset(t, c.Props.Get(ical.PropTimezoneOffsetFrom).Value)
	to := parseOffset(t, c.Props.Get(ical.PropTimezoneOffsetTo).Value)
	before := time.FixedZone("before", from)
	start, err := c.Props.DateTime(ical.PropDateTimeStart, before)
	if err != nil {
		t.Fatalf("%s DTSTART: %v", c.Name, err)
	}
	out := []onset{{start, to}}
	set, err := c.RecurrenceSet(before)
	if err != nil {
		t.Fatalf("%s RRULE: %v", c.Name, err)
	}
	if set != nil {
		for _, at := range set.Between(start, end, false) {
			out = append(out, onset{at, to})
		}
	}
	for _, p := range c.Props.Values(ical.PropRecurrenceDates) {
		at, err := p.DateTime(before)
		if err != nil {
			t.Fatalf("%s RDATE: %v", c.Name, err)
		}
		out = append(out, onset{at, to})
	}
	return out
}

func offsetAt(onsets []onset, at time.Time) (int, bool) {
	var best *onset
	for i := range onsets {
		o := &onsets[i]
		if !o.at.After(at) && (best == nil || o.at.After(best.at)) {
			best = o
		}
	}
	if best == nil {
		return 0, false
	}
	return best.offset, true
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func parseOffset(t *testing.T, s string) int {
	t.Helper()
	var h, m, sec int
	if len(s) != 5 && len(s) != 7 || (s[0] != '+' && s[0] != '-') {
		t.Fatalf("bad UTC offset %q", s)
	}
	fmt.Sscanf(s[1:3], "%d", &h)
	fmt.Sscanf(s[3:5], "%d", &m)
	if len(s) == 7 {
		fmt.Sscanf(s[5:7], "%d", &sec)
	}
	n := h*3600 + m*60 + sec
	if s[0] == '-' {
		n = -n
	}
	return n
}

// TestCalendarFolding checks the lines of a calendar with long Arabic and
// Chinese captions: CRLF everywhere, no physical line over 75 octets, no
// UTF-8 character split, and the text unchanged once unfolded.
func TestCalendarFolding(t *testing.T) {
	m := testManifest()
	long := map[string]string{
		"ar": strings.Repeat("يمكن لكل واحد منا أن يؤدي دوراً، ", 30),
		"zh": strings.Repeat("我们每个人都可以发挥作用；", 40),
		"en": strings.Repeat("x", 74) + "é" + strings.Repeat("🌍", 30),
	}
	for i := range m.Posts {
		m.Posts[i].Captions["facebook"] = long[m.Posts[i].Lang]
	}
	data := Calendar(m, testStamp)
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Error("the calendar does not end with CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
	folded := 0
	for i, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets long, over 75: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 character: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") {
			folded++
		}
	}
	if folded < 50 {
		t.Errorf("only %d continuation lines: the long captions were not folded", folded)
	}
	cal := parseCalendar(t, data)
	for _, e := range cal.Events() {
		desc, _ := e.Props.Text(ical.PropDescription)
		uid, _ := e.Props.Text(ical.PropUID)
		lang := strings.Split(uid, "-")[1]
		if !strings.Contains(desc, "facebook:\n"+long[lang]) {
			t.Errorf("%s: the long caption did not survive folding", uid)
		}
	}
}

func TestEscapeText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{`a\b`, `a\\b`},
		{"a;b,c", `a\;b\,c`},
		{"one\ntwo\r\nthree\rfour", `one\ntwo\nthree\nfour`},
		{"tab\tbell\a", "tab\tbell"},
		{"\xff", "\uFFFD"},
		{"دوراً، 作用；", "دوراً، 作用；"},
	}
	for _, c := range cases {
		if got := escapeText(c.in); got != c.want {
			t.Errorf("escapeText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestOffset(t *testing.T) {
	cases := []struct {
		sec  int
		want string
	}{{0, "+0000"}, {3600, "+0100"}, {-18000, "-0500"}, {37800, "+1030"}, {-(4*3600 + 56*60 + 2), "-045602"}}
	for _, c := range cases {
		if got := offset(c.sec); got != c.want {
			t.Errorf("offset(%d) = %q, want %q", c.sec, got, c.want)
		}
	}
}

// TestCalendarWithoutPosts checks that a calendar with no posts still has
// a component, as RFC 5545 asks: the campaign's time zone.
func TestCalendarWithoutPosts(t *testing.T) {
	m := testManifest()
	m.Posts = nil
	cal := parseCalendar(t, Calendar(m, testStamp))
	if len(cal.Events()) != 0 || len(cal.Children) != 1 || cal.Children[0].Name != ical.CompTimezone {
		t.Errorf("components %v, want the campaign's VTIMEZONE alone", cal.Children)
	}
}

// demoCalendar plans the demo campaign, with its campaign file edited by
// edit and the demo-week schedule by editSchedule, and returns
// calendar.ics's events by UID with the UTC instant each starts at.
func demoCalendar(t *testing.T, edit, editSchedule func(string) string) map[string]string {
	t.Helper()
	src, err := fs.ReadFile(assets.Demo, assets.DemoFile)
	if err != nil {
		t.Fatal(err)
	}
	c, err := campaign.Parse(assets.Demo, assets.DemoFile, []byte(edit(string(src))))
	if err != nil {
		t.Fatal(err)
	}
	ssrc, err := fs.ReadFile(schedules.FS, "demo-week.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := schedule.Parse("demo-week.yaml", []byte(editSchedule(string(ssrc))))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := schedule.Plan(c, s)
	if err != nil {
		t.Fatal(err)
	}
	posts, err := ManifestPosts(c, plan, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := &Manifest{Campaign: ManifestCampaign{Name: c.Name, Slug: c.Slug, Day: c.Day.String(), Timezone: c.Timezone, Languages: c.Languages}, Posts: posts}
	events := parseCalendar(t, Calendar(m, testStamp)).Events()
	if len(events) != len(posts) {
		t.Fatalf("%d events for %d posts", len(events), len(posts))
	}
	out := map[string]string{}
	for _, e := range events {
		uid, _ := e.Props.Text(ical.PropUID)
		if _, dup := out[uid]; dup {
			t.Errorf("two events have UID %q", uid)
		}
		start, err := e.DateTimeStart(nil)
		if err != nil {
			t.Fatalf("%s: %v", uid, err)
		}
		out[uid] = start.UTC().Format(time.RFC3339)
	}
	return out
}

// TestCalendarUIDSurvivesTimeEdit: moving a campaign post, or a schedule
// slot, to another time keeps its events' UIDs and changes their start;
// no two events of the demo share a UID.
func TestCalendarUIDSurvivesTimeEdit(t *testing.T) {
	same := func(s string) string { return s }
	before := demoCalendar(t, same, same)
	moved := func(s string) string {
		out := strings.Replace(s, `at: "2026-12-13 10:00"`, `at: "2026-12-13 15:30"`, 1)
		if out == s {
			t.Fatal("the demo's guterres post is no longer at 2026-12-13 10:00")
		}
		return out
	}
	later := func(s string) string {
		out := strings.Replace(s, `cron: "0 12 * * *"`, `cron: "45 17 * * *"`, 1)
		if out == s {
			t.Fatal("the demo-week countdown is no longer at noon")
		}
		return out
	}
	after := demoCalendar(t, moved, later)
	if len(after) != len(before) {
		t.Fatalf("%d events after the edit, %d before", len(after), len(before))
	}
	// the demo's zone is an hour ahead of UTC in December
	for _, tt := range []struct{ uid, before, after string }{
		{"post/guterres/en@migrants-day-2026", "2026-12-13T09:00:00Z", "2026-12-13T14:30:00Z"},
		{"post/guterres/ar@migrants-day-2026", "2026-12-13T09:00:00Z", "2026-12-13T14:30:00Z"},
		{"slot/countdown/1/en@migrants-day-2026", "2026-12-12T11:00:00Z", "2026-12-12T16:45:00Z"},
		{"slot/countdown/7/zh@migrants-day-2026", "2026-12-18T11:00:00Z", "2026-12-18T16:45:00Z"},
		{"post/launch/fr@migrants-day-2026", "2026-12-12T08:00:00Z", "2026-12-12T08:00:00Z"},
	} {
		if got := before[tt.uid]; got != tt.before {
			t.Errorf("before the edit, %s starts %q, want %s", tt.uid, got, tt.before)
		}
		if got := after[tt.uid]; got != tt.after {
			t.Errorf("after the edit, %s starts %q, want %s", tt.uid, got, tt.after)
		}
	}
	for uid := range before {
		if _, ok := after[uid]; !ok {
			t.Errorf("%s is gone after editing times", uid)
		}
	}
}
