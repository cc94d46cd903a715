package caption

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/i18n"
	"github.com/go-text/typesetting/segmenter"
	"golang.org/x/text/unicode/norm"
)

// limits are the longest captions each platform accepts, in its own unit.
var limits = map[string]int{
	"x":         280,
	"bluesky":   300,
	"mastodon":  500,
	"threads":   500,
	"linkedin":  3000,
	"instagram": 2200,
	"facebook":  63206,
}

// maxHashtags are the platforms that refuse a caption with more hashtags.
var maxHashtags = map[string]int{"instagram": 30}

// urlWeight is what a link counts on X and Mastodon, whatever its length:
// both replace it by a fixed-length placeholder (X by its t.co link).
const urlWeight = 23

// Limit returns the longest caption platform accepts, in the unit Count
// uses for it, or 0 for a name that is not one of campaign.Platforms.
func Limit(platform string) int { return limits[platform] }

// Count returns the length of s as platform counts it against Limit:
//
//   - x: twitter-text v3 weighted length of the NFC form: a code point in
//     U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F or U+2032–U+2037 weighs
//     1, any other 2 (so CJK counts 2); an emoji, however many code points
//     its sequence has, counts 2; a link (http(s)://…, www.… or a bare
//     domain under a common generic TLD) counts 23.
//   - bluesky: grapheme clusters, links as written.
//   - mastodon: grapheme clusters, as Mastodon's status length validator
//     counts them, with every http(s) link counting 23 and a mention
//     @user@domain counting as @user.
//   - threads, linkedin, instagram, facebook and any other name: code
//     points as written.
func Count(platform, s string) int {
	switch platform {
	case "x":
		return countX(s)
	case "bluesky":
		return graphemeCount(s)
	case "mastodon":
		return countMastodon(s)
	}
	return utf8.RuneCountInString(s)
}

// Check returns nil when platform accepts s, else a *LimitError saying by
// how much it is over. A name that is not one of campaign.Platforms is an
// error too.
func Check(platform, s string) error {
	limit, ok := limits[platform]
	if !ok {
		return fmt.Errorf("unknown platform %q: choose from %s", platform, strings.Join(campaign.Platforms, ", "))
	}
	e := &LimitError{Platform: platform, Count: Count(platform, s), Limit: limit, MaxHashtags: maxHashtags[platform]}
	if e.MaxHashtags > 0 {
		e.Hashtags = HashtagCount(s)
	}
	if e.Count > e.Limit || (e.MaxHashtags > 0 && e.Hashtags > e.MaxHashtags) {
		return e
	}
	return nil
}

// LimitError is a caption a platform would refuse: too long, or with more
// hashtags than it allows.
type LimitError struct {
	Platform string
	Count    int // length as the platform counts it
	Limit    int
	// Hashtags is how many hashtags the caption has, counted only where
	// MaxHashtags is set (instagram); MaxHashtags is 0 elsewhere.
	Hashtags, MaxHashtags int
}

// TooLong reports whether the caption is over the length limit.
func (e *LimitError) TooLong() bool { return e.Count > e.Limit }

// TooManyHashtags reports whether the caption has more hashtags than allowed.
func (e *LimitError) TooManyHashtags() bool {
	return e.MaxHashtags > 0 && e.Hashtags > e.MaxHashtags
}

func (e *LimitError) Error() string {
	var parts []string
	if e.TooLong() {
		parts = append(parts, fmt.Sprintf("is too long for %s: %d %s where %d are allowed; shorten it by %d or more",
			e.Platform, e.Count, unit(e.Platform), e.Limit, e.Count-e.Limit))
	}
	if e.TooManyHashtags() {
		parts = append(parts, fmt.Sprintf("has %d hashtags where %s allows %d; remove %d or more",
			e.Hashtags, e.Platform, e.MaxHashtags, e.Hashtags-e.MaxHashtags))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("caption fits %s: %d of %d", e.Platform, e.Count, e.Limit)
	}
	return "caption " + strings.Join(parts, ", and ")
}

