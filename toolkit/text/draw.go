package text

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/fogleman/gg"
	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"golang.org/x/image/vector"
)

// Draw fills the block's glyphs into dc's image, in col. Each glyph is
// rasterised on its own into a coverage mask (golang.org/x/image/vector),
// which the shaper keeps for the next time the same glyph is drawn at the
// same size and sub-pixel position, on this card or a later one. A line's
// masks are added into one coverage buffer (saturating, as one fill of all
// the outlines under the non-zero rule: Arabic joins and overlapping
// glyphs stay solid, with no seam) and the line is composited once.
//
// dc's clip and transform do not apply: text is drawn in canvas pixels.
func (s *Shaper) Draw(dc *gg.Context, b *Block, col color.Color) {
	dst, ok := dc.Image().(draw.Image)
	if !ok {
		return
	}
	src := image.NewUniform(col)
	for _, l := range b.Lines {
		var placed []placedMask
		var area image.Rectangle
		for _, g := range l.Glyphs {
			if g.Ink.Empty() || s.drawBitmap(dc, g, col) { // emoji.go
				continue
			}
			if m, at := s.glyphMask(g); !at.Empty() {
				placed = append(placed, placedMask{m, at})
				area = area.Union(at)
			}
		}
		if len(placed) == 0 {
			continue
		}
		n := area.Dx() * area.Dy()
		if cap(s.line) < n {
			s.line = make([]byte, n)
		}
		cov := &image.Alpha{Pix: s.line[:n], Stride: area.Dx(), Rect: area}
		clear(cov.Pix)
		for _, p := range placed {
			w := p.at.Dx()
			for y := 0; y < p.at.Dy(); y++ {
				row := cov.Pix[cov.PixOffset(p.at.Min.X, p.at.Min.Y+y):][:w]
				for x, v := range p.m.pix[y*w : (y+1)*w] {
					row[x] = uint8(min(int(row[x])+int(v), 0xff))
				}
			}
		}
		draw.DrawMask(dst, area, src, image.Point{}, cov, area.Min, draw.Over)
	}
}

type placedMask struct {
	m  glyphMask
	at image.Rectangle // where it lands on the canvas
}

// subpixel is how many positions per pixel, across and down, a glyph's
// origin is rounded to: a glyph moves by at most 1/(2*subpixel) px, too
// little to see, and its masks are reused whenever the same glyph lands on
// the same sub-pixel position.
const subpixel = 4

// maskKey names one rasterised glyph.
type maskKey struct {
	f      *font.Font
	gid    font.GID
	size   float64 // pixels per em
	fx, fy uint8   // origin's sub-pixel position, in 1/subpixel px
}

// glyphMask is a glyph's coverage; rect is relative to the glyph's origin
// rounded down to the pixel.
type glyphMask struct {
	rect image.Rectangle
	pix  []byte
}

// maxMaskBytes bounds the masks a shaper keeps; past it they are dropped
// and drawn again as needed.
const maxMaskBytes = 2 << 20

// glyphMask returns g's coverage mask and where on the canvas it lands.
func (s *Shaper) glyphMask(g Glyph) (glyphMask, image.Rectangle) {
	qx, qy := math.Floor(float64(g.X*subpixel)+0.5), math.Floor(float64(g.Y*subpixel)+0.5)
	ix, iy := math.Floor(qx/subpixel), math.Floor(qy/subpixel)
	k := maskKey{f: g.Face.Font, gid: g.ID, size: g.Size, fx: uint8(qx - ix*subpixel), fy: uint8(qy - iy*subpixel)}
	m, ok := s.masks[k]
	if !ok {
		m = s.rasterise(g, k)
		if s.maskBytes+len(m.pix) > maxMaskBytes {
			clear(s.masks)
			s.maskBytes = 0
		}
		s.masks[k] = m
		s.maskBytes += len(m.pix)
	}
	return m, m.rect.Add(image.Pt(int(ix), int(iy)))
}

