package render

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/adler32"
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
// is used for every row. Deflate runs at BestSpeed through pooled writers.

var flatePool = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(io.Discard, flate.BestSpeed)
	return w
}}

var filterPool = sync.Pool{New: func() any { return new([]byte) }}

// parts is how many independent deflate streams the image data is split
// into and compressed concurrently (as pigz does). It is a constant, not the
// number of cores, so the bytes are the same on every machine.
const parts = 2

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

	// filter every row (Up) into one buffer
	rowLen := 1 + width*bpp
	bufp := filterPool.Get().(*[]byte)
	defer filterPool.Put(bufp)
	if cap(*bufp) < rowLen*height {
		*bufp = make([]byte, rowLen*height)
	}
	filtered := (*bufp)[:rowLen*height]
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
		cur := filtered[y*rowLen : (y+1)*rowLen]
		cur[0] = 2 // Up
		for i := 1; i < rowLen; i++ {
			cur[i] = raw[i] - prev[i]
		}
		prev, raw = raw, prev
	}

	// compress the halves concurrently; all but the last end with a sync
	// flush (byte-aligned, not final), so the streams concatenate into one
	var (
		out  [parts]bytes.Buffer
		errs [parts]error
		wg   sync.WaitGroup
	)
	per := (height + parts - 1) / parts
	for k := 0; k < parts; k++ {
		lo, hi := min(k*per, height)*rowLen, min((k+1)*per, height)*rowLen
		wg.Add(1)
		go func() {
			defer wg.Done()
			fw := flatePool.Get().(*flate.Writer)
			defer flatePool.Put(fw)
			out[k].Grow((hi - lo) / 8)
			fw.Reset(&out[k])
			if _, err := fw.Write(filtered[lo:hi]); err != nil {
				errs[k] = err
				return
			}
			if k == parts-1 {
				errs[k] = fw.Close()
			} else {
				errs[k] = fw.Flush()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	var idat bytes.Buffer
	idat.Grow(2 + out[0].Len() + out[1].Len() + 4)
	idat.Write([]byte{0x78, 0x01}) // zlib header: deflate, 32K window, fastest
	for k := range out {
		idat.Write(out[k].Bytes())
	}
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], adler32.Checksum(filtered))
	idat.Write(sum[:])
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
