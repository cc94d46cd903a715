package text

import (
	"image"
	"image/color"
	"testing"

	"github.com/fogleman/gg"
)

// TestDrawLargeGlyphInTiles: a glyph over 512 px is rasterised in tiles
// (see rasterise); its stem is solid across the tiles' edges, with no seam,
// and nothing is drawn outside its ink box.
func TestDrawLargeGlyphInTiles(t *testing.T) {
	lib, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	s := lib.NewShaper()
	b, err := s.Fit(Spec{Text: "I", Lang: "en", Weight: Bold, MinSize: 1400, MaxSize: 1400}, Rect{0, 0, 1400, 2000})
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 1400, 2000))
	s.Draw(gg.NewContextForRGBA(img), b, color.White)
	ink := b.Lines[0].Glyphs[0].Ink
	if ink.H() < 900 {
		t.Fatalf("the glyph is %.0f px tall, want over 512 to need tiles", ink.H())
	}
	cx := int((ink.X0 + ink.X1) / 2)
	for y := int(ink.Y0) + 2; y < int(ink.Y1)-2; y++ {
		if v := img.Pix[y*img.Stride+4*cx]; v != 0xff {
			t.Fatalf("stem at %d,%d has coverage %d, want 255", cx, y, v)
		}
	}
	for y := 0; y < img.Rect.Dy(); y++ {
		for x := 0; x < img.Rect.Dx(); x++ {
			out := float64(x) < ink.X0-1 || float64(x) > ink.X1+1 || float64(y) < ink.Y0-1 || float64(y) > ink.Y1+1
			if out && img.Pix[y*img.Stride+4*x+3] != 0 {
				t.Fatalf("pixel %d,%d drawn outside the ink box %v", x, y, ink)
			}
		}
	}
}
