package web

import (
	"bufio"
	"bytes"
	"container/list"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// errLogoGone means a co-branded set's logo is no longer kept.
var errLogoGone = errors.New("the logo is no longer kept")

// logoFileExt names a kept logo: <id>.logo, a line of JSON (the partner's
// name and when the logo expires) then the PNG.
const logoFileExt = ".logo"

// tempPrefix starts the names of files being written; a file with it is
// never a kept logo, and one left by a crash is removed at start.
const tempPrefix = ".tmp-"

var logoIDRe = regexp.MustCompile(`^[0-9a-f]{64}$`)

// logoStore keeps partners' logos, scaled to the partner slot, as files in
// one folder, for ttl after their upload, up to budget bytes in all: past
// it the least recently used go first. Every file operation goes through an
// os.Root, and names are made only from checked ids, so no path leaves the
// folder; files are written under a temporary name and renamed into place.
// Logos kept by a previous run are found again at start.
type logoStore struct {
	root   *os.Root
	budget int64
	ttl    time.Duration

	mu    sync.Mutex
	size  int64
	order *list.List // of *keptLogo; front: most recently used
	items map[string]*list.Element
}

type keptLogo struct {
	id      string
	name    string
	size    int64
	expires time.Time
}

type logoHeader struct {
	Name    string    `json:"name"`
	Expires time.Time `json:"expires"`
}

// openLogoStore opens (making it if needed) the folder dir and finds the
// logos a previous run left there that have not expired.
func openLogoStore(dir string, budget int64, ttl time.Duration, now time.Time) (*logoStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("co-brand folder: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("co-brand folder: %w", err)
	}
	s := &logoStore{root: root, budget: budget, ttl: ttl, order: list.New(), items: map[string]*list.Element{}}
	entries, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("co-brand folder %s: %w", dir, err)
	}
	var found []*keptLogo
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, tempPrefix) {
			root.Remove(name)
			continue
		}
		id, ok := strings.CutSuffix(name, logoFileExt)
		if !ok || !logoIDRe.MatchString(id) || !e.Type().IsRegular() {
			continue // not ours: left alone
		}
		k, err := s.readHeader(id)
		if err != nil || !now.Before(k.expires) {
			root.Remove(name)
			continue
		}
		found = append(found, k)
	}
	// the soonest to expire were uploaded first: least recently used
	slices.SortFunc(found, func(a, b *keptLogo) int { return b.expires.Compare(a.expires) })
	for _, k := range found {
		s.items[k.id] = s.order.PushBack(k)
		s.size += k.size
	}
	s.mu.Lock()
	s.evictLocked("")
	s.mu.Unlock()
	return s, nil
}

func (s *logoStore) close() error { return s.root.Close() }

func (s *logoStore) readHeader(id string) (*keptLogo, error) {
	f, err := s.root.Open(id + logoFileExt)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(io.LimitReader(f, 4096)).ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("kept logo %s: no header: %w", id, err)
	}
	var h logoHeader
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, fmt.Errorf("kept logo %s: %w", id, err)
	}
	return &keptLogo{id: id, name: h.Name, size: st.Size(), expires: h.Expires}, nil
}

// put keeps a logo (a PNG) under id until ttl from now.
func (s *logoStore) put(id, name string, pngData []byte, now time.Time) error {
	if !logoIDRe.MatchString(id) {
		return fmt.Errorf("logo id %q: not a sha256", id)
	}
	expires := now.Add(s.ttl)
	hdr, err := json.Marshal(logoHeader{Name: name, Expires: expires})
	if err != nil {
		return err
	}
	data := slices.Concat(hdr, []byte{'\n'}, pngData)
	tmp := tempPrefix + id + "-" + rand.Text()
	f, err := s.root.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("keeping logo: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.root.Remove(tmp)
		return fmt.Errorf("keeping logo: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.root.Rename(tmp, id+logoFileExt); err != nil {
		s.root.Remove(tmp)
		return fmt.Errorf("keeping logo: %w", err)
	}
	k := &keptLogo{id: id, name: name, size: int64(len(data)), expires: expires}
	if e, ok := s.items[id]; ok {
		s.size -= e.Value.(*keptLogo).size
		e.Value = k
		s.order.MoveToFront(e)
	} else {
		s.items[id] = s.order.PushFront(k)
	}
	s.size += k.size
	s.sweepLocked(now)
	s.evictLocked(id)
	return nil
}

// get finds a kept logo and marks it used.
func (s *logoStore) get(id string, now time.Time) (*logo, bool) {
	if !logoIDRe.MatchString(id) {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.items[id]
	if !ok {
		return nil, false
	}
	k := e.Value.(*keptLogo)
	if !now.Before(k.expires) {
		s.removeLocked(e)
		return nil, false
	}
	s.order.MoveToFront(e)
	return &logo{id: id, name: k.name, slug: slugify(k.name), load: func() (image.Image, error) { return s.read(id) }}, true
}

// read decodes a kept logo's picture.
func (s *logoStore) read(id string) (image.Image, error) {
	data, err := s.root.ReadFile(id + logoFileExt)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errLogoGone
	}
	if err != nil {
		return nil, err
	}
	_, pngData, ok := bytes.Cut(data, []byte{'\n'})
	if !ok {
		return nil, fmt.Errorf("kept logo %s: no header", id)
	}
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		return nil, fmt.Errorf("kept logo %s: %w", id, err)
	}
	return img, nil
}

// bytes is what the kept logos weigh on disk.
func (s *logoStore) bytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size
}

func (s *logoStore) removeLocked(e *list.Element) {
	k := e.Value.(*keptLogo)
	s.order.Remove(e)
	delete(s.items, k.id)
	s.size -= k.size
	s.root.Remove(k.id + logoFileExt)
}

// sweepLocked forgets every expired logo.
func (s *logoStore) sweepLocked(now time.Time) {
	for e := s.order.Front(); e != nil; {
		next := e.Next()
		if !now.Before(e.Value.(*keptLogo).expires) {
			s.removeLocked(e)
		}
		e = next
	}
}

// evictLocked removes the least recently used logos until the rest fit
// the budget, sparing keep (the one just uploaded).
func (s *logoStore) evictLocked(keep string) {
	for e := s.order.Back(); s.size > s.budget && e != nil; {
		prev := e.Prev()
		if e.Value.(*keptLogo).id != keep {
			s.removeLocked(e)
		}
		e = prev
	}
}
