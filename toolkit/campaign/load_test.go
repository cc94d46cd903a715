package campaign

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/campaignkit/campaignkit/toolkit"
)

// base is a small valid campaign; tests replace one line of it.
const base = `name: Test campaign
slug: test-2026
title: {en: Test Day, ar: يوم الاختبار}
day: 2026-12-18
week: {start: 2026-12-15, end: 2026-12-18}
timezone: Europe/London
languages: [en, ar]
theme: un-blue
hashtags: ["#TestDay"]
links: {site: "https://example.org/"}
cards:
  - id: q
    kind: quote
    quote: {en: Hello, ar: مرحبا}
    speaker: {en: Ana, ar: آنا}
    role: {en: Host, ar: مضيفة}
  - id: countdown
    kind: countdown
    phrase:
      en: {one: "{n} day to go", other: "{n} days to go"}
      ar: {one: "بقي يوم واحد", two: "بقي يومان", few: "بقيت {n} أيام", other: "بقي {n} يوم"}
posts:
  - id: p1
    card: q
    at: "2026-12-16 09:00"
    channels: [mastodon]
    link: site
    text: {en: Hi, ar: أهلا}
`

func parse(t *testing.T, src string, files fstest.MapFS) (*Campaign, []toolkit.Problem) {
	t.Helper()
	if files == nil {
		files = fstest.MapFS{}
	}
	c, err := Parse(files, "campaign.yaml", []byte(src))
	if err == nil {
		return c, nil
	}
	var ie *toolkit.InvalidError
	if !errors.As(err, &ie) {
		t.Fatalf("want an *InvalidError, got %T: %v", err, err)
	}
	return nil, ie.Problems
}

func TestParseValid(t *testing.T) {
	c, ps := parse(t, base, nil)
	if ps != nil {
		t.Fatalf("valid campaign rejected: %v", ps)
	}
	if c.Location.String() != "Europe/London" || c.Grace.Minutes() != 15 {
		t.Errorf("defaults: zone %v, grace %v", c.Location, c.Grace)
	}
	if got := c.Posts[0].Time.UTC().Format("2006-01-02T15:04Z"); got != "2026-12-16T09:00Z" {
		t.Errorf("post time %s, want 2026-12-16T09:00Z", got)
	}
	if n := len(c.ExpandedCards()); n != 1+4 {
		t.Errorf("%d expanded cards, want the quote and 4 countdown days", n)
	}
}

// Each bad input is reported with its line, its field path and a message
// that says what is allowed.
func TestParseProblems(t *testing.T) {
	tests := []struct {
		name, old, new string
		line           int
		field, msg     string
	}{
		{"unknown key", "theme: un-blue", "theme: un-blue\ncolour: red", 9, "colour", "unknown"},
		{"wrong type", "languages: [en, ar]", "languages: {en: yes}", 7, "languages", ""},
		{"bad slug", "slug: test-2026", "slug: Test 2026", 2, "slug", "lowercase"},
		{"unknown zone", "timezone: Europe/London", "timezone: Mars/Olympus", 6, "timezone", "IANA"},
		{"day outside week", "day: 2026-12-18", "day: 2026-12-25", 4, "day", "outside the week"},
		{"missing translation", "quote: {en: Hello, ar: مرحبا}", "quote: {en: Hello}", 14, "cards[0].quote.ar", "missing translation"},
		{"unknown kind", "kind: quote", "kind: poster", 13, "cards[0].kind", "unknown card kind"},
		{"missing plural form", `en: {one: "{n} day to go", other: "{n} days to go"}`, `en: {one: "{n} day to go"}`, 20, "cards[1].phrase.en", `"other" form`},
		{"phrase without number", `few: "بقيت {n} أيام"`, `few: "بقيت أيام"`, 21, "cards[1].phrase.ar.few", "{n}"},
		{"post outside week", `at: "2026-12-16 09:00"`, `at: "2026-12-20 09:00"`, 25, "posts[0].at", "outside campaign week"},
		{"bad post time", `at: "2026-12-16 09:00"`, `at: "tomorrow"`, 25, "posts[0].at", "local time"},
		{"unknown channel", "channels: [mastodon]", "channels: [myspace]", 26, "posts[0].channels[0]", "unknown channel"},
		{"unknown card", "card: q\n", "card: nope\n", 24, "posts[0].card", `no card "nope"`},
		{"bad link", "link: site", "link: nowhere", 27, "posts[0].link", "key of links"},
		{"bad hashtag", `hashtags: ["#TestDay"]`, `hashtags: ["#Test-Day"]`, 9, "hashtags[0]", "letters, digits"},
		{"photo escapes", "role: {en: Host, ar: مضيفة}", "role: {en: Host, ar: مضيفة}\n    portrait: ../../etc/passwd", 17, "cards[0].portrait", "inside its folder"},
		{"missing photo file", "role: {en: Host, ar: مضيفة}", "role: {en: Host, ar: مضيفة}\n    portrait: me.png", 17, "cards[0].portrait", "cannot read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(base, tt.old) {
				t.Fatalf("test setup: %q not in base", tt.old)
			}
			_, ps := parse(t, strings.Replace(base, tt.old, tt.new, 1), nil)
			if ps == nil {
				t.Fatal("accepted, want a problem")
			}
			for _, p := range ps {
				if p.Field == tt.field && strings.Contains(p.Msg, tt.msg) {
					if p.Line != tt.line {
						t.Errorf("line %d, want %d (%v)", p.Line, tt.line, p)
					}
					if p.File != "campaign.yaml" {
						t.Errorf("file %q, want campaign.yaml", p.File)
					}
					return
				}
			}
			t.Errorf("no problem at %s mentioning %q; got:\n%s", tt.field, tt.msg, list(ps))
		})
	}
}

