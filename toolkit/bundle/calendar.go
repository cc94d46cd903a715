package bundle

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// postDuration is how long a post's calendar entry lasts: long enough to
// see and to publish by hand.
const postDuration = "PT15M"

// Calendar is calendar.ics (RFC 5545): one event per post at its local time
// in its own zone, with the captions as the description, so a team can see
// the campaign week in any calendar application and publish by hand from
// it. An event's UID (see eventUID) stays the same when the post's time is
// edited. stamp is written as every event's DTSTAMP; pass a fixed time (the
// campaign day) so that the same manifest always gives the same bytes.
//
// Each zone the posts use is described by a VTIMEZONE taken from Go's time
// zone data for the years the posts cover (and the next), so applications
// that do not know the zone's name still place the events right.
func Calendar(m *Manifest, stamp time.Time) []byte {
	var w icsWriter
	posts := sortedPosts(m)
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:-//campaignkit//campaignkit//EN")
	w.line("CALSCALE:GREGORIAN")
	w.line("METHOD:PUBLISH")
	w.line("X-WR-CALNAME:" + escapeText(m.Campaign.Name))
	if m.Campaign.Timezone != "" {
		w.line("X-WR-TIMEZONE:" + escapeText(m.Campaign.Timezone))
	}

	// the years each zone must be right for
	type span struct {
		loc      *time.Location
		from, to int
	}
	zones := map[string]*span{}
	for _, p := range posts {
		y := p.local().Year()
		if s, ok := zones[p.Timezone]; ok {
			s.from, s.to = min(s.from, y), max(s.to, y)
		} else {
			zones[p.Timezone] = &span{loc: p.loc, from: y, to: y}
		}
	}
	if len(zones) == 0 && m.Campaign.Timezone != "" {
		// RFC 5545 wants at least one component: the campaign's zone
		if loc, err := time.LoadLocation(m.Campaign.Timezone); err == nil {
			y := stamp.Year()
			if day, err := time.Parse(time.DateOnly, m.Campaign.Day); err == nil {
				y = day.Year()
			}
			zones[m.Campaign.Timezone] = &span{loc: loc, from: y, to: y}
		}
	}
	names := make([]string, 0, len(zones))
	for n := range zones {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := zones[n]
		writeTimezone(&w, n, s.loc, s.from, s.to)
	}

	dtstamp := stamp.UTC().Format("20060102T150405Z")
	for _, p := range posts {
		w.line("BEGIN:VEVENT")
		w.line("UID:" + escapeText(eventUID(m, p.Post)))
		w.line("DTSTAMP:" + dtstamp)
		w.line("DTSTART;TZID=" + paramValue(p.Timezone) + ":" + p.local().Format("20060102T150405"))
		w.line("DURATION:" + postDuration)
		w.line("SUMMARY:" + escapeText(eventSummary(p.Post)))
		w.line("DESCRIPTION:" + escapeText(eventDescription(m, p.Post)))
		w.line("TRANSP:TRANSPARENT")
		w.line("END:VEVENT")
	}
	w.line("END:VCALENDAR")
	return w.b.Bytes()
}

// eventUID is a post's UID, which does not change when the post's time
// does, so that a calendar application that imports the file again moves
// the event instead of adding a second one. A manifest written without
// uids falls back to the post ID, which includes the time.
func eventUID(m *Manifest, p Post) string {
	if p.UID != "" {
		return p.UID
	}
	return p.ID + "@" + m.Campaign.Slug
}

// eventSummary names a post's card, language and channels.
func eventSummary(p Post) string {
	channels := p.Channels
	if len(channels) == 0 {
		channels = captionPlatforms(p)
	}
	s := p.Card + " (" + p.Lang + ")"
	if len(channels) > 0 {
		s += ": " + strings.Join(channels, ", ")
	}
	return s
}

// eventDescription is a post's captions, each under its platform's name,
// then its images.
func eventDescription(m *Manifest, p Post) string {
	var parts []string
	for _, pl := range captionPlatforms(p) {
		parts = append(parts, pl+":\n"+p.Captions[pl])
	}
	alt := postAlt(m, p)
	for i, im := range p.Images {
		s := "Image: " + im
		if alt[i] != "" {
			s += "\nAlt text: " + alt[i]
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n\n")
}

// icsWriter writes content lines with CRLF endings, folded so that no
// physical line is longer than 75 octets and no UTF-8 character is split.
type icsWriter struct {
	b bytes.Buffer
}

func (w *icsWriter) line(s string) {
	n := 0
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		if n+size > 75 {
			w.b.WriteString("\r\n ")
			n = 1
		}
		w.b.WriteString(s[i : i+size])
		n += size
		i += size
	}
	w.b.WriteString("\r\n")
}

// escapeText escapes an iCalendar TEXT value. Line breaks become \n; other
// control characters, which TEXT may not hold, are dropped.
var textEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

func escapeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return textEscaper.Replace(s)
}

// paramValue quotes a parameter value when it holds a character that would
// end it.
func paramValue(s string) string {
	if strings.ContainsAny(s, ":;,") {
		return `"` + strings.ReplaceAll(s, `"`, "") + `"`
	}
	return s
}

