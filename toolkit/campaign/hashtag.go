package campaign

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/campaignkit/campaignkit/toolkit"
)

// commonWords are words that campaign hashtags are commonly made of. A
// hashtag written in one case that splits entirely into two or more of them
// (#itakesacommunity, #MIGRANTSDAY) is several words run together, which a
// screen reader reads as one unknown word or letter by letter; written in
// CamelCase (#ItTakesACommunity) it is read word by word.
var commonWords = wordSet(`a all am an and are as at be behind belong belongs better bridges build
	by can care change children city climate communities community compact cultures day days
	development dignity do education equal every everyone families family for from future global
	great health help hero home homes hope human humanity i in inclusion inclusive is it its
	journey journeys justice left lives live migrant migrants migration mobility more move moving
	my neighbour neighbours new no not of on one orderly our out peace people person play power
	protect refugee refugees regular resilience right rights safe safety share stand stories story
	strong stronger support takes the their them this to together un unite united us voice voices
	walls we welcome who with women work workers world year you young your youth international`)

// oneWord lists hashtags that happen to split into common words but are
// one word.
var oneWord = wordSet(`everyone together welcome something anyone within without cannot into
	onto upon today`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// HashtagWords splits a single-case Latin hashtag into the common words it
// is made of, or returns nil when it is CamelCase, one word, or not made
// only of common words.
func HashtagWords(tag string) []string {
	body := strings.TrimPrefix(tag, "#")
	var upper, lower int
	for _, r := range body {
		switch {
		case r > unicode.MaxLatin1 && unicode.IsLetter(r):
			return nil // CamelCase means nothing in scripts without case
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		}
	}
	if upper > 0 && lower > 0 && !(upper == 1 && unicode.IsUpper([]rune(body)[0])) {
		return nil // mixed case: CamelCase already
	}
	word := strings.ToLower(body)
	if oneWord[word] || commonWords[word] {
		return nil
	}
	// split by dynamic programming, preferring fewer, longer words
	n := len(word)
	best := make([][]string, n+1)
	ok := make([]bool, n+1)
	ok[0] = true
	for end := 1; end <= n; end++ {
		for start := 0; start < end; start++ {
			if !ok[start] || !isPart(word[start:end]) {
				continue
			}
			cand := append(append([]string(nil), best[start]...), word[start:end])
			if !ok[end] || len(cand) < len(best[end]) {
				best[end], ok[end] = cand, true
			}
		}
	}
	if !ok[n] || len(best[n]) < 2 {
		return nil
	}
	return best[n]
}

func isPart(w string) bool {
	if commonWords[w] {
		return true
	}
	// digits run with words: #MigrantsDay2026
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// CamelCase writes words as a CamelCase hashtag.
func CamelCase(words []string) string {
	var b strings.Builder
	b.WriteByte('#')
	for _, w := range words {
		r := []rune(w)
		b.WriteString(strings.ToUpper(string(r[0])) + string(r[1:]))
	}
	return b.String()
}

var tagRe = regexp.MustCompile(`#[\p{L}\p{N}_]+`)

// HashtagProblems reports every multi-word hashtag of the campaign not
// written in CamelCase: the campaign's hashtags, hashtag cards' tags, and
// hashtags inside post texts and card texts.
func (c *Campaign) HashtagProblems() []toolkit.Problem {
	var out []toolkit.Problem
	check := func(field, tag string) {
		if words := HashtagWords(tag); words != nil {
			out = append(out, toolkit.Problem{File: c.File, Line: c.Pos.Line(field), Field: field,
				Msg: fmt.Sprintf("hashtag %s reads as one word to a screen reader: write it in CamelCase, %s", tag, CamelCase(words))})
		}
	}
	inText := func(field string, t Text) {
		for _, l := range toolkit.SortedKeys(t) {
			for _, tag := range tagRe.FindAllString(t[l], -1) {
				check(field+"."+l, tag)
			}
		}
	}
	for i, h := range c.Hashtags {
		check(fmt.Sprintf("hashtags[%d]", i), h)
	}
	for i, card := range c.Cards {
		p := fmt.Sprintf("cards[%d]", i)
		for _, l := range toolkit.SortedKeys(card.Tag) {
			if _, own := c.Pos[p+".tag."+l]; own {
				check(p+".tag."+l, card.Tag[l])
			} else if l == c.Listed[0] {
				check(p+".tag", card.Tag[l]) // one tag for every language: report it once
			}
		}
		inText(p+".text", card.Text)
		inText(p+".quote", card.Quote)
	}
	for i, post := range c.Posts {
		p := fmt.Sprintf("posts[%d]", i)
		inText(p+".text", post.Text)
		for _, plat := range toolkit.SortedKeys(post.Overrides) {
			inText(p+".overrides."+plat, post.Overrides[plat])
		}
	}
	return out
}
