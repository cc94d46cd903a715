package render

import (
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

// TestElementDates checks that cards write the campaign's day and the
// countdown's number the way each language does (CLDR), not in English.
func TestElementDates(t *testing.T) {
	day := campaign.Date{Time: time.Date(2026, 12, 18, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		lang, title, number, phrase string
	}{
		{"en", "Day  ·  18 December", "3", "3 days"},
		{"en-US", "Day  ·  December 18", "3", "3 days"},
		{"fr", "Day  ·  18 décembre", "3", "3 days"},
		{"ar", "Day  ·  18 ديسمبر", "3", "3 days"},
		{"ar-EG", "Day  ·  ١٨ ديسمبر", "٣", "٣ days"},
		{"fa", "Day  ·  ۱۸ دسامبر", "۳", "۳ days"},
	}
	for _, tt := range tests {
		c := &campaign.Campaign{Day: day, Title: campaign.Text{tt.lang: "Day"}}
		card := campaign.Card{ID: "cd-3", Base: "cd", Kind: campaign.Countdown, Days: 3,
			Phrase: campaign.Plural{tt.lang: {"other": "{n} days"}}}
		j := Job{Campaign: c, Card: card, Lang: tt.lang}
		// word joiners keep the date whole when a title wraps; they are
		// not seen
		if got, _ := elementText(j, "title"); strings.ReplaceAll(got, "\u2060", "") != tt.title {
			t.Errorf("%s title: got %q, want %q", tt.lang, got, tt.title)
		}
		if got, _ := elementText(j, "number"); got != tt.number {
			t.Errorf("%s number: got %q, want %q", tt.lang, got, tt.number)
		}
		if got, _ := elementText(j, "text"); got != tt.phrase {
			t.Errorf("%s phrase: got %q, want %q", tt.lang, got, tt.phrase)
		}
		j.Card.Days = 0
		if got, want := mustText(j, "number"), elementTitleDate(tt.title); got != want {
			t.Errorf("%s today's number: got %q, want the date %q", tt.lang, got, want)
		}
	}
}

func mustText(j Job, name string) string { s, _ := elementText(j, name); return s }

func elementTitleDate(title string) string { return title[len("Day  ·  "):] }