// transition is a change of a zone's offset, abbreviation or daylight
// saving at an instant.
type transition struct {
	at       time.Time
	from, to int // UTC offsets in seconds before and after
	name     string
	dst      bool
}

// transitions lists the changes of loc that matter for the years from..to:
// the one that began the period in effect on 1 January of from, then every
// one until the end of the year after to. That extra year makes each kind
// of change appear at least twice, so that a yearly rule shows as one.
func transitions(loc *time.Location, from, to int) []transition {
	begin := time.Date(from, time.January, 1, 0, 0, 0, 0, loc)
	end := time.Date(to+2, time.January, 1, 0, 0, 0, 0, loc)
	at := func(t time.Time) transition {
		_, before := t.Add(-time.Second).In(loc).Zone()
		lt := t.In(loc)
		name, after := lt.Zone()
		return transition{at: t, from: before, to: after, name: name, dst: lt.IsDST()}
	}
	var out []transition
	start, next := begin.ZoneBounds()
	if !start.IsZero() {
		out = append(out, at(start))
	}
	for !next.IsZero() && next.Before(end) {
		out = append(out, at(next))
		_, next = next.In(loc).ZoneBounds()
	}
	return out
}

// writeTimezone writes the VTIMEZONE of a zone for the years from..to. The
// transitions of one kind (same offsets, name and daylight saving) make one
// STANDARD or DAYLIGHT component: with an RRULE when they follow a yearly
// "nth weekday of the month" rule, as most zones' do, else with an RDATE
// for each. A zone that never changed gets one STANDARD component.
func writeTimezone(w *icsWriter, name string, loc *time.Location, from, to int) {
	w.line("BEGIN:VTIMEZONE")
	w.line("TZID:" + name)
	ts := transitions(loc, from, to)
	if len(ts) == 0 {
		zn, off := time.Date(from, time.January, 1, 0, 0, 0, 0, loc).Zone()
		w.line("BEGIN:STANDARD")
		w.line("DTSTART:19700101T000000")
		w.line("TZOFFSETFROM:" + offset(off))
		w.line("TZOFFSETTO:" + offset(off))
		w.line("TZNAME:" + escapeText(zn))
		w.line("END:STANDARD")
		w.line("END:VTIMEZONE")
		return
	}
	type kind struct {
		from, to int
		name     string
		dst      bool
	}
	var order []kind
	groups := map[kind][]time.Time{}
	for _, t := range ts {
		k := kind{t.from, t.to, t.name, t.dst}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		// the onset is written as a local time in the offset before it
		groups[k] = append(groups[k], t.at.In(time.FixedZone("", t.from)))
	}
	for _, k := range order {
		onsets := groups[k]
		comp := "STANDARD"
		if k.dst {
			comp = "DAYLIGHT"
		}
		w.line("BEGIN:" + comp)
		w.line("DTSTART:" + onsets[0].Format("20060102T150405"))
		if rule, ok := yearlyRule(onsets); ok {
			w.line("RRULE:" + rule)
		} else {
			for _, o := range onsets[1:] {
				w.line("RDATE:" + o.Format("20060102T150405"))
			}
		}
		w.line("TZOFFSETFROM:" + offset(k.from))
		w.line("TZOFFSETTO:" + offset(k.to))
		w.line("TZNAME:" + escapeText(k.name))
		w.line("END:" + comp)
	}
	w.line("END:VTIMEZONE")
}

// yearlyRule finds the RRULE that gives exactly these local onset times,
// one a year in consecutive years: the same clock time on the nth (or last)
// given weekday of the same month.
func yearlyRule(onsets []time.Time) (string, bool) {
	if len(onsets) < 2 {
		return "", false
	}
	first := onsets[0]
	nth := func(t time.Time) int { return (t.Day()-1)/7 + 1 }
	last := func(t time.Time) bool { return t.AddDate(0, 0, 7).Month() != t.Month() }
	sameNth, allLast := true, true
	for i, o := range onsets {
		if o.Year() != first.Year()+i || o.Month() != first.Month() || o.Weekday() != first.Weekday() ||
			o.Hour() != first.Hour() || o.Minute() != first.Minute() || o.Second() != first.Second() {
			return "", false
		}
		sameNth = sameNth && nth(o) == nth(first)
		allLast = allLast && last(o)
	}
	day := strings.ToUpper(first.Weekday().String()[:2])
	switch {
	case allLast:
		return fmt.Sprintf("FREQ=YEARLY;BYMONTH=%d;BYDAY=-1%s", first.Month(), day), true
	case sameNth:
		return fmt.Sprintf("FREQ=YEARLY;BYMONTH=%d;BYDAY=%d%s", first.Month(), nth(first), day), true
	}
	return "", false
}

// offset formats a UTC offset as iCalendar's UTC-OFFSET: +HHMM, or +HHMMSS
// when it has seconds.
func offset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	if sec%60 != 0 {
		return fmt.Sprintf("%c%02d%02d%02d", sign, sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec/60%60)
}
