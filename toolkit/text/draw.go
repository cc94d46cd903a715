package text

import (
	"image/color"

	"github.com/fogleman/gg"
	ot "github.com/go-text/typesetting/font/opentype"
)

// Draw fills the block's glyphs from their outlines through dc, in col.
// All glyphs of a line go into one path and one fill: far cheaper than a
// fill per glyph, and the non-zero rule keeps overlapping joins (Arabic)
// solid.
func (s *Shaper) Draw(dc *gg.Context, b *Block, col color.Color) {
	dc.SetColor(col)
	dc.SetFillRuleWinding()
	for _, l := range b.Lines {
		drawn := false
		for _, g := range l.Glyphs {
			if g.Ink.Empty() || s.drawBitmap(dc, g, col) { // emoji.go
				continue
			}
			if s.appendGlyph(dc, g) {
				drawn = true
			}
		}
		if drawn {
			dc.Fill()
		}
	}
}

// appendGlyph adds g's outline to dc's current path.
func (s *Shaper) appendGlyph(dc *gg.Context, g Glyph) bool {
	segs := s.outline(g.Face, g.ID)
	if len(segs) == 0 {
		return false
	}
	k := g.Size / float64(g.Face.Upem())
	x, y := g.X, g.Y
	px := func(p ot.SegmentPoint) (float64, float64) {
		return x + float64(p.X)*k, y - float64(p.Y)*k
	}
	open := false
	for i := range segs {
		sg := &segs[i]
		switch sg.Op {
		case ot.SegmentOpMoveTo:
			if open {
				dc.ClosePath()
			}
			dc.MoveTo(px(sg.Args[0]))
			open = true
		case ot.SegmentOpLineTo:
			dc.LineTo(px(sg.Args[0]))
		case ot.SegmentOpQuadTo:
			x1, y1 := px(sg.Args[0])
			x2, y2 := px(sg.Args[1])
			dc.QuadraticTo(x1, y1, x2, y2)
		case ot.SegmentOpCubeTo:
			x1, y1 := px(sg.Args[0])
			x2, y2 := px(sg.Args[1])
			x3, y3 := px(sg.Args[2])
			dc.CubicTo(x1, y1, x2, y2, x3, y3)
		}
	}
	if open {
		dc.ClosePath()
	}
	return true
}
