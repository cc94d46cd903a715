package render

import (
	"bytes"
	"hash/adler32"
	"math/rand/v2"
	"testing"
)

// TestAdler agrees with hash/adler32 on data of every length up to a few
// words, on long runs of 0xff (the largest sums, past the point where a
// reduction is due) and when written in pieces.
func TestAdler(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var cases [][]byte
	for n := 0; n < 40; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		cases = append(cases, b)
	}
	big := make([]byte, 3*adlerBlock+13)
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	cases = append(cases, big, bytes.Repeat([]byte{0xff}, 2*adlerBlock+7))
	for _, b := range cases {
		want := adler32.Checksum(b)
		a := newAdler()
		a.write(b)
		if got := a.sum32(); got != want {
			t.Errorf("%d bytes: got %08x, want %08x", len(b), got, want)
		}
		a = newAdler()
		for p := b; len(p) > 0; {
			k := min(len(p), 1+rng.IntN(9000))
			a.write(p[:k])
			p = p[k:]
		}
		if got := a.sum32(); got != want {
			t.Errorf("%d bytes in pieces: got %08x, want %08x", len(b), got, want)
		}
	}
}

func BenchmarkAdler(b *testing.B) {
	p := make([]byte, 1<<20)
	for i := range p {
		p[i] = byte(i * 7)
	}
	b.SetBytes(int64(len(p)))
	b.Run("ours", func(b *testing.B) {
		for b.Loop() {
			a := newAdler()
			a.write(p)
			_ = a.sum32()
		}
	})
	b.Run("hash-adler32", func(b *testing.B) {
		for b.Loop() {
			_ = adler32.Checksum(p)
		}
	})
}
