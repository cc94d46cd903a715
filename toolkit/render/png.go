package render

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"io"
	"sync"
)

// PNG encoding tuned for cards. image/png tries all five row filters on
// every row and keeps the cheapest; on a 1080x1080 card that choice alone
// costs more than the compression. Cards are smooth gradients and flat
// panels under anti-aliased text, where the Up filter (each byte minus the
// one above) is as good as the best choice to within a few percent, so it
// is used for every row. Deflate runs at BestSpeed through a pooled writer.

var zlibPool = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(io.Discard, zlib.BestSpeed)
	return w
}}

// encodePNG writes img as an 8-bit RGB PNG when it is opaque, RGBA when not.
func encodePNG(w *bytes.Buffer, img *image.RGBA) error {
	b := img.Bounds()
	width, height := b.Dx(), b.Dy()
	opaque := true
	for y := 0; y < height && opaque; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+width*4]
		for i := 3; i < len(row); i += 4 {
			if row[i] != 0xff {
				opaque = false
				break
			}
		}
	}
	bpp, colorType := 3, byte(2)
	if !opaque {
		bpp, colorType = 4, 6
	}
	w.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8], ihdr[9] = 8, colorType // bit depth, colour type; compression, filter, interlace 0
	writeChunk(w, "IHDR", ihdr[:])

	var idat bytes.Buffer
	idat.Grow(width * height / 4)
	zw := zlibPool.Get().(*zlib.Writer)
	zw.Reset(&idat)
	rowLen := 1 + width*bpp
	cur := make([]byte, rowLen)
	prev := make([]byte, rowLen) // raw bytes of the row above (zero above the first)
	raw := make([]byte, rowLen)
	for y := 0; y < height; y++ {
		src := img.Pix[y*img.Stride : y*img.Stride+width*4]
		if bpp == 3 {
			for x, j := 0, 1; x < len(src); x, j = x+4, j+3 {
				raw[j], raw[j+1], raw[j+2] = src[x], src[x+1], src[x+2]
			}
		} else {
			copy(raw[1:], src)
		}
		cur[0] = 2 // Up
		for i := 1; i < rowLen; i++ {
			cur[i] = raw[i] - prev[i]
		}
		if _, err := zw.Write(cur); err != nil {
			return err
		}
		prev, raw = raw, prev
	}
	if err := zw.Close(); err != nil {
		return err
	}
	zlibPool.Put(zw)
	writeChunk(w, "IDAT", idat.Bytes())
	writeChunk(w, "IEND", nil)
	return nil
}

func writeChunk(w *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	w.WriteString(typ)
	w.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	w.Write(n[:])
}
