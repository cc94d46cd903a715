package text

import (
	"errors"
	"image"
	"image/color"
	"strings"
	"testing"

	"github.com/fogleman/gg"
)

const (
	famEmoji = "👨\u200D👩\u200D👧\u200D👦" // ZWJ sequence of seven code points
	flagUN   = "🇺🇳"                     // two regional indicators
	thumbs   = "👍🏽"                     // with a skin tone
	keycap1  = "1\uFE0F\u20E3"          // digit, VS16, combining keycap
	heartRed = "❤\uFE0F"                // text-default pictograph asked as emoji
)

// emojiGlyphs returns the glyphs of b drawn from the emoji font.
func emojiGlyphs(s *Shaper, b *Block) []Glyph {
	var out []Glyph
	for _, g := range b.Glyphs() {
		if g.Face == s.emoji {
			out = append(out, g)
		}
	}
	return out
}

// Each sequence is one glyph of the emoji font: one cluster, one advance.
func TestEmojiSequencesAreOneGlyph(t *testing.T) {
	s := shaper(t)
	for _, seq := range []string{"🌍", "🤝", famEmoji, flagUN, thumbs, keycap1, heartRed, "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"} {
		for _, lang := range []string{"en", "ar", "zh"} {
			b, err := s.Fit(Spec{Text: "a " + seq + " b", Lang: lang, MinSize: 40, MaxSize: 40}, Rect{0, 0, 1000, 200})
			if err != nil {
				t.Fatalf("%q in %s: %v", seq, lang, err)
			}
			em := emojiGlyphs(s, b)
			if len(em) != 1 {
				t.Errorf("%q in %s: %d glyphs from the emoji font, want 1", seq, lang, len(em))
				continue
			}
			if em[0].Ink.Empty() || em[0].Ink.W() > 1.3*40 {
				t.Errorf("%q in %s: ink %v, want one emoji about %v px wide", seq, lang, em[0].Ink, 1.25*40)
			}
		}
	}
	// a pictograph a text font has stays text without U+FE0F
	b, err := s.Fit(Spec{Text: "© ↔", Lang: "en", MinSize: 40, MaxSize: 40}, Rect{0, 0, 1000, 200})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(emojiGlyphs(s, b)); n != 0 {
		t.Errorf("© and ↔ alone: %d emoji glyphs, want them drawn as text", n)
	}
}

// The emoji are drawn in colour inside their ink boxes, which lie inside
// the region, and stand on the baseline like the text beside them.
func TestEmojiDrawnInColour(t *testing.T) {
	s := shaper(t)
	box := Rect{40, 40, 1040, 600}
	str := "#MigrantsDay 🌍🤝 " + famEmoji + " " + flagUN + " " + thumbs
	b, err := s.Fit(Spec{Text: str, Lang: "en", Weight: Bold, MinSize: 20, MaxSize: 120, Align: Center, VAlign: Middle}, box)
	if err != nil {
		t.Fatal(err)
	}
	if !box.Contains(b.Ink, 0.5) {
		t.Errorf("ink %v outside the region %v", b.Ink, box)
	}
	em := emojiGlyphs(s, b)
	if len(em) != 5 {
		t.Fatalf("%d emoji glyphs, want 5 (🌍, 🤝, the famEmoji, the flag, the thumb)", len(em))
	}
	img := image.NewRGBA(image.Rect(0, 0, 1080, 640))
	dc := gg.NewContextForRGBA(img)
	dc.SetColor(color.White)
	dc.Clear()
	s.Draw(dc, b, color.NRGBA{255, 0, 0, 255})
	for _, g := range em {
		if !box.Contains(g.Ink, 0.5) {
			t.Errorf("emoji at %d: ink %v outside the region", g.Index, g.Ink)
		}
		if n := fromEmoji(img, g.Ink); n < int(g.Ink.W()*g.Ink.H()/3) {
			t.Errorf("emoji at %d: %d pixels of the emoji's own colours in its %.0fx%.0f box, want a third of it or more", g.Index, n, g.Ink.W(), g.Ink.H())
		}
		var line *Line
		for i := range b.Lines {
			if g.Index >= b.Lines[i].Start && g.Index < b.Lines[i].End {
				line = &b.Lines[i]
			}
		}
		if line == nil || g.Y != line.Baseline {
			t.Errorf("emoji at %d: on y %v, not on its line's baseline", g.Index, g.Y)
		} else if g.Ink.Y0 >= g.Y || g.Ink.Y1 <= g.Y || g.Ink.Y1-g.Y > 0.3*b.Size {
			t.Errorf("emoji at %d: ink %v, want it on the baseline %v with a descent like text's", g.Index, g.Ink, g.Y)
		}
	}
	// the text is red on white: other colours only where the emoji are
	outside := fromEmoji(img, Rect{0, 0, 1080, 640})
	for _, g := range em {
		outside -= fromEmoji(img, g.Ink)
	}
	if outside > 0 {
		t.Errorf("%d pixels of other colours than the text's outside the emoji", outside)
	}
	if n := saturated(img, em[0].Ink); n < int(em[0].Ink.W()*em[0].Ink.H()/3) {
		t.Errorf("🌍: %d saturated pixels, want a blue and green globe", n)
	}
	// the famEmoji is one cluster: one advance where its seven code points are
	famAt := strings.Index(str, famEmoji)
	famRune := len([]rune(str[:famAt]))
	n := 0
	for _, g := range b.Glyphs() {
		if g.Index >= famRune && g.Index < famRune+len([]rune(famEmoji)) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the famEmoji is %d glyphs, want 1", n)
	}
}