// A file with many mistakes reports all of them in one run.
func TestParseReportsEverything(t *testing.T) {
	src := strings.NewReplacer(
		"slug: test-2026", "slug: Bad Slug",
		"timezone: Europe/London", "timezone: Nowhere/Town",
		"quote: {en: Hello, ar: مرحبا}", "quote: {en: Hello}",
		"channels: [mastodon]", "channels: [fax]",
	).Replace(base)
	_, ps := parse(t, src, nil)
	fields := map[string]bool{}
	for _, p := range ps {
		fields[p.Field] = true
	}
	for _, f := range []string{"slug", "timezone", "cards[0].quote.ar", "posts[0].channels[0]"} {
		if !fields[f] {
			t.Errorf("no problem reported for %s; got:\n%s", f, list(ps))
		}
	}
}

func TestImageChecks(t *testing.T) {
	src := strings.Replace(base, "role: {en: Host, ar: مضيفة}", "role: {en: Host, ar: مضيفة}\n    portrait: me.png", 1)
	_, ps := parse(t, src, fstest.MapFS{"me.png": {Data: []byte("GIF89a not a png")}})
	if len(ps) != 1 || !strings.Contains(ps[0].Msg, "PNG") {
		t.Errorf("a GIF named .png: got %s, want one problem saying only PNG and JPEG are accepted", list(ps))
	}
}

func TestPluralForms(t *testing.T) {
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "one"}, {"en", 0, "other"}, {"en", 2, "other"},
		{"fr", 0, "one"}, {"fr", 1, "one"}, {"fr", 2, "other"},
		{"ru", 1, "one"}, {"ru", 21, "one"}, {"ru", 11, "many"}, {"ru", 3, "few"}, {"ru", 13, "many"}, {"ru", 5, "many"},
		{"ar", 0, "zero"}, {"ar", 1, "one"}, {"ar", 2, "two"}, {"ar", 5, "few"}, {"ar", 11, "many"}, {"ar", 100, "other"},
		{"zh", 1, "other"},
		{"pt-BR", 1, "one"}, {"pt-PT", 0, "other"}, {"pt-BR", 0, "one"},
		// languages the hand-written table got wrong
		{"pl", 1, "one"}, {"pl", 3, "few"}, {"pl", 5, "many"}, {"pl", 22, "few"}, {"pl", 12, "many"},
		{"uk", 1, "one"}, {"uk", 4, "few"}, {"uk", 11, "many"},
		{"cs", 1, "one"}, {"cs", 3, "few"}, {"cs", 5, "other"},
		{"cy", 0, "zero"}, {"cy", 3, "few"}, {"cy", 6, "many"},
	}
	for _, tt := range tests {
		if got := PluralForm(tt.lang, tt.n); got != tt.want {
			t.Errorf("PluralForm(%s, %d) = %s, want %s", tt.lang, tt.n, got, tt.want)
		}
	}
}

func list(ps []toolkit.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %s\n", p)
	}
	return b.String()
}