// rasterise draws the outline of glyph k into a new coverage mask.
func (s *Shaper) rasterise(g Glyph, k maskKey) glyphMask {
	o := s.outline(g.Face, g.ID)
	if len(o.segs) == 0 {
		return glyphMask{}
	}
	scale := k.size / float64(g.Face.Upem())
	ox, oy := float64(k.fx)/subpixel, float64(k.fy)/subpixel
	// the mask covers the outline's control points, which bound its curves
	r := image.Rect(
		int(math.Floor(ox+float64(float64(o.x0)*scale)))-1, int(math.Floor(oy-float64(float64(o.y1)*scale)))-1,
		int(math.Ceil(ox+float64(float64(o.x1)*scale)))+1, int(math.Ceil(oy-float64(float64(o.y0)*scale)))+1,
	)
	m := glyphMask{rect: r, pix: make([]byte, r.Dx()*r.Dy())}
	// Explicit conversions round every product, so no architecture fuses a
	// multiply and an add: the same glyph gives the same bytes everywhere.
	px := func(p ot.SegmentPoint) (float64, float64) {
		return ox - float64(r.Min.X) + float64(float64(p.X)*scale), oy - float64(r.Min.Y) - float64(float64(p.Y)*scale)
	}
	// The rasteriser works in fixed point up to 512 px a side, and in
	// floating point beyond, where rounding may differ between machines:
	// larger glyphs are drawn in tiles.
	const tile = 512
	for ty := 0; ty < r.Dy(); ty += tile {
		for tx := 0; tx < r.Dx(); tx += tile {
			w, h := min(tile, r.Dx()-tx), min(tile, r.Dy()-ty)
			z := s.raster
			z.Reset(w, h)
			z.DrawOp = draw.Src
			f := flattener{z: z, dx: float64(tx), dy: float64(ty)}
			open := false
			for i := range o.segs {
				sg := &o.segs[i]
				switch sg.Op {
				case ot.SegmentOpMoveTo:
					if open {
						z.ClosePath()
					}
					f.moveTo(px(sg.Args[0]))
					open = true
				case ot.SegmentOpLineTo:
					f.lineTo(px(sg.Args[0]))
				case ot.SegmentOpQuadTo:
					x1, y1 := px(sg.Args[0])
					x2, y2 := px(sg.Args[1])
					f.quadTo(x1, y1, x2, y2)
				case ot.SegmentOpCubeTo:
					x1, y1 := px(sg.Args[0])
					x2, y2 := px(sg.Args[1])
					x3, y3 := px(sg.Args[2])
					f.cubeTo(x1, y1, x2, y2, x3, y3)
				}
			}
			if open {
				z.ClosePath()
			}
			part := &image.Alpha{Pix: m.pix[ty*r.Dx()+tx:], Stride: r.Dx(), Rect: image.Rect(0, 0, w, h)}
			z.Draw(part, part.Rect, image.Opaque, image.Point{})
		}
	}
	return m
}

// flattener turns curves into line segments for the rasteriser, at most
// flatness px from the curve, in a tile whose top-left corner is dx, dy.
type flattener struct {
	z      *vector.Rasterizer
	dx, dy float64
	x, y   float64 // the pen
}

const flatness = 0.03

func (f *flattener) moveTo(x, y float64) {
	f.x, f.y = x, y
	f.z.MoveTo(float32(x-f.dx), float32(y-f.dy))
}

// maxRows is the most pixel rows one line given to the rasteriser spans.
// Its fixed-point arithmetic rounds each row's step along a line toward
// zero, so a long edge drifts (a fifth of a pixel over a hundred rows);
// short pieces keep the drift under a hundredth.
const maxRows = 4

func (f *flattener) lineTo(x, y float64) {
	x0, y0 := f.x, f.y
	f.x, f.y = x, y
	if n := math.Ceil(math.Abs(y-y0) / maxRows); n > 1 {
		for i := 1.0; i < n; i++ {
			t := i / n
			f.z.LineTo(float32(x0+float64(t*(x-x0))-f.dx), float32(y0+float64(t*(y-y0))-f.dy))
		}
	}
	f.z.LineTo(float32(x-f.dx), float32(y-f.dy))
}

// segments is how many lines follow a curve whose control polygon bends
// by dd px (its largest second difference) within flatness: the error of
// n equal steps is at most c*dd/n².
func segments(dd, c float64) int {
	n := math.Ceil(math.Sqrt(float64(c*dd) / flatness))
	return int(max(1, min(n, 100)))
}

func (f *flattener) quadTo(x1, y1, x2, y2 float64) {
	x0, y0 := f.x, f.y
	n := segments(math.Hypot(x0-float64(2*x1)+x2, y0-float64(2*y1)+y2), 0.25)
	for i := 1; i < n; i++ {
		t := float64(i) / float64(n)
		u := 1 - t
		a, b, c := float64(u*u), float64(2*u*t), float64(t*t)
		f.lineTo(float64(a*x0)+float64(b*x1)+float64(c*x2), float64(a*y0)+float64(b*y1)+float64(c*y2))
	}
	f.lineTo(x2, y2)
}

func (f *flattener) cubeTo(x1, y1, x2, y2, x3, y3 float64) {
	x0, y0 := f.x, f.y
	dd := max(math.Hypot(x0-float64(2*x1)+x2, y0-float64(2*y1)+y2), math.Hypot(x1-float64(2*x2)+x3, y1-float64(2*y2)+y3))
	n := segments(dd, 0.75)
	for i := 1; i < n; i++ {
		t := float64(i) / float64(n)
		u := 1 - t
		a, b, c, d := float64(u*u*u), float64(3*u*u*t), float64(3*u*t*t), float64(t*t*t)
		f.lineTo(float64(a*x0)+float64(b*x1)+float64(c*x2)+float64(d*x3),
			float64(a*y0)+float64(b*y1)+float64(c*y2)+float64(d*y3))
	}
	f.lineTo(x3, y3)
}
