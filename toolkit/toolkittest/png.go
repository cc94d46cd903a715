package toolkittest

import (
	"bytes"
	"image"
	"image/png"
)

// Noise is a w×h picture of pseudo-random pixels, the same on every call:
// no encoder can make it much smaller than its 4·w·h bytes, so a test can
// have a file of a known size that is still a real picture.
func Noise(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	var x uint32 = 2463534242 // xorshift32, any non-zero seed
	for i := range img.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Pix[i] = byte(x)
	}
	return img
}

// RawPNG encodes img as a PNG stored without compression, so that its
// size follows from its pixels.
func RawPNG(img image.Image) []byte {
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&b, img); err != nil {
		panic(err) // only a writer's error, and a bytes.Buffer has none
	}
	return b.Bytes()
}
