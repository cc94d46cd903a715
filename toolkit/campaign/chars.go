package campaign

import (
	"fmt"

	"github.com/campaignkit/campaignkit/toolkit"
)

// badChars are characters refused in campaign text, with why and what to
// do. The bidi embeddings, overrides and isolates reorder text invisibly,
// differently in each app (the "Trojan Source" trick), and campaignkit
// already sets each paragraph's direction from its language; U+FFFD is what
// a converter writes for a character it could not read, so the original
// text is lost.
var badChars = map[rune]string{
	'\u202A': "LEFT-TO-RIGHT EMBEDDING",
	'\u202B': "RIGHT-TO-LEFT EMBEDDING",
	'\u202C': "POP DIRECTIONAL FORMATTING",
	'\u202D': "LEFT-TO-RIGHT OVERRIDE",
	'\u202E': "RIGHT-TO-LEFT OVERRIDE",
	'\u2066': "LEFT-TO-RIGHT ISOLATE",
	'\u2067': "RIGHT-TO-LEFT ISOLATE",
	'\u2068': "FIRST STRONG ISOLATE",
	'\u2069': "POP DIRECTIONAL ISOLATE",
	'\uFFFD': "REPLACEMENT CHARACTER",
}

// checkChars reports each kind of refused character in s once, at the
// position it first occurs, with the field's line.
func (c *Campaign) checkChars(ps *toolkit.Problems, field, s string) {
	for _, msg := range CharProblems(s) {
		ps.Add(c.Pos.Line(field), field, "%s", msg)
	}
}

// CharProblems says what is wrong with the characters of s, a text that
// will be posted or drawn: each kind of refused character (badChars) once,
// at the position it first occurs. Campaign texts are checked with it, and
// so are posts queued by hand.
func CharProblems(s string) []string {
	seen := map[rune]int{}
	var order []rune
	first := map[rune]int{}
	i := 0
	for _, r := range s {
		i++
		if _, bad := badChars[r]; !bad {
			continue
		}
		if seen[r] == 0 {
			order = append(order, r)
			first[r] = i
		}
		seen[r]++
	}
	var out []string
	for _, r := range order {
		more := ""
		if n := seen[r] - 1; n > 0 {
			more = fmt.Sprintf(" (and %d more)", n)
		}
		what := fmt.Sprintf("character %d%s is U+%04X %s", first[r], more, r, badChars[r])
		if r == '\uFFFD' {
			out = append(out, what+" (\uFFFD): a character was lost when this text was converted or copied; retype it from the original")
		} else {
			out = append(out, what+", an invisible bidi control that reorders text differently in each app: delete it (campaignkit sets the direction from the language; use U+200E or U+200F marks if a word needs one)")
		}
	}
	return out
}
