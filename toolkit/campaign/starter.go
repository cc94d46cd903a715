package campaign

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/campaignkit/campaignkit/toolkit"
	"golang.org/x/text/unicode/norm"
)

// Starter is what a new campaign is made from: the essentials a
// communications officer knows before anything else.
type Starter struct {
	Name      string    // the campaign's name; "" for a placeholder to replace
	Slug      string    // names dist/<slug>; "" to make it from Name
	Languages []string  // the first is the language texts are written in
	Day       time.Time // the awareness day
	Theme     string    // a built-in theme, or one in themes/ beside the file
	Timezone  string    // IANA zone posts are planned in
	Logo      string    // the logo file beside the campaign file
}

// StarterWeek is the campaign week of a new campaign: from four days
// before the day to two days after it, so the countdown has five cards
// and there are days to thank people afterwards.
func StarterWeek(day time.Time) (start, end time.Time) {
	return day.AddDate(0, 0, -4), day.AddDate(0, 0, 2)
}

// NewCampaignFile writes the campaign file of a new campaign: every text
// is a placeholder in the first language that says what to write, marked
// "# REPLACE"; the other languages are listed as pending, with no texts
// yet, so the campaign lints clean and builds in its first language until
// translations are imported (campaignkit translations export/import) and
// each language is taken off the pending list.
func NewCampaignFile(s Starter) []byte {
	var b bytes.Buffer
	src := s.Languages[0]
	name, nameNote := s.Name, ""
	if name == "" {
		name, nameNote = "My Awareness Day", "  # REPLACE: your campaign's name"
	}
	slug := s.Slug
	if slug == "" {
		slug = Slugify(name)
		if s.Name == "" {
			slug = "my-campaign"
		}
	}
	tag := HashtagOf(name)
	start, end := StarterWeek(s.Day)
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	q := toolkit.QuoteYAML
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	w("# %s: a campaign file made by `campaignkit init`.\n", name)
	w("#\n")
	w("# Texts are written in %s, the first language; replace each line marked\n", src)
	w("# REPLACE with your own words. Languages listed under pending have no texts\n")
	w("# yet: they are left out of builds until translated. To translate:\n")
	w("#   campaignkit translations export -c campaign.yaml --lang LANG --format xliff > LANG.xlf\n")
	w("#   campaignkit translations import -c campaign.yaml LANG.xlf\n")
	w("# then take LANG off the pending list. Check and build with:\n")
	w("#   campaignkit lint -c campaign.yaml\n")
	w("#   campaignkit build -c campaign.yaml\n\n")
	w("name: %s%s\n", q(name), nameNote)
	w("slug: %s  # names the output folder dist/<slug>\n", slug)
	w("title:\n  %s: %s  # REPLACE: the day's name as the cards show it\n", src, q(name))
	w("tagline:\n  %s: %s  # REPLACE\n", src, q("Your theme of the year"))
	w("day: %s\n", day(s.Day))
	w("week: {start: %s, end: %s}\n", day(start), day(end))
	w("timezone: %s\n", s.Timezone)
	w("languages: [%s]\n", strings.Join(s.Languages, ", "))
	if len(s.Languages) > 1 {
		w("pending: [%s]  # still to translate; remove a language once its texts are in\n", strings.Join(s.Languages[1:], ", "))
	}
	w("theme: %s\n", s.Theme)
	w("logo: %s  # REPLACE: a placeholder; put your logo (PNG or JPEG) here\n", s.Logo)
	w("hashtags: [%s]  # REPLACE\n", q(tag))
	w("links:\n  site: https://example.org/  # REPLACE: your campaign page\n\n")
	w("cards:\n")
	w("  - id: hashtag\n    kind: hashtag\n    tag: %s\n", q(tag))
	w("    text:\n      %s: %s  # REPLACE\n\n", src, q("One line that says why the day matters."))
	w("  - id: quote\n    kind: quote\n")
	w("    quote:\n      %s: %s  # REPLACE\n", src, q("A short quotation from someone your audience trusts."))
	w("    speaker:\n      %s: %s  # REPLACE\n", src, q("Their name"))
	w("    role:\n      %s: %s  # REPLACE\n\n", src, q("Their role"))
	w("  - id: stat\n    kind: stat\n")
	w("    figure:\n      %s: %s  # REPLACE\n", src, q("1 in 10"))
	w("    label:\n      %s: %s  # REPLACE\n", src, q("people this figure counts"))
	w("    source:\n      %s: %s  # REPLACE\n\n", src, q("Source: who published the figure, and when"))
	w("  # one card per day of the week up to the day: {n} is the days left\n")
	w("  - id: countdown\n    kind: countdown\n")
	w("    phrase:\n      %s:\n        one: %s  # REPLACE\n        other: %s  # REPLACE\n", src, q("{n} day to go"), q("{n} days to go"))
	w("    today:\n      %s: %s  # REPLACE\n\n", src, q("Today is the day"))
	w("# Posts: a card at a local time in campaign week, where it goes, and its\n")
	w("# caption per language; hashtags, handle and link are added to it.\n")
	w("posts:\n")
	w("  - id: launch\n    card: hashtag\n    at: %q\n    channels: [mastodon, bluesky, linkedin]\n    link: site\n", day(start)+" 09:00")
	w("    text:\n      %s: %s  # REPLACE\n\n", src, q("Our campaign week starts today: share the cards and join in."))
	w("  - id: the-day\n    card: countdown-0\n    at: %q\n    channels: [mastodon, bluesky, linkedin]\n    link: site\n", day(s.Day)+" 09:00")
	w("    text:\n      %s: %s  # REPLACE\n", src, q("Today is the day. Tell us what you are doing for it."))
	return b.Bytes()
}

// Slugify makes a slug (lowercase ASCII letters, digits and single
// dashes) from a name, dropping accents (Día becomes dia); "my-campaign"
// when the name has no such character.
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "my-campaign"
	}
	return b.String()
}

// HashtagOf makes a CamelCase hashtag from a name: "World Ocean Day 2027"
// gives #WorldOceanDay2027; accents are kept, other characters dropped.
func HashtagOf(name string) string {
	var b strings.Builder
	b.WriteByte('#')
	for _, word := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		r := []rune(word)
		b.WriteString(strings.ToUpper(string(r[0])) + string(r[1:]))
	}
	if b.Len() == 1 {
		return "#OurDay"
	}
	return b.String()
}
