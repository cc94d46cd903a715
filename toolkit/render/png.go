package render

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"math/bits"
	"sync"

	"github.com/klauspost/compress/flate"
)

// PNG encoding tuned for cards, in one pass per row: the alpha channel is
// dropped (cards are opaque), the row is filtered and handed to the
// compressor while it is still in the cache.
//
// The filter of each row is Sub, Up or Paeth (weighed on busy rows only),
// whichever leaves the fewest non-zero bytes, and the row above's filter
// unless another leaves a tenth fewer. image/png weighs all five filters by the sum of the bytes' sizes,
// which costs more than it saves here: cards are gradients whose rows are
// the row above moved sideways (see fillGradient) and flat panels under
// anti-aliased text, where what deflate rewards is runs of zeros and rows
// filtered alike, which repeat.
//
// Deflate is klauspost/compress's level 6: about as fast as the standard
// library's BestSpeed, and smaller than the standard library's default
// level, which takes six times as long, on cards (see BenchmarkEncodePNG).

// pngLevel is the deflate level.
const pngLevel = 6

// parts is how many independent deflate streams the image data is split
// into and compressed concurrently (as pigz does). It is a constant, not the
// number of cores, so the bytes are the same on every machine.
const parts = 2

// chunkRows is how many filtered rows are handed to the compressor at once.
const chunkRows = 16

// partPool holds the buffers the parts after the first are compressed
// into, which are copied out at once: a card's worth of compressed bytes
// need not be allocated, and faulted in, for every card.
var partPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

var flatePool = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, pngLevel)
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

	// the IDAT chunk is written in place (its length patched in at the
	// end): length, type, zlib header, the parts' streams, Adler-32, CRC
	lenAt := w.Len()
	w.Write([]byte{0, 0, 0, 0})
	w.WriteString("IDAT")
	w.Write([]byte{0x78, 0x5e}) // zlib header: deflate, 32K window, default-ish level

	// compress the parts concurrently, the first straight into w, the
	// others into pooled buffers appended after it; all but the last end
	// with a sync flush (byte-aligned, not final), so the streams
	// concatenate into one
	var (
		out  [parts]*bytes.Buffer
		sums [parts]uint32
		errs [parts]error
		wg   sync.WaitGroup
	)
	rowLen := 1 + width*bpp
	per := (height + parts - 1) / parts
	for k := 1; k < parts; k++ {
		lo, hi := min(k*per, height), min((k+1)*per, height)
		out[k] = partPool.Get().(*bytes.Buffer)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sums[k], errs[k] = deflateRows(out[k], img, lo, hi, bpp, k == parts-1)
		}()
	}
	sums[0], errs[0] = deflateRows(w, img, 0, min(per, height), bpp, parts == 1)
	wg.Wait()
	defer func() {
		for _, b := range out[1:] {
			b.Reset()
			partPool.Put(b)
		}
	}()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	sum := sums[0]
	for k := 1; k < parts; k++ {
		w.Write(out[k].Bytes())
		lo, hi := min(k*per, height), min((k+1)*per, height)
		sum = adler32Combine(sum, sums[k], (hi-lo)*rowLen)
	}
	var word [4]byte
	binary.BigEndian.PutUint32(word[:], sum)
	w.Write(word[:])
	data := w.Bytes()[lenAt:]
	binary.BigEndian.PutUint32(data, uint32(len(data)-8))
	binary.BigEndian.PutUint32(word[:], crc32.ChecksumIEEE(data[4:]))
	w.Write(word[:])
	writeChunk(w, "IEND", nil)
	return nil
}

// deflateRows filters rows lo to hi of img and compresses them into dst,
// closing the stream when last, else ending it with a sync flush. It
// returns the Adler-32 of the filtered bytes.
func deflateRows(dst *bytes.Buffer, img *image.RGBA, lo, hi, bpp int, last bool) (uint32, error) {
	n := img.Bounds().Dx() * bpp
	rowLen := 1 + n
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	sc.grow(n, chunkRows*rowLen)
	fw := flatePool.Get().(*flate.Writer)
	defer flatePool.Put(fw)
	fw.Reset(dst)
	sum := newAdler()
	was := byte(filterUp) // the filter of the row above
	for y := lo; y < hi; y += chunkRows {
		rows := min(chunkRows, hi-y)
		chunk := sc.chunk[:rows*rowLen]
		for r := 0; r < rows; r++ {
			was = sc.filterRow(chunk[r*rowLen:(r+1)*rowLen], img, y+r, bpp, was)
		}
		sum.write(chunk)
		if _, err := fw.Write(chunk); err != nil {
			return 0, err
		}
	}
	if last {
		return sum.sum32(), fw.Close()
	}
	return sum.sum32(), fw.Flush()
}

// PNG filter types.
const (
	filterSub   = 1
	filterUp    = 2
	filterPaeth = 4
)

// scratch is one part's working memory: a row filtered each way (with a
// spare byte, as pixels are written a word at a time) and a chunk of
// filtered rows for the compressor.
type scratch struct{ sub, up, paeth, chunk, zero []byte }

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func (sc *scratch) grow(row, chunk int) {
	if len(sc.sub) < row+1 || len(sc.chunk) < chunk {
		*sc = scratch{make([]byte, row+8), make([]byte, row+8), make([]byte, row), make([]byte, chunk), nil}
	}
}

