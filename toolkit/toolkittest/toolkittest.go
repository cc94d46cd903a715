// Package toolkittest holds what tests of several packages (and of the
// command) make alike: a picture that is nothing but a header, a picture
// of noise and its uncompressed PNG, a zip archive read whole, a log sink
// that goroutines write to while the test reads it, a clock moved by
// hand, a named pipe and a bound on how long a read that might block on
// one may take. It is imported by tests only.
package toolkittest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"sync"
	"time"
)

// PNGHeader is a PNG signature and a valid IHDR chunk claiming w×h pixels
// (8-bit RGB), with no pixel data: what a decompression bomb looks like,
// which every reader of pictures must refuse from its header alone.
func PNGHeader(w, h int) []byte {
	ihdr := make([]byte, 4+13)
	copy(ihdr, "IHDR")
	binary.BigEndian.PutUint32(ihdr[4:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[8:], uint32(h))
	ihdr[12], ihdr[13] = 8, 2
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(ihdr))
	return b.Bytes()
}

// Buffer is a bytes.Buffer safe for concurrent use: the log of a daemon
// or a process whose goroutines write while the test reads.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Clock is a clock a test moves by hand, for code that takes a Now
// function; safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
