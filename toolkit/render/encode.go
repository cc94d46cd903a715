package render

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"

	"github.com/campaignkit/campaignkit/toolkit"
)

// Encode writes img in the preset's format within its byte limit. JPEG
// quality steps down from 92 until the file fits (the bluesky preset must
// stay under 1,000,000 bytes).
func Encode(img *image.RGBA, p toolkit.Preset) ([]byte, error) {
	var buf bytes.Buffer
	switch p.Format {
	case toolkit.JPEG:
		for q := 92; q >= 50; q -= 6 {
			buf.Reset()
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
				return nil, err
			}
			if p.MaxBytes == 0 || buf.Len() < p.MaxBytes {
				return buf.Bytes(), nil
			}
		}
		return nil, fmt.Errorf("preset %s: JPEG stays over %d bytes even at quality 50", p.Name, p.MaxBytes)
	default:
		buf.Grow(p.Width * p.Height / 4)
		if err := encodePNG(&buf, img); err != nil {
			return nil, err
		}
		if p.MaxBytes > 0 && buf.Len() >= p.MaxBytes {
			return nil, fmt.Errorf("preset %s: PNG of %d bytes is over the platform's %d byte limit", p.Name, buf.Len(), p.MaxBytes)
		}
		return buf.Bytes(), nil
	}
}
