package web

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/draw"
	"math"
	"strings"
	"sync"
	"time"
	"unicode"

	xdraw "golang.org/x/image/draw"
)

// keptLogoSide is the size an uploaded logo is scaled down to when kept: a
// partner slot is a few hundred pixels wide, and a decoded 4000x4000 logo
// would hold 64 MB of memory.
const keptLogoSide = 800

// logo is a partner's uploaded logo, decoded, in memory only.
type logo struct {
	id      string // sha256 of the file and the name
	name    string // the partner's name as typed
	slug    string // the name for file names
	img     image.Image
	expires time.Time
}

// logoStore keeps the most recent logos until they expire; nothing is ever
// written to disk.
type logoStore struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	order *list.List
	items map[string]*list.Element
}

func newLogoStore(max int, ttl time.Duration) *logoStore {
	return &logoStore{max: max, ttl: ttl, order: list.New(), items: map[string]*list.Element{}}
}

func logoID(file []byte, name string) string {
	h := sha256.New()
	h.Write(file)
	h.Write([]byte{0})
	h.Write([]byte(name))
	return hex.EncodeToString(h.Sum(nil))
}

func (s *logoStore) put(l *logo, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l.expires = now.Add(s.ttl)
	if e, ok := s.items[l.id]; ok {
		e.Value = l
		s.order.MoveToFront(e)
		return
	}
	s.items[l.id] = s.order.PushFront(l)
	for s.order.Len() > s.max {
		e := s.order.Back()
		s.order.Remove(e)
		delete(s.items, e.Value.(*logo).id)
	}
}

func (s *logoStore) get(id string, now time.Time) (*logo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.items[id]
	if !ok {
		return nil, false
	}
	l := e.Value.(*logo)
	if !now.Before(l.expires) {
		s.order.Remove(e)
		delete(s.items, id)
		return nil, false
	}
	return l, true
}

// shrink scales img down to fit keptLogoSide, keeping its aspect.
func shrink(img image.Image) image.Image {
	b := img.Bounds()
	side := max(b.Dx(), b.Dy())
	if side <= keptLogoSide {
		dst := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
		return dst
	}
	scale := float64(keptLogoSide) / float64(side)
	w := max(1, int(math.Round(float64(b.Dx())*scale)))
	h := max(1, int(math.Round(float64(b.Dy())*scale)))
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
	return dst
}

// slugify makes a partner's name safe for a file name: letters and digits
// of any script, words joined by hyphens, at most 40 characters.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	n := 0
	for _, r := range strings.ToLower(name) {
		if n >= 40 {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
			n++
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
			n++
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return "partner"
	}
	return s
}
