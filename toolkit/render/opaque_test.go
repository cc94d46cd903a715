package render

import (
	"image"
	"image/color"
	"image/draw"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// TestOpaqueAsRGBA: an opaque NRGBA picture is taken as RGBA, and scaling
// it gives the very pixels scaling the NRGBA picture gives; a picture with
// any transparency stays NRGBA.
func TestOpaqueAsRGBA(t *testing.T) {
	n := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			n.SetNRGBA(x, y, color.NRGBA{uint8(x * 4), uint8(y * 5), uint8(x ^ y), 255})
		}
	}
	got := opaqueAsRGBA(n)
	if _, ok := got.(*image.RGBA); !ok {
		t.Fatalf("opaque NRGBA came back as %T, want *image.RGBA", got)
	}
	a := image.NewRGBA(image.Rect(0, 0, 23, 17))
	b := image.NewRGBA(a.Rect)
	xdraw.CatmullRom.Scale(a, a.Rect, n, n.Rect, draw.Src, nil)
	xdraw.CatmullRom.Scale(b, b.Rect, got, n.Rect, draw.Src, nil)
	for i := range a.Pix {
		if a.Pix[i] != b.Pix[i] {
			t.Fatalf("scaled pixels differ at byte %d: %d from NRGBA, %d from RGBA", i, a.Pix[i], b.Pix[i])
		}
	}
	n.SetNRGBA(63, 47, color.NRGBA{1, 2, 3, 254})
	if _, ok := opaqueAsRGBA(n).(*image.NRGBA); !ok {
		t.Error("an NRGBA picture with a translucent pixel was taken as RGBA")
	}
}
