package render

import "encoding/binary"

// adler is a running Adler-32 (RFC 1950), sixteen bytes a step: the byte sum
// and the weighted byte sum of a word are each had with one multiply, in
// place of a pair of additions per byte. hash/adler32 takes a byte at a time, and
// over every card's filtered rows that was a twentieth of a build.
type adler struct{ s1, s2 uint64 }

const adlerMod = 65521

// adlerBlock is how many bytes are summed before reducing modulo 65521:
// s2 grows as 255·n²/2, far inside 64 bits for 2^20 bytes.
const adlerBlock = 1 << 20

func newAdler() adler { return adler{s1: 1} }

func (a *adler) write(p []byte) {
	for len(p) > 0 {
		n := min(len(p), adlerBlock)
		a.block(p[:n])
		p = p[n:]
	}
}

func (a *adler) block(p []byte) {
	const lo = 0x00ff00ff_00ff00ff
	s1, s2 := a.s1, a.s2
	for len(p) >= 16 {
		// two words at once: the first's bytes weigh 16 to 9, that is
		// 8 more than the second's 8 to 1
		v, w := binary.LittleEndian.Uint64(p), binary.LittleEndian.Uint64(p[8:])
		ve, vo := v&lo, v>>8&lo // bytes 0,2,4,6 and 1,3,5,7 in 16-bit lanes
		we, wo := w&lo, w>>8&lo
		// the top lane of a product collects every lane times a weight
		sv := (ve + vo) * 0x0001_0001_0001_0001 >> 48
		sw := (we + wo) * 0x0001_0001_0001_0001 >> 48
		weighted := (ve*0x0008_0006_0004_0002+vo*0x0007_0005_0003_0001)>>48 +
			(we*0x0008_0006_0004_0002+wo*0x0007_0005_0003_0001)>>48
		s2 += 16*s1 + 8*sv + weighted
		s1 += sv + sw
		p = p[16:]
	}
	for _, b := range p {
		s1 += uint64(b)
		s2 += s1
	}
	a.s1, a.s2 = s1%adlerMod, s2%adlerMod
}

func (a *adler) sum32() uint32 { return uint32(a.s2<<16 | a.s1) }
