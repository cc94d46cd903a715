package render

import (
	"image"
	"image/color"
	"image/draw"
	"math/rand/v2"
	"runtime"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// TestScaleToMatchesCatmullRom: scaleTo gives, within a level,
// the pixels of x/image/draw's CatmullRom, shrinking and enlarging,
// from RGBA, NRGBA with transparency and a part of the source.
func TestScaleToMatchesCatmullRom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	photo := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			v := uint8(x*y/300) ^ uint8(rng.IntN(40))
			photo.SetRGBA(x, y, color.RGBA{v, uint8(x), uint8(y), 255})
		}
	}
	logo := image.NewNRGBA(image.Rect(0, 0, 200, 80))
	for y := 0; y < 80; y++ {
		for x := 0; x < 200; x++ {
			logo.SetNRGBA(x, y, color.NRGBA{uint8(x), 90, uint8(255 - y), uint8((x + y) * 2)})
		}
	}
	for _, tc := range []struct {
		name string
		src  image.Image
		sr   image.Rectangle
		w, h int
	}{
		{"shrink", photo, photo.Rect, 107, 80},
		{"enlarge", photo, photo.Rect, 500, 410},
		{"part", photo, image.Rect(40, 10, 250, 200), 150, 150},
		{"uneven", photo, photo.Rect, 319, 61},
		{"translucent", logo, logo.Rect, 73, 29},
	} {
		want := image.NewRGBA(image.Rect(0, 0, tc.w, tc.h))
		xdraw.CatmullRom.Scale(want, want.Rect, tc.src, tc.sr, draw.Src, nil)
		got := image.NewRGBA(want.Rect)
		scaleTo(got, tc.src, tc.sr)
		worst, off := 0, 0
		for i := range got.Pix {
			d := int(got.Pix[i]) - int(want.Pix[i])
			if d < 0 {
				d = -d
			}
			worst = max(worst, d)
			if d > 0 {
				off++
			}
		}
		if worst > 1 {
			t.Errorf("%s: a byte is %d levels from CatmullRom's (%d of %d bytes differ)", tc.name, worst, off, len(got.Pix))
		}
		t.Logf("%s: worst %d, %d of %d bytes differ", tc.name, worst, off, len(got.Pix))
	}
}

// TestScaleToMemory: scaling keeps a few resampled rows, not the whole
// source's height of them: a 1000x8000 picture shrunk to 500x500 would
// hold 64 MB of rows at once.
func TestScaleToMemory(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 1000, 8000))
	for i := range src.Pix {
		src.Pix[i] = uint8(i * 7)
	}
	dst := image.NewRGBA(image.Rect(0, 0, 500, 500))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	scaleTo(dst, src, src.Rect)
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 {
		t.Errorf("scaling allocated %d MB, want under 8", got>>20)
	}
}

func BenchmarkScale(b *testing.B) {
	src := image.NewRGBA(image.Rect(0, 0, 1600, 1600))
	for i := range src.Pix {
		src.Pix[i] = uint8(i * 31 / 7)
	}
	dst := image.NewRGBA(image.Rect(0, 0, 1080, 1056))
	b.Run("ours", func(b *testing.B) {
		for b.Loop() {
			scaleTo(dst, src, image.Rect(0, 20, 1600, 1585))
		}
	})
	b.Run("xdraw", func(b *testing.B) {
		for b.Loop() {
			xdraw.CatmullRom.Scale(dst, dst.Rect, src, image.Rect(0, 20, 1600, 1585), draw.Src, nil)
		}
	})
}
