package render_test

import (
	"slices"
	"testing"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/text"
)

// TestGuillemetsPointOutward pins how « » are drawn, after a designer's
// note that on Arabic cards they "look reversed". They are right as drawn.
// U+00AB and U+00BB are Bidi_Mirrored, each the other's mirroring glyph:
// in a right-to-left line the opening «, first in reading order, stands at
// the right of the quotation and is shown as », and the closing » at its
// left is shown as «. That is how Arabic is printed and how every browser
// shows it: the marks point outward, away from the words they enclose, as
// in French; only to a reader of left-to-right text does a » before the
// quotation look like a closing mark. So, on the laid-out glyphs, in
// Arabic and in French alike: the opening mark stands before the first
// quoted letter in reading order and points away from it, the closing mark
// after the last and points away from it; and the quote card's mark
// points the way the opening mark of its quote does.
func TestGuillemetsPointOutward(t *testing.T) {
	e := newEnv(t, nil, "")
	p, _ := toolkit.PresetByName("instagram-square")
	cases := []struct {
		card, lang string
		openings   int // opening guillemets laid out, the mark's included
	}{
		{"quote-vitorino", "ar", 2}, // the mark; لا «تُكتسب»
		{"quote-vitorino", "fr", 2}, // the mark; ne se « méritent » pas
		{"story-amina", "ar", 1},    // the story's quote, quoted
		{"story-amina", "fr", 1},
		{"quote-guterres", "ar", 1}, // the mark
	}
	for _, th := range []string{"un-blue", "poster"} {
		for _, c := range cases {
			card, ok := e.c.CardByID(c.card)
			if !ok {
				t.Fatalf("no card %s", c.card)
			}
			res := e.render(t, card, c.lang, p, th)
			rtl := c.lang == "ar"
			where := c.card + " " + c.lang + " " + th
			openings := 0
			for _, pl := range res.Text {
				runes := []rune(pl.Block.Spec.Text)
				// the guillemets in reading order: opening, closing, opening...
				var marks []mark
				for _, l := range pl.Block.Lines {
					for _, g := range l.Glyphs {
						if r := runes[g.Index]; r == '«' || r == '»' {
							marks = append(marks, mark{g, l})
						}
					}
				}
				slices.SortFunc(marks, func(a, b mark) int { return a.g.Index - b.g.Index })
				for n, m := range marks {
					g, opening := m.g, n%2 == 0
					if opening {
						openings++
					}
					// the way the drawn shape points: « left, » right
					left, _ := g.Face.NominalGlyph('«')
					right, _ := g.Face.NominalGlyph('»')
					var pointsLeft bool
					switch g.ID {
					case left:
						pointsLeft = true
					case right:
					default:
						t.Fatalf("%s %s: a guillemet drawn with glyph %d, neither « (%d) nor » (%d)", where, pl.Name, g.ID, left, right)
					}
					// outward: the opening mark points back against the
					// reading direction, the closing one along it
					wantLeft := opening != rtl
					if pointsLeft != wantLeft {
						t.Errorf("%s %s: mark %d at x=%.0f points %s, want %s (outward)", where, pl.Name, n, g.X, side(pointsLeft), side(wantLeft))
					}
					// and it stands outside the words it encloses
					k := g.Index + 1
					if !opening {
						k = g.Index - 1
					}
					w, ok := glyphAt(m.l, k)
					if !ok {
						continue // a mark alone, or its word on another line
					}
					before := g.X < w.X // the mark is left of the word
					if wantBefore := opening != rtl; before != wantBefore {
						t.Errorf("%s %s: mark %d at x=%.0f, the word it encloses at x=%.0f: want the mark %s of it", where, pl.Name, n, g.X, w.X, side(wantBefore))
					}
				}
			}
			if openings != c.openings {
				t.Errorf("%s: found %d opening guillemets, want %d", where, openings, c.openings)
			}
		}
	}
}

type mark struct {
	g text.Glyph
	l text.Line
}

func side(left bool) string {
	if left {
		return "left"
	}
	return "right"
}

// glyphAt is the first glyph of line l drawn for the rune at index i.
func glyphAt(l text.Line, i int) (text.Glyph, bool) {
	for _, g := range l.Glyphs {
		if g.Index == i && !g.Ink.Empty() {
			return g, true
		}
	}
	return text.Glyph{}, false
}
