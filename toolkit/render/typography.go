package render

import (
	"strings"
	"unicode"
)

// wordJoiner is U+2060 WORD JOINER: invisible, and no line break on
// either side of it.
const wordJoiner = '\u2060'

// keepTogether lets s break nowhere when wrapped: a word joiner follows
// each of its spaces.
func keepTogether(s string) string {
	return strings.ReplaceAll(s, " ", " "+string(wordJoiner))
}

// nbsp is U+00A0 NO-BREAK SPACE: as wide as a space, but no line breaks at it.
const nbsp = '\u00A0'

// KeepNumbers joins the digit groups of numbers written with a space as
// the thousands separator ("20 000", as French, Spanish and Russian write
// them) with no-break spaces, so that a figure set on two lines breaks
// between the number and its word ("304 / millions"), never inside the
// number ("20 / 000+").
func KeepNumbers(s string) string {
	if !strings.Contains(s, " ") {
		return s
	}
	r := []rune(s)
	for i := 1; i+1 < len(r); i++ {
		if r[i] == ' ' && unicode.IsDigit(r[i-1]) && unicode.IsDigit(r[i+1]) {
			r[i] = nbsp
		}
	}
	return string(r)
}
