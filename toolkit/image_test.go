package toolkit

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

func encoded(t *testing.T, format string, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&b, img)
	} else {
		err = jpeg.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestImageLimits: every limit is checked from the header, before a pixel
// is allocated, and a file whose data is cut short is refused when decoded.
func TestImageLimits(t *testing.T) {
	small := encoded(t, "png", 40, 30)
	for _, tc := range []struct {
		name string
		data []byte
		lim  ImageLimits
		want string // "" when accepted
	}{
		{"png", small, ImageLimits{}, ""},
		{"jpeg", encoded(t, "jpeg", 40, 30), ImageLimits{}, ""},
		{"gif", []byte("GIF89a...."), ImageLimits{}, "not a PNG or JPEG"},
		{"text", []byte("hello"), ImageLimits{}, "not a PNG or JPEG"},
		{"huge header", toolkittest.PNGHeader(100000, 100000), ImageLimits{}, "megapixel limit"},
		{"empty size", toolkittest.PNGHeader(0, 10), ImageLimits{}, "unreadable png header"},
		{"wide", toolkittest.PNGHeader(5000, 10), ImageLimits{MaxSide: 4000}, "over the 4000x4000 limit"},
		{"pixels", toolkittest.PNGHeader(2000, 2000), ImageLimits{MaxPixels: 1_000_000}, "over the 1 megapixel limit"},
		{"bytes", small, ImageLimits{MaxBytes: 10}, "more than the 10 allowed"},
		{"broken header", []byte("\x89PNG\r\n\x1a\nxx"), ImageLimits{}, "unreadable png header"},
	} {
		_, _, err := CheckImage(tc.data, tc.lim)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
	if img, format, err := DecodeImage(small, ImageLimits{}); err != nil || format != "png" || img.Bounds().Dx() != 40 {
		t.Errorf("decode: %v %s %v", img, format, err)
	}
	if _, _, err := DecodeImage(small[:len(small)-30], ImageLimits{}); err == nil {
		t.Error("a cut-short PNG decoded")
	}
}

func TestLocalPath(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"logo.png", true},
		{"img/photo.jpg", true},
		{"..logo.png", true}, // a name that starts with dots, not a way out
		{"img/../logo.png", true},
		{"../logo.png", false},
		{"..", false},
		{"img/../../logo.png", false},
		{"/etc/logo.png", false},
		{`img\logo.png`, false},
	} {
		if got := LocalPath(tc.name); got != tc.want {
			t.Errorf("LocalPath(%q): got %v, want %v", tc.name, got, tc.want)
		}
	}
}