// unit names what Count counts on platform, for messages.
func unit(platform string) string {
	switch platform {
	case "x":
		return "weighted characters (a link counts 23, CJK characters and emoji 2)"
	case "mastodon":
		return "characters (a link counts 23)"
	}
	return "characters"
}

// HashtagCount returns how many hashtags s has: # followed by letters,
// digits or _, not all digits, outside links.
func HashtagCount(s string) int {
	return len(hashtags(s))
}

var tagRe = regexp.MustCompile(`#[\p{L}\p{M}\p{N}_]+`)

// hashtags lists the hashtags of s in order, outside links.
func hashtags(s string) []string {
	var out []string
	for _, span := range split(s, findURLs(s, true)) {
		if span.url {
			continue
		}
		t := span.text
		for _, m := range tagRe.FindAllStringIndex(t, -1) {
			if m[0] > 0 {
				// a # inside a word (C#, a&#39;) starts no hashtag
				if r, _ := utf8.DecodeLastRuneInString(t[:m[0]]); r == '&' || isWordRune(r) {
					continue
				}
			}
			tag := t[m[0]:m[1]]
			if strings.TrimLeftFunc(tag[1:], unicode.IsDigit) == "" {
				continue
			}
			out = append(out, tag)
		}
	}
	return out
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r) || r == '_'
}

// countX is twitter-text v3's weighted length.
func countX(s string) int {
	s = norm.NFC.String(s)
	n := 0
	for _, span := range split(s, findURLs(s, true)) {
		if span.url {
			n += urlWeight
			continue
		}
		eachGrapheme(span.text, func(g []rune) {
			if isEmoji(g) {
				n += 2
				return
			}
			for _, r := range g {
				n += xWeight(r)
			}
		})
	}
	return n
}

// xWeight is the weight of a code point in twitter-text v3's default
// configuration.
func xWeight(r rune) int {
	switch {
	case r <= 0x10FF, r >= 0x2000 && r <= 0x200D, r >= 0x2010 && r <= 0x201F, r >= 0x2032 && r <= 0x2037:
		return 1
	}
	return 2
}

// mentionRe is Mastodon's mention: @user or @user@domain.
var mentionRe = regexp.MustCompile(`(?i)@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[\p{L}\p{N}_]+(?:[.-]+[\p{L}\p{N}_]+)*)?`)

// countMastodon counts as Mastodon's StatusLengthValidator does: links
// replaced by 23 characters, remote mentions by their local part, then
// grapheme clusters.
func countMastodon(s string) int {
	n := 0
	for _, span := range split(s, findURLs(s, false)) {
		if span.url {
			n += urlWeight
			continue
		}
		t := span.text
		var b strings.Builder
		last := 0
		for _, m := range mentionRe.FindAllStringSubmatchIndex(t, -1) {
			if m[0] > 0 {
				if r, _ := utf8.DecodeLastRuneInString(t[:m[0]]); r == '=' || r == '/' || isWordRune(r) {
					continue
				}
			}
			b.WriteString(t[last:m[0]])
			b.WriteString("@" + t[m[2]:m[3]])
			last = m[1]
		}
		b.WriteString(t[last:])
		n += graphemeCount(b.String())
	}
	return n
}

// Links. X also links www.… and bare domains; Mastodon only http(s).
var (
	schemeURLRe = regexp.MustCompile(`(?i)https?://[!-~]+`)
	anyURLRe    = regexp.MustCompile(`(?i)https?://[!-~]+|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+[!-~]*|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|org|net|int|edu|gov|info)\b(?:/[!-~]*)?`)
)

// findURLs returns the byte spans of the links in s. bare also finds links
// written without a scheme.
func findURLs(s string, bare bool) [][2]int {
	re := schemeURLRe
	if bare {
		re = anyURLRe
	}
	var out [][2]int
	for _, m := range re.FindAllStringIndex(s, -1) {
		if m[0] > 0 {
			// part of an e-mail address, a path or a longer word
			if r, _ := utf8.DecodeLastRuneInString(s[:m[0]]); r == '@' || r == '.' || r == '/' || r == '-' || isWordRune(r) {
				continue
			}
		}
		end := m[0] + len(trimURL(s[m[0]:m[1]]))
		out = append(out, [2]int{m[0], end})
	}
	return out
}

