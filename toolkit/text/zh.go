package text

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

// Chinese display text may break between any two ideographs (UAX #14),
// which splits words (年|龄, 目的|地) at line ends. keepWords marks the
// words of a small embedded dictionary (zhwords.txt, about 400 words,
// 4 KB) with WORD JOINERs, so lines break between words, and the
// line-breaking rules (no closing punctuation at a line start, no opening
// at an end) still apply around them. A full segmenter (gse, with a
// 350,000-word dictionary, 12 MB of module and seconds to load) would know
// every word but costs more than a card renderer should carry; card texts
// are short and written for the campaign, so a campaign's own terms go in
// the list.

//go:embed zhwords.txt
var zhWordList string

const wordJoiner = '\u2060'

var zhWords = sync.OnceValue(func() map[string]bool {
	words := map[string]bool{}
	for _, line := range strings.Split(zhWordList, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, w := range strings.Fields(line) {
			words[w] = true
		}
	}
	return words
})

// zhUnits are the measure words and units a number stays with (3.04亿, 83个, 2025年).
const zhUnits = "亿万千百年月日号个名项天点岁位次种倍%"

// keepWords returns s with WORD JOINERs inside each dictionary word
// (longest match first, from the left) and between a number and its unit.
func keepWords(s string) string {
	words := zhWords()
	r := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(r); {
		n := 1
		if unicode.Is(unicode.Han, r[i]) {
			for k := min(4, len(r)-i); k >= 2; k-- {
				if words[string(r[i:i+k])] {
					n = k
					break
				}
			}
		}
		for k := i; k < i+n; k++ {
			if k > i {
				b.WriteRune(wordJoiner)
			}
			b.WriteRune(r[k])
		}
		i += n
		// a number keeps its unit: 3.04|亿 and 83|个 do not break
		if unicode.IsDigit(r[i-1]) && i < len(r) && strings.ContainsRune(zhUnits, r[i]) {
			b.WriteRune(wordJoiner)
		}
	}
	return b.String()
}

// isZh reports Chinese, whose text gets keepWords.
func isZh(lang string) bool {
	base, _, _ := strings.Cut(lang, "-")
	return base == "zh"
}

// isCJK reports Chinese and Japanese, whose full-width punctuation is
// compressed by compressPunct.
func isCJK(lang string) bool {
	base, _, _ := strings.Cut(lang, "-")
	return base == "zh" || base == "ja"
}

// Full-width punctuation draws in half its em box: an opening mark in the
// right half, a closing one (and 。，、) in the left.
const (
	cjkOpening = "“‘（「『《〈【〔"
	cjkClosing = "”’）」』》〉】〕。，、．：；！？"
)

// compressPunct removes the blank half of full-width punctuation where
// typesetters do (JIS X 4051, simplified): an opening mark at the start of
// a line hangs its blank half out (no indent of half an em), and of two
// marks in a row ("。”", "，“") the blank halves between them close up. It
// moves the glyphs of line left-to-right and returns how much narrower
// the line became. Only marks as wide as an em are touched, so a font
// with proportional quotes is left alone.
func compressPunct(line *Line, runes []rune, size float64) float64 {
	gl := line.Glyphs
	if len(gl) == 0 {
		return 0
	}
	adv := func(i int) float64 {
		if i+1 < len(gl) {
			return gl[i+1].X - gl[i].X
		}
		return gl[0].X + line.Width - gl[i].X
	}
	classes := make([]byte, len(gl))
	for i, g := range gl {
		if g.Index >= len(runes) || adv(i) < 0.9*size {
			continue
		}
		switch r := runes[g.Index]; {
		case strings.ContainsRune(cjkOpening, r):
			classes[i] = 'o'
		case strings.ContainsRune(cjkClosing, r):
			classes[i] = 'c'
		}
	}
	class := func(i int) byte { return classes[i] }
	half := size / 2
	shift := 0.0
	if class(0) == 'o' {
		shift = half // hang the blank half of the opening mark out of the line
	}
	shrink := shift
	for i := range gl {
		// close the gap between this mark and the one before it
		if i > 0 {
			prev, cur := class(i-1), class(i)
			if prev != 0 && cur != 0 && (prev == 'c' || cur == 'o') {
				shift += half
				shrink += half
			}
		}
		gl[i].X -= shift
		if !gl[i].Ink.Empty() {
			gl[i].Ink.X0 -= shift
			gl[i].Ink.X1 -= shift
		}
	}
	return shrink
}