// fromEmoji counts the pixels of img in r that red text on white cannot
// make: any but a blend of the two.
func fromEmoji(img *image.RGBA, r Rect) int {
	return count(img, r, func(c color.RGBA) bool { return c.R < 254 || max(c.G, c.B)-min(c.G, c.B) > 1 })
}

// saturated counts the pixels of img in r far from grey whose red is not
// the largest part: no blend of red text and white.
func saturated(img *image.RGBA, r Rect) int {
	return count(img, r, func(c color.RGBA) bool { return max(c.G, c.B) > c.R && max(c.R, c.G, c.B)-min(c.R, c.G, c.B) > 60 })
}

func count(img *image.RGBA, r Rect, f func(color.RGBA) bool) int {
	n := 0
	for y := int(r.Y0); y < int(r.Y1); y++ {
		for x := int(r.X0); x < int(r.X1); x++ {
			if f(img.RGBAAt(x, y)) {
				n++
			}
		}
	}
	return n
}

// In Arabic an emoji between two words stays between them, and one at the
// end of the sentence goes to its left end, where an Arabic reader ends.
func TestEmojiInArabicKeepsItsPlace(t *testing.T) {
	s := shaper(t)
	str := "مرحبا 🌍 بالعالم 🤝"
	b, err := s.Fit(Spec{Text: str, Lang: "ar", MinSize: 60, MaxSize: 60, MaxLines: 1}, Rect{0, 0, 1200, 200})
	if err != nil {
		t.Fatal(err)
	}
	x := func(i int) float64 { // the x of the glyph of rune i
		for _, g := range b.Glyphs() {
			if g.Index == i {
				return g.X
			}
		}
		t.Fatalf("no glyph for rune %d", i)
		return 0
	}
	r := []rune(str)
	globe, hands := strings.IndexRune(string(r), '🌍'), 0
	globe = len([]rune(str[:globe]))
	hands = len([]rune(str[:strings.IndexRune(str, '🤝')]))
	first, second := 0, globe+2 // مرحبا starts the text, بالعالم follows the globe
	if !(x(first) > x(globe) && x(globe) > x(second) && x(second) > x(hands)) {
		t.Errorf("x of مرحبا %.0f, 🌍 %.0f, بالعالم %.0f, 🤝 %.0f: want them right to left in that order", x(first), x(globe), x(second), x(hands))
	}
}

// An emoji the embedded font does not have yet is named as such.
func TestMissingEmoji(t *testing.T) {
	s := shaper(t)
	_, err := s.Fit(Spec{Text: "Hi \U0001FAE9", Lang: "en", MinSize: 20, MaxSize: 40}, Rect{0, 0, 800, 200})
	var me *MissingGlyphsError
	if !errors.As(err, &me) {
		t.Fatalf("got %v, want *MissingGlyphsError", err)
	}
	for _, w := range []string{"the embedded emoji font (Noto Color Emoji", "U+1FAE9 at character 4", "use another emoji"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message %q does not say %q", err, w)
		}
	}
}
