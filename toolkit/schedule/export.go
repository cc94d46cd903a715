package schedule

import (
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

// WriteCSV writes the plan as CSV, one row per planned post, with a header
// row; the caption column is empty unless Caption has run. The same plan
// always gives the same bytes.
func WriteCSV(w io.Writer, plan []Planned) error {
	cw := csv.NewWriter(w)
	rows := [][]string{{"id", "at", "local", "timezone", "channel", "lang", "slot", "card", "post", "caption", "note"}}
	for _, p := range plan {
		rows = append(rows, []string{p.ID, p.At.Format(time.RFC3339), p.Local, p.Zone, p.Channel, p.Lang, p.Slot, p.Card, p.PostID, p.Text, p.Note})
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// WriteICS writes the plan as an iCalendar file: one event per slot and
// instant, listing its channels and languages, so a team can see campaign
// week in its calendar. Stamps come from the plan, not the clock, so the
// same plan always gives the same bytes.
func WriteICS(w io.Writer, c *campaign.Campaign, plan []Planned) error {
	type event struct {
		key         string
		first       Planned
		channels    []string
		langs       []string
		description []string
	}
	var events []*event
	byKey := map[string]*event{}
	for _, p := range plan {
		key := p.Slot + "\x00" + p.At.Format(time.RFC3339) + "\x00" + p.Card + "\x00" + p.PostID
		e := byKey[key]
		if e == nil {
			e = &event{key: key, first: p}
			byKey[key] = e
			events = append(events, e)
		}
		if !slices.Contains(e.channels, p.Channel) {
			e.channels = append(e.channels, p.Channel)
		}
		if !slices.Contains(e.langs, p.Lang) {
			e.langs = append(e.langs, p.Lang)
		}
	}
	bw := bufio.NewWriter(w)
	line := func(s string) { writeFolded(bw, s) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//campaignkit//schedule//EN")
	line("CALSCALE:GREGORIAN")
	line("X-WR-CALNAME:" + icsText(c.Name))
	line("X-WR-TIMEZONE:" + c.Timezone)
	for _, e := range events {
		p := e.first
		sum := sha256.Sum256([]byte(c.Slug + "\x00" + e.key))
		what := p.Card
		if p.PostID != "" {
			what = p.PostID
		}
		stamp := p.At.UTC().Format("20060102T150405Z")
		line("BEGIN:VEVENT")
		line("UID:" + hex.EncodeToString(sum[:12]) + "@campaignkit")
		line("DTSTAMP:" + stamp)
		line("DTSTART:" + stamp)
		line("DURATION:PT15M")
		line("SUMMARY:" + icsText(fmt.Sprintf("%s on %s", what, strings.Join(e.channels, ", "))))
		desc := fmt.Sprintf("%s %s (%s)\nslot: %s\nchannels: %s\nlanguages: %s", p.Local, p.Zone, p.At.Format(time.RFC3339), p.Slot, strings.Join(e.channels, ", "), strings.Join(e.langs, ", "))
		if p.Note != "" {
			desc += "\n" + p.Note
		}
		line("DESCRIPTION:" + icsText(desc))
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write ics: %w", err)
	}
	return nil
}

// icsText escapes a TEXT value (RFC 5545 section 3.3.11).
func icsText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`)
	return r.Replace(s)
}

// writeFolded writes one content line ending in CRLF, folded so no line is
// longer than 75 octets, without splitting a UTF-8 sequence.
func writeFolded(w *bufio.Writer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space of a continuation counts
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}
