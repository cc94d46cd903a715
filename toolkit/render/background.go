package render

import (
	"encoding/binary"
	"image"
	"image/color"
	"math"
)

// fillSolid paints every pixel of img with c (opaque).
func fillSolid(img *image.RGBA, c color.NRGBA) {
	w := img.Bounds().Dx()
	row := img.Pix[:w*4]
	for x := 0; x < w; x++ {
		row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = c.R, c.G, c.B, 255
	}
	for y := 1; y < img.Bounds().Dy(); y++ {
		copy(img.Pix[y*img.Stride:y*img.Stride+w*4], row)
	}
}

// gradientLUT samples stops spread evenly from 0 to 1 into n colours.
func gradientLUT(stops []color.NRGBA, n int) [][4]uint8 {
	lut := make([][4]uint8, n)
	for i := range lut {
		t := float64(i) / float64(n-1) * float64(len(stops)-1)
		k := min(int(t), len(stops)-2)
		f := t - float64(k)
		a, b := stops[k], stops[k+1]
		mix := func(x, y uint8) uint8 { return uint8(float64(x)*(1-f) + float64(y)*f + 0.5) }
		lut[i] = [4]uint8{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
	}
	return lut
}

// fillGradient paints a linear gradient at angle degrees (0: left to right,
// 90: top to bottom) across img from a lookup table: gg's gradient pattern
// shades one pixel at a time through interfaces and costs tens of
// milliseconds per card; this costs well under one.
//
// Every row is the row above moved sideways by a whole number of pixels
// (the rows' starts are rounded to the pixel along the gradient, which no
// eye can tell), so most of a row is a copy, and the PNG encoder's
// compressor finds each row in the one above: an image of smooth
// gradients compresses to half the bytes of one shaded pixel by pixel.
func fillGradient(img *image.RGBA, angle float64, stops []color.NRGBA) {
	const n = 1024
	lut := gradientLUT(stops, n)
	packed := make([]uint32, n)
	for i, c := range lut {
		packed[i] = binary.LittleEndian.Uint32(c[:])
	}
	b := img.Bounds()
	W := b.Dx()
	w, h := float64(W), float64(b.Dy())
	rad := angle * math.Pi / 180
	dx, dy := math.Cos(rad), math.Sin(rad)
	if math.Abs(dx) < 1e-9 {
		dx = 0
	}
	// the gradient line spans the canvas's projection on the direction (as CSS)
	length := math.Abs(w*dx) + math.Abs(h*dy)
	cx, cy := w/2, h/2
	// LUT positions in 16.16 fixed point, stepped along each row
	const one = 1 << 16
	step := int64(dx / length * (n - 1) * one)
	if step == 0 {
		// rows of one colour each
		for y := 0; y < b.Dy(); y++ {
			t := int64(((((0.5-cx)*dx+(float64(y)+0.5-cy)*dy)/length+0.5)*(n-1) + 0.5) * one)
			row := img.Pix[y*img.Stride : y*img.Stride+W*4]
			v := packed[clampIndex(float64(t)/one-0.5, n)]
			binary.LittleEndian.PutUint32(row, v)
			for k := 4; k < len(row); k *= 2 {
				copy(row[k:], row[:k])
			}
		}
		return
	}
	// pixel (x, y) has the colour of position x+shift(y) of one long row
	t0 := int64(((((0.5-cx)*dx+(0.5-cy)*dy)/length+0.5)*(n-1) + 0.5) * one)
	at := func(u int64) uint32 {
		i := (t0 + u*step) >> 16
		if i < 0 {
			i = 0
		} else if i >= n {
			i = n - 1
		}
		return packed[i]
	}
	paint := func(row []byte, shift int64, x0, x1 int) {
		for x := x0; x < x1; x++ {
			binary.LittleEndian.PutUint32(row[4*x:], at(int64(x)+shift))
		}
	}
	slope := dy / dx
	var prev []byte
	var prevShift int64
	for y := 0; y < b.Dy(); y++ {
		shift := int64(math.Round(float64(y) * slope))
		row := img.Pix[y*img.Stride : y*img.Stride+W*4]
		d := shift - prevShift
		switch {
		case prev == nil || d >= int64(W) || d <= -int64(W):
			paint(row, shift, 0, W)
		case d >= 0:
			copy(row, prev[4*d:])
			paint(row, shift, W-int(d), W)
		default:
			copy(row[4*(-d):], prev)
			paint(row, shift, 0, int(-d))
		}
		prev, prevShift = row, shift
	}
}

func clampIndex(t float64, n int) int {
	i := int(t + 0.5)
	if i < 0 {
		return 0
	}
	if i >= n {
		return n - 1
	}
	return i
}

// overlay blends c at opacity a over every pixel of img.
func overlay(img *image.RGBA, c color.NRGBA, a float64) {
	ia := uint32(a*256 + 0.5)
	r, g, bl := uint32(c.R)*ia, uint32(c.G)*ia, uint32(c.B)*ia
	inv := 256 - ia
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i] = uint8((uint32(img.Pix[i])*inv + r) >> 8)
		img.Pix[i+1] = uint8((uint32(img.Pix[i+1])*inv + g) >> 8)
		img.Pix[i+2] = uint8((uint32(img.Pix[i+2])*inv + bl) >> 8)
	}
}
