package campaign

import (
	"strings"
	"testing"
)

// Input is validated once, at the edge: language tags that name no
// language, invisible bidi controls and lost characters in text, and ids
// that collide or are too long are each reported at their line and field.
func TestParseEdgeProblems(t *testing.T) {
	long := strings.Repeat("a", MaxIDLen+1)
	hashtagCard := func(id string) string {
		return "  - id: " + id + "\n    kind: hashtag\n    tag: \"#TestDay\"\n"
	}
	tests := []struct {
		name, old, new string
		line           int
		field, msg     string
	}{
		{"made-up language", "languages: [en, ar]", "languages: [en, xx]", 7, "languages[1]", `"xx" is not a known language tag`},
		{"undetermined language", "languages: [en, ar]", "languages: [en, und]", 7, "languages[1]", `"und" names no language`},
		{"underscore tag", "languages: [en, ar]", "languages: [en_US, ar]", 7, "languages[0]", `write the language tag "en_US" as "en-US"`},
		{"unknown region", "languages: [en, ar]", "languages: [en, zz-ZZ]", 7, "languages[1]", "not a known language tag"},
		{"no font for Hebrew", "languages: [en, ar]", "languages: [en, he]", 7, "languages[1]", "no font for Hebrew script"},
		{"override in a quote", "quote: {en: Hello, ar: مرحبا}", `quote: {en: "Hel\u202Elo", ar: مرحبا}`, 14, "cards[0].quote.en", "character 4 is U+202E RIGHT-TO-LEFT OVERRIDE, an invisible bidi control"},
		{"isolate in the title", "title: {en: Test Day, ar: يوم الاختبار}", `title: {en: Test Day, ar: "يوم \u2067الاختبار\u2069"}`, 3, "title.ar", "U+2067 RIGHT-TO-LEFT ISOLATE"},
		{"embedding in a plural", `en: {one: "{n} day to go", other: "{n} days to go"}`, `en: {one: "\u202A{n} day to go", other: "{n} days to go"}`, 20, "cards[1].phrase.en.one", "U+202A LEFT-TO-RIGHT EMBEDDING"},
		{"repeated control", "quote: {en: Hello, ar: مرحبا}", `quote: {en: "\u202DHe\u202Dl\u202Dlo", ar: مرحبا}`, 14, "cards[0].quote.en", "character 1 (and 2 more) is U+202D"},
		{"lost character in a card", "role: {en: Host, ar: مضيفة}", `role: {en: "Ho\uFFFDst", ar: مضيفة}`, 16, "cards[0].role.en", "U+FFFD REPLACEMENT CHARACTER"},
		{"lost character in a post", "text: {en: Hi, ar: أهلا}", `text: {en: "H\uFFFDi", ar: أهلا}`, 28, "posts[0].text.en", "retype it"},
		{"card id of a countdown day", "posts:\n", hashtagCard("countdown-2") + "posts:\n", 22, "cards[2].id", `id "countdown-2" is also a day of the countdown card cards[1] "countdown", which makes countdown-3 to countdown-0`},
		{"countdown day before the countdown", "cards:\n", "cards:\n" + hashtagCard("countdown-0"), 12, "cards[0].id", "choose another id"},
		{"long card id", "  - id: q\n", "  - id: " + long + "\n", 12, "cards[0].id", "65 characters long: at most 64"},
		{"long post id", "  - id: p1\n", "  - id: " + long + "\n", 23, "posts[0].id", "65 characters long: at most 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(base, tt.old) {
				t.Fatalf("test setup: %q not in base", tt.old)
			}
			_, ps := parse(t, strings.Replace(base, tt.old, tt.new, 1), nil)
			for _, p := range ps {
				if p.Field == tt.field && strings.Contains(p.Msg, tt.msg) {
					if p.Line != tt.line {
						t.Errorf("line %d, want %d (%v)", p.Line, tt.line, p)
					}
					return
				}
			}
			t.Errorf("no problem at %s mentioning %q; got:\n%s", tt.field, tt.msg, list(ps))
		})
	}
}

// What the checks above must not refuse.
func TestParseEdgeAccepted(t *testing.T) {
	tests := []struct{ name, old, new string }{
		{"right-to-left mark", "quote: {en: Hello, ar: مرحبا}", `quote: {en: Hello, ar: "مرحبا \u200F#Day"}`},
		{"left-to-right mark", "quote: {en: Hello, ar: مرحبا}", `quote: {en: "Hello\u200E", ar: مرحبا}`},
		{"id like a day the countdown does not make", "posts:\n", "  - id: countdown-9\n    kind: hashtag\n    tag: \"#TestDay\"\n" + "posts:\n"},
		{"id of 64 characters", "  - id: countdown\n", "  - id: " + strings.Repeat("c", MaxIDLen) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(base, tt.old, tt.new, 1)
			if _, ps := parse(t, src, nil); ps != nil {
				t.Errorf("refused:\n%s", list(ps))
			}
		})
	}
}

// Campaigns in Persian, Urdu, Egyptian Arabic, Kurdish, Serbian in either
// script and traditional Chinese are valid: the tags are real and their
// scripts have fonts.
func TestParseLanguagesWithFonts(t *testing.T) {
	for _, l := range []string{"fa", "ur", "arz", "ckb-IQ", "ar-EG", "sr-Latn", "sr-Cyrl", "zh-Hant"} {
		src := strings.Replace(base, `ar: {one: "بقي يوم واحد", two: "بقي يومان", few: "بقيت {n} أيام", other: "بقي {n} يوم"}`, `ar: {other: "{n}"}`, 1)
		src = strings.ReplaceAll(src, "ar: ", l+": ")
		src = strings.Replace(src, "languages: [en, ar]", "languages: [en, "+l+"]", 1)
		if _, ps := parse(t, src, nil); ps != nil {
			t.Errorf("%s refused:\n%s", l, list(ps))
		}
	}
}