// trimURL drops the punctuation that ends the sentence around a link, and
// closing brackets the link did not open.
func trimURL(u string) string {
	for u != "" {
		last := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?'\"*", last) >= 0:
		case last == ')' && strings.Count(u, "(") < strings.Count(u, ")"):
		case last == ']' && strings.Count(u, "[") < strings.Count(u, "]"):
		default:
			return u
		}
		u = u[:len(u)-1]
	}
	return u
}

type span struct {
	text string
	url  bool
}

// split cuts s into the links at urls and the text between them.
func split(s string, urls [][2]int) []span {
	var out []span
	last := 0
	for _, u := range urls {
		if u[0] > last {
			out = append(out, span{text: s[last:u[0]]})
		}
		out = append(out, span{text: s[u[0]:u[1]], url: true})
		last = u[1]
	}
	if last < len(s) {
		out = append(out, span{text: s[last:]})
	}
	return out
}

// eachGrapheme calls f with each extended grapheme cluster of s, in order.
//
// go-text/typesetting v0.3.5 misses rule GB11 when a ZWJ sequence follows
// another pictograph directly ("🎉👨‍👩‍👧" comes out as 🎉, 👨‍, 👩‍👧): a
// cluster that ends in ZWJ is joined here to a next one that starts with a
// pictograph, which is what GB11 asks. Upstream has fixed it since; with
// a fixed release this never joins anything.
func eachGrapheme(s string, f func(g []rune)) {
	if s == "" {
		return
	}
	var seg segmenter.Segmenter
	seg.Init([]rune(s)) // Init, unlike InitWithString, accepts invalid UTF-8 as U+FFFD
	it := seg.GraphemeIterator()
	var pending []rune
	for it.Next() {
		g := it.Grapheme().Text
		if len(pending) > 0 {
			if i18n.Pictograph(g[0]) {
				g = append(pending, g...)
			} else {
				f(pending)
			}
			pending = nil
		}
		if len(g) > 1 && g[len(g)-1] == 0x200D && i18n.Pictograph(g[0]) {
			pending = append([]rune(nil), g...)
			continue
		}
		f(g)
	}
	if len(pending) > 0 {
		f(pending)
	}
}

// graphemeCount returns the number of extended grapheme clusters of s.
func graphemeCount(s string) int {
	n := 0
	eachGrapheme(s, func([]rune) { n++ })
	return n
}

// isEmoji reports whether grapheme cluster g is an emoji: a pictograph
// alone, or a sequence that only makes sense as one (a flag, a keycap, a
// skin tone, a ZWJ sequence, an emoji presentation selector). ©, ® and ™
// without U+FE0F are text, as twitter-text has them.
func isEmoji(g []rune) bool {
	if len(g) == 0 {
		return false
	}
	first := g[0]
	if len(g) == 1 {
		// alone: a pictograph from the blocks drawn as emoji by default;
		// arrows, ©, ® and ™ stay text
		return first >= 0x1F000 || first >= 0x2600 && first <= 0x27BF ||
			first >= 0x231A && first <= 0x23FF || first >= 0x2B05 && first <= 0x2B55
	}
	if i18n.RegionalIndicator(first) {
		return len(g) == 2 && i18n.RegionalIndicator(g[1])
	}
	keycapBase := first == '#' || first == '*' || (first >= '0' && first <= '9')
	for _, r := range g[1:] {
		switch {
		case r == 0x20E3:
			if keycapBase {
				return true
			}
		case r == 0xFE0F, r == 0x200D, i18n.SkinTone(r), i18n.EmojiTag(r):
			if i18n.Pictograph(first) {
				return true
			}
		}
	}
	return false
}

// CountJS is Count in JavaScript: a script defining count(platform, text)
// with the same rules, for pages that show a live count as a caption is
// edited. Its tests run it in a browser against Count.
//
//go:embed count.js
var CountJS string
