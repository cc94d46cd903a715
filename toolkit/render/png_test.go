package render

import (
	"bytes"
	"hash/adler32"
	"image"
	"image/png"
	"math/rand/v2"
	"testing"
)

// TestEncodePNGExact: every pixel comes back from image/png's decoder, for
// opaque and translucent images of sizes that leave a part empty or a
// chunk short, with smooth, noisy and flat content.
func TestEncodePNGExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []image.Point{{1, 1}, {3, 2}, {17, 33}, {64, 1}, {1, 64}, {301, 157}} {
		for _, kind := range []string{"noise", "smooth", "flat", "translucent"} {
			img := image.NewRGBA(image.Rect(0, 0, size.X, size.Y))
			for i := range img.Pix {
				switch kind {
				case "noise", "translucent":
					img.Pix[i] = byte(rng.IntN(256))
				case "smooth":
					img.Pix[i] = byte(i / 4 % 251 / 3)
				case "flat":
					img.Pix[i] = 0x40
				}
				if i%4 == 3 && kind != "translucent" {
					img.Pix[i] = 0xff
				}
			}
			var b bytes.Buffer
			if err := encodePNG(&b, img); err != nil {
				t.Fatal(err)
			}
			dec, err := png.Decode(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatalf("%v %s: %v", size, kind, err)
			}
			got := image.NewRGBA(dec.Bounds())
			for y := 0; y < size.Y; y++ {
				for x := 0; x < size.X; x++ {
					got.Set(x, y, dec.At(x, y))
				}
			}
			if kind == "translucent" {
				// compare as non-premultiplied, as the file holds them
				want := image.NewNRGBA(img.Bounds())
				copy(want.Pix, img.Pix)
				if nd, ok := dec.(*image.NRGBA); !ok || !bytes.Equal(nd.Pix, want.Pix) {
					t.Errorf("%v %s: pixels differ after decoding", size, kind)
				}
				continue
			}
			if !bytes.Equal(got.Pix, img.Pix) {
				t.Errorf("%v %s: pixels differ after decoding", size, kind)
			}
		}
	}
}

func TestAdler32Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range [][2]int{{0, 5}, {5, 0}, {1, 1}, {1000, 70000}, {200000, 3}} {
		a, b := make([]byte, n[0]), make([]byte, n[1])
		for i := range a {
			a[i] = byte(rng.IntN(256))
		}
		for i := range b {
			b[i] = 0xff
		}
		got := adler32Combine(adler32.Checksum(a), adler32.Checksum(b), len(b))
		if want := adler32.Checksum(append(a, b...)); got != want {
			t.Errorf("lengths %v: got %08x, want %08x", n, got, want)
		}
	}
}