// filterRow writes the filter byte and row y of img, filtered, into dst,
// without alpha when bpp is 3; was is the filter of the row above. Sub and
// Up are computed eight bytes at a time and weighed by the bytes they
// leave non-zero; Paeth, byte by byte, only on busy rows (photos).
func (sc *scratch) filterRow(dst []byte, img *image.RGBA, y, bpp int, was byte) byte {
	w := img.Bounds().Dx()
	n := w * bpp
	cur := img.Pix[y*img.Stride : y*img.Stride+w*4]
	var prev []byte
	if y > 0 {
		prev = img.Pix[(y-1)*img.Stride : (y-1)*img.Stride+w*4]
	} else {
		if len(sc.zero) < w*4 {
			sc.zero = make([]byte, w*4) // above the first row
		}
		prev = sc.zero[:w*4]
	}
	mask := uint64(0xffffffff_ffffffff)
	if bpp == 3 {
		mask = 0x00ffffff_00ffffff
	}
	sub, up := sc.sub[:n+8], sc.up[:n+8]
	var nSub, nUp int
	left := uint64(0) // the pixel to the left, in the low word
	x, j := 0, 0
	// two pixels at a time; with bpp 3 each word's six bytes are packed
	// and written eight at a time, the last two overwritten next
	for ; x+8 <= len(cur); x, j = x+8, j+2*bpp {
		c := binary.LittleEndian.Uint64(cur[x : x+8])
		u := binary.LittleEndian.Uint64(prev[x : x+8])
		ds, du := sub8x8(c, c<<32|left), sub8x8(c, u)
		nSub += nonZeroBytes(ds & mask)
		nUp += nonZeroBytes(du & mask)
		if bpp == 3 {
			ds = ds&0xffffff | ds>>8&0xffffff_000000
			du = du&0xffffff | du>>8&0xffffff_000000
		}
		binary.LittleEndian.PutUint64(sub[j:j+8], ds)
		binary.LittleEndian.PutUint64(up[j:j+8], du)
		left = c >> 32
	}
	if x < len(cur) { // an odd pixel at the end
		c := uint64(binary.LittleEndian.Uint32(cur[x : x+4]))
		u := uint64(binary.LittleEndian.Uint32(prev[x : x+4]))
		ds, du := sub8x8(c, left), sub8x8(c, u)
		nSub += nonZeroBytes(ds & mask & 0xffffffff)
		nUp += nonZeroBytes(du & mask & 0xffffffff)
		binary.LittleEndian.PutUint32(sub[j:j+4], uint32(ds))
		binary.LittleEndian.PutUint32(up[j:j+4], uint32(du))
	}
	best, cost := byte(filterSub), nSub
	if nUp < cost {
		best, cost = filterUp, nUp
	}
	nPaeth := n + 1
	if cost > n/4 || was == filterPaeth {
		pa := sc.paeth[:n]
		nPaeth = 0
		for ch := 0; ch < bpp; ch++ {
			pa[ch] = cur[ch] - prev[ch] // the predictor is the byte above at the left edge
			nPaeth += nz32(uint32(pa[ch]))
		}
		for x, j := 4, bpp; x < len(cur); x, j = x+4, j+bpp {
			for ch := 0; ch < bpp; ch++ {
				i := x + ch
				pa[j+ch] = cur[i] - paeth(cur[i-4], prev[i], prev[i-4])
				nPaeth += nz32(uint32(pa[j+ch]))
			}
		}
		if nPaeth < cost {
			best, cost = filterPaeth, nPaeth
		}
	}
	prevCost := nPaeth
	switch was {
	case filterSub:
		prevCost = nSub
	case filterUp:
		prevCost = nUp
	}
	if was != best && prevCost*9 <= cost*10 {
		best = was
	}
	dst[0] = best
	switch best {
	case filterSub:
		copy(dst[1:], sub[:n])
	case filterUp:
		copy(dst[1:], up[:n])
	default:
		copy(dst[1:], sc.paeth[:n])
	}
	return best
}

// sub8x8 subtracts the eight bytes of b from those of a, each modulo 256.
func sub8x8(a, b uint64) uint64 {
	const h = 0x80808080_80808080
	return ((a | h) - (b &^ h)) ^ ((a ^ ^b) & h)
}

// nonZeroBytes counts the bytes of v that are not zero.
func nonZeroBytes(v uint64) int {
	const low7 = 0x7f7f7f7f_7f7f7f7f
	return bits.OnesCount64((v | (v&low7 + low7)) & 0x80808080_80808080)
}

func nz32(v uint32) int {
	if v != 0 {
		return 1
	}
	return 0
}

// paeth is the PNG Paeth predictor of a byte from the one to its left (a),
// above (b) and above left (c).
func paeth(a, b, c byte) byte {
	pa := int(b) - int(c) // |p-a| where p = a+b-c
	pb := int(a) - int(c)
	pc := pa + pb
	if pa < 0 {
		pa = -pa
	}
	if pb < 0 {
		pb = -pb
	}
	if pc < 0 {
		pc = -pc
	}
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

// adler32Combine is the Adler-32 of A followed by B from the sums of each
// and B's length: every running sum of B's bytes grows by A's first sum
// less the 1 each starts at.
func adler32Combine(a, b uint32, lenB int) uint32 {
	const mod = 65521
	a1, b1 := uint64(a&0xffff), uint64(a>>16)
	a2, b2 := uint64(b&0xffff), uint64(b>>16)
	n := uint64(lenB) % mod
	s1 := (a1 + a2 + mod - 1) % mod
	s2 := (b1 + b2 + n*((a1+mod-1)%mod)) % mod
	return uint32(s2<<16 | s1)
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
