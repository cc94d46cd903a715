package text

import (
	"strings"
	"unicode"
)

// lrm is U+200E LEFT-TO-RIGHT MARK: invisible, strongly left-to-right.
const lrm = '\u200E'

// MarkLTRTokens puts a left-to-right mark before every hashtag, handle and
// URL that is written in a left-to-right script, for use in right-to-left
// paragraphs. Without it the bidi algorithm resolves the leading "#" or "@"
// by its right-to-left surroundings and shows "#MigrantsDay" as
// "MigrantsDay#", as it would in any browser.
func MarkLTRTokens(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if (c == '#' || c == '@') && i+1 < len(r) && isLTRLetter(r[i+1]) && (i == 0 || r[i-1] != lrm) {
			b.WriteRune(lrm)
		}
		b.WriteRune(c)
	}
	return b.String()
}

func isLTRLetter(c rune) bool {
	return unicode.In(c, unicode.Latin, unicode.Cyrillic, unicode.Greek) || (c < 0x80 && unicode.IsDigit(c))
}
