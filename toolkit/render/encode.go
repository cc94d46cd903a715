package render

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"sync"

	"github.com/campaignkit/campaignkit/toolkit"
)

// pngBuffers shares the PNG encoder's large scratch buffers between cards.
type pngBuffers struct{ p sync.Pool }

func (b *pngBuffers) Get() *png.EncoderBuffer {
	v, _ := b.p.Get().(*png.EncoderBuffer)
	return v
}
func (b *pngBuffers) Put(e *png.EncoderBuffer) { b.p.Put(e) }

// BestSpeed deflate: cards are flat colour and anti-aliased text, which the
// fastest level already compresses to within a few percent of the default
// level at a third less time (see BenchmarkEncode).
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngBuffers{}}

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
		if err := pngEncoder.Encode(&buf, img); err != nil {
			return nil, err
		}
		if p.MaxBytes > 0 && buf.Len() >= p.MaxBytes {
			return nil, fmt.Errorf("preset %s: PNG of %d bytes is over the platform's %d byte limit", p.Name, buf.Len(), p.MaxBytes)
		}
		return buf.Bytes(), nil
	}
}
