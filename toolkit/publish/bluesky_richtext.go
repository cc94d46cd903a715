package publish

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-text/typesetting/segmenter"
)

// Bluesky's limits on a post's text (app.bsky.feed.post lexicon).
const (
	blueskyMaxGraphemes = 300
	blueskyMaxBytes     = 3000
	blueskyMaxTagLen    = 64 // graphemes, without the #
)

// graphemeCount counts user-perceived characters (extended grapheme
// clusters), the unit of Bluesky's 300 limit: an emoji with a skin tone, a
// flag or a family counts once.
//
// go-text's segmenter (v0.3.5) breaks a ZWJ emoji sequence that directly
// follows another emoji ("👧👩‍💻" gives three clusters, not two): its rule
// GB11 state does not restart on an emoji right after an emoji. The count
// undoes such a break: a cluster that ends with ZWJ joins the next one when
// that starts with a pictographic symbol. Where this errs it counts low, and
// the PDS, which counts again, stays the judge.
func graphemeCount(s string) int {
	if s == "" {
		return 0
	}
	var seg segmenter.Segmenter
	seg.Init([]rune(s))
	it := seg.GraphemeIterator()
	n := 0
	prevEndsZWJ := false
	for it.Next() {
		g := it.Grapheme().Text
		if !(prevEndsZWJ && len(g) > 0 && isPictographic(g[0])) {
			n++
		}
		prevEndsZWJ = len(g) > 0 && g[len(g)-1] == '\u200d'
	}
	return n
}

// isPictographic approximates Unicode's Extended_Pictographic property
// (which package unicode does not have): symbols and the emoji planes.
func isPictographic(r rune) bool {
	return unicode.Is(unicode.So, r) || r >= 0x1F000 && r <= 0x1FAFF
}

// facetKind says what a detected span of text is.
type facetKind int

const (
	facetTag facetKind = iota
	facetLink
	facetMention
)

// span is a detected hashtag, link or mention, in UTF-8 byte offsets
// [Start, End) of the text, as facets require.
type span struct {
	Kind       facetKind
	Start, End int
	Value      string // tag without '#', URL, or handle without '@'
}

// detectSpans finds hashtags, http(s) links and @handle mentions in text.
// The rules follow the Bluesky app's: a span starts the text or follows
// white space (or '(' for links and mentions), and trailing punctuation is
// not part of it.
func detectSpans(text string) []span {
	var out []span
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !atBoundary(text, i, r == '#' || r == '＃') {
			i += size
			continue
		}
		var s span
		var ok bool
		switch {
		case r == '#' || r == '＃':
			s, ok = tagAt(text, i, size)
		case r == '@':
			s, ok = mentionAt(text, i)
		case strings.HasPrefix(text[i:], "https://") || strings.HasPrefix(text[i:], "http://"):
			s, ok = linkAt(text, i)
		}
		if ok {
			out = append(out, s)
			i = s.End
			continue
		}
		i += size
	}
	return out
}

// atBoundary reports whether a span may start at byte i: at the start of the
// text or after white space; links and mentions also after '('.
func atBoundary(text string, i int, tag bool) bool {
	if i == 0 {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(text[:i])
	return unicode.IsSpace(prev) || (!tag && prev == '(')
}

// runEnd returns the end of the run of non-space runes starting at i.
func runEnd(text string, i int) int {
	for j, r := range text[i:] {
		if unicode.IsSpace(r) {
			return i + j
		}
	}
	return len(text)
}

func tagAt(text string, i, hashSize int) (span, bool) {
	end := runEnd(text, i+hashSize)
	tag := strings.TrimRightFunc(text[i+hashSize:end], unicode.IsPunct)
	if tag == "" || strings.HasPrefix(tag, "\ufe0f") {
		return span{}, false // "#" alone, or keycap emoji #️⃣
	}
	// A tag needs one character that is neither a digit nor punctuation:
	// "#1" is a number, not a tag.
	if !strings.ContainsFunc(tag, func(r rune) bool { return !unicode.IsDigit(r) && !unicode.IsPunct(r) }) {
		return span{}, false
	}
	if graphemeCount(tag) > blueskyMaxTagLen {
		return span{}, false
	}
	return span{Kind: facetTag, Start: i, End: i + hashSize + len(tag), Value: tag}, true
}

func linkAt(text string, i int) (span, bool) {
	end := runEnd(text, i)
	u := text[i:end]
	// Trailing punctuation ends the sentence, not the URL; so does a ')'
	// that closes a parenthesis opened before the link.
	for {
		trimmed := strings.TrimRight(u, ".,;:!?\"'")
		if strings.HasSuffix(trimmed, ")") && strings.Count(trimmed, ")") > strings.Count(trimmed, "(") {
			trimmed = trimmed[:len(trimmed)-1]
		}
		if trimmed == u {
			break
		}
		u = trimmed
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	if rest == "" || strings.HasPrefix(rest, "/") {
		return span{}, false
	}
	return span{Kind: facetLink, Start: i, End: i + len(u), Value: u}, true
}

func mentionAt(text string, i int) (span, bool) {
	j := i + 1
	for j < len(text) {
		c := text[j]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' {
			j++
			continue
		}
		break
	}
	handle := strings.TrimRight(text[i+1:j], ".")
	if !validHandle(handle) {
		return span{}, false
	}
	return span{Kind: facetMention, Start: i, End: i + 1 + len(handle), Value: strings.ToLower(handle)}, true
}

// validHandle checks the atproto handle syntax: at least two dot-separated
// labels of letters, digits and inner hyphens, the last not starting with a
// digit, at most 253 characters.
func validHandle(h string) bool {
	if len(h) > 253 {
		return false
	}
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
	}
	last := labels[len(labels)-1]
	return !(last[0] >= '0' && last[0] <= '9')
}
