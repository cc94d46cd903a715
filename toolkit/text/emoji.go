package text

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"

	"github.com/campaignkit/campaignkit/toolkit/i18n"
	"github.com/fogleman/gg"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
)

// Colour emoji come from the embedded Noto Color Emoji, whose glyphs are
// PNG bitmaps (CBDT). An emoji is more than a character: a ZWJ family, a
// flag (two regional indicators), a skin tone, a keycap (1 U+FE0F
// U+20E3) are each one glyph that the font's GSUB forms from the whole
// sequence, so the whole sequence must be shaped with the emoji font,
// including the parts (the digit of a keycap) that a text font also has.
// The segmenter picks fonts rune by rune; emojiMask finds the sequences
// and withEmoji gives them the emoji font after it.

const (
	zwj       = 0x200D
	vs15      = 0xFE0E // text presentation
	vs16      = 0xFE0F // emoji presentation
	keycapMod = 0x20E3
)

// emojiSeq scans the sequence starting at t[i] and returns where it ends
// and whether it is drawn as a colour emoji. textHas says whether a text
// font has a character, emojiHas whether the emoji font has it.
//
// A pictograph is drawn in colour when the sequence asks for it (U+FE0F,
// a skin tone, a ZWJ, tag characters), when it is from the blocks that
// default to emoji presentation (U+1F000 and up), or when no text font
// has it; © or ↔ alone stay text, and U+FE0E asks for text when a text
// font has the character.
func emojiSeq(t []rune, i int, textHas, emojiHas func(rune) bool) (end int, emoji bool) {
	n := len(t)
	r := t[i]
	switch {
	case i18n.RegionalIndicator(r):
		if i+1 < n && i18n.RegionalIndicator(t[i+1]) {
			return i + 2, true
		}
		return i + 1, emojiHas(r)
	case r == '#' || r == '*' || r >= '0' && r <= '9':
		j := i + 1
		if j < n && t[j] == vs16 {
			j++
		}
		if j < n && t[j] == keycapMod {
			return j + 1, true
		}
		return i + 1, false
	case !i18n.Pictograph(r):
		return i + 1, false
	}
	asked, text := false, false
	j := i + 1
	for j < n {
		switch c := t[j]; {
		case c == vs16 || i18n.SkinTone(c) || i18n.EmojiTag(c):
			asked = true
			j++
			continue
		case c == vs15:
			text = true
			j++
			continue
		case c == zwj && j+1 < n && i18n.Pictograph(t[j+1]):
			asked = true
			j += 2
			continue
		}
		break
	}
	if !emojiHas(r) {
		return j, false
	}
	if text && textHas(r) {
		return j, false
	}
	return j, asked || r >= 0x1F000 || !textHas(r)
}

// emojiMask marks the runes of t that belong to a sequence drawn from
// the emoji font; it is nil when there is none.
func emojiMask(t []rune, textHas, emojiHas func(rune) bool) []bool {
	var mask []bool
	for i := 0; i < len(t); {
		end, emoji := emojiSeq(t, i, textHas, emojiHas)
		if emoji {
			if mask == nil {
				mask = make([]bool, len(t))
			}
			for k := i; k < end; k++ {
				mask[k] = true
			}
		}
		i = end
	}
	return mask
}

// withEmoji cuts the runs the segmenter made where emoji sequences start
// and end, gives the sequences the emoji face and joins the pieces of a
// sequence the segmenter had split between faces (the digit and the
// keycap mark), so that each is shaped as one.
func withEmoji(runs []shaping.Input, mask []bool, emoji *font.Face) []shaping.Input {
	if mask == nil {
		return runs
	}
	out := make([]shaping.Input, 0, len(runs)+2)
	for _, run := range runs {
		for i := run.RunStart; i < run.RunEnd; {
			j := i + 1
			for j < run.RunEnd && mask[j] == mask[i] {
				j++
			}
			piece := run
			piece.RunStart, piece.RunEnd = i, j
			if mask[i] {
				piece.Face = emoji
				piece.Script = language.Common
				if k := len(out) - 1; k >= 0 && out[k].Face == emoji && out[k].RunEnd == i && out[k].Direction == run.Direction {
					out[k].RunEnd = j
					i = j
					continue
				}
			}
			out = append(out, piece)
			i = j
		}
	}
	return out
}

// bitmap returns the colour bitmap of a glyph drawn from a bitmap strike
// (CBDT or sbix PNG), decoded once per shaper, or nil for a glyph drawn
// from its outline.
func (s *Shaper) bitmap(f *font.Face, gid font.GID) image.Image {
	has, ok := s.hasBitmaps[f.Font]
	if !ok {
		has = len(f.Font.BitmapSizes()) > 0
		s.hasBitmaps[f.Font] = has
	}
	if !has {
		return nil
	}
	k := outlineKey{f.Font, gid}
	if img, ok := s.bitmaps[k]; ok {
		return img
	}
	var img image.Image
	if bm, ok := f.GlyphDataBitmap(gid); ok && bm.Format == font.PNG {
		if dec, err := png.Decode(bytes.NewReader(bm.Data)); err == nil {
			// premultiplied once, so that each scaling needs no conversion
			rgba := image.NewRGBA(dec.Bounds())
			draw.Draw(rgba, rgba.Bounds(), dec, dec.Bounds().Min, draw.Src)
			img = rgba
		}
	}
	s.bitmaps[k] = img
	return img
}

// drawBitmap draws a colour glyph (an emoji) into dc's image, its bitmap
// scaled into the glyph's ink box, which the shaper gave from the same
// strike's metrics, so it stands on the baseline as the text does. Only
// col's alpha is used: an emoji keeps its own colours, but fades with a
// translucent text. It reports false for a glyph that has no bitmap.
func (s *Shaper) drawBitmap(dc *gg.Context, g Glyph, col color.Color) bool {
	src := s.bitmap(g.Face, g.ID)
	if src == nil {
		return false
	}
	dst, ok := dc.Image().(draw.Image)
	if !ok || g.Ink.Empty() {
		return true
	}
	sb := src.Bounds()
	sx, sy := g.Ink.W()/float64(sb.Dx()), g.Ink.H()/float64(sb.Dy())
	m := f64.Aff3{sx, 0, g.Ink.X0 - float64(sb.Min.X)*sx, 0, sy, g.Ink.Y0 - float64(sb.Min.Y)*sy}
	var opts *xdraw.Options
	if _, _, _, a := col.RGBA(); a < 0xffff {
		opts = &xdraw.Options{SrcMask: image.NewUniform(color.Alpha16{A: uint16(a)})}
	}
	xdraw.CatmullRom.Transform(dst, m, src, sb, xdraw.Over, opts)
	return true
}
