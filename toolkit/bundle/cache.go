package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// cacheIndex records, for each image of the last build, the hash of
// everything that went into it, so an unchanged image is taken from the
// previous bundle instead of being drawn again.
type cacheIndex struct {
	Version int                   `json:"version"`
	Images  map[string]cacheEntry `json:"images"` // bundle path -> entry
	Files   map[string]cacheEntry `json:"files"`  // other generated files (zips)
}

type cacheEntry struct {
	Key    string `json:"key"`
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
}

const cacheVersion = 1

func cachePath(dir, slug string) string {
	return filepath.Join(dir, ".campaignkit-cache", slug+".json")
}

func readCache(dir, slug string) *cacheIndex {
	ix := &cacheIndex{}
	data, err := os.ReadFile(cachePath(dir, slug))
	if err != nil || json.Unmarshal(data, ix) != nil || ix.Version != cacheVersion {
		return &cacheIndex{Version: cacheVersion, Images: map[string]cacheEntry{}, Files: map[string]cacheEntry{}}
	}
	if ix.Images == nil {
		ix.Images = map[string]cacheEntry{}
	}
	if ix.Files == nil {
		ix.Files = map[string]cacheEntry{}
	}
	return ix
}

func writeCache(dir, slug string, ix *cacheIndex) error {
	data, err := json.MarshalIndent(ix, "", " ")
	if err != nil {
		return err
	}
	p := cachePath(dir, slug)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// Program identifies the running program's rendering code for cache keys:
// the hash of its own executable, so a rebuilt campaignkit never reuses
// images an older renderer drew.
var Program = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err == nil {
		if f, err := os.Open(exe); err == nil {
			defer f.Close()
			h := sha256.New()
			if _, err := io.Copy(h, f); err == nil {
				return hex.EncodeToString(h.Sum(nil))
			}
		}
	}
	return "unknown" // no cache reuse across runs is safe then: see keyer
})

// keyer computes cache keys, hashing each input file once.
type keyer struct {
	c       *campaign.Campaign
	cfs     fs.FS
	program string
	mu      sync.Mutex
	files   map[string]string
}

func (k *keyer) fileHash(fsys fs.FS, scope, name string) string {
	if name == "" || fsys == nil {
		return ""
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	id := scope + "\x00" + name
	if h, ok := k.files[id]; ok {
		return h
	}
	data, err := fs.ReadFile(fsys, name)
	h := "missing"
	if err == nil {
		s := sha256.Sum256(data)
		h = hex.EncodeToString(s[:])
	}
	k.files[id] = h
	return h
}

// key hashes everything an image depends on: the program, the card as
// written, the language, the preset, the theme and every picture drawn.
func (k *keyer) key(j job) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	th := j.th
	enc.Encode([]any{
		k.program, j.card, j.card.Days, j.card.Base, j.lang, j.p,
		k.c.Title[j.lang], k.c.Day.String(), k.fileHash(k.cfs, "campaign", k.c.Logo),
		k.fileHash(k.cfs, "campaign", j.card.Photo), k.fileHash(k.cfs, "campaign", j.card.Portrait),
		themeKey(th), k.fileHash(j.thFS, "theme:"+th.Name, th.Background.Image),
	})
	return hex.EncodeToString(h.Sum(nil))
}

func themeKey(t *theme.Theme) any {
	return []any{t.Name, t.Palette, t.Background, t.Fonts, t.Margin, t.Layouts}
}

// reusableSize is reusable for big generated files (the zips), checked by
// size only: hashing them again would cost as much as writing them.
func reusableSize(prevRoot, path string, e cacheEntry) (string, bool) {
	if prevRoot == "" || !safeRel(path) {
		return "", false
	}
	p := filepath.Join(prevRoot, filepath.FromSlash(path))
	st, err := os.Stat(p)
	if err != nil || st.Size() != int64(e.Bytes) || !st.Mode().IsRegular() {
		return "", false
	}
	return p, true
}

// reusable reports whether the previous bundle's file at path still holds
// the bytes the cache says, and returns its location.
func reusable(prevRoot, path string, e cacheEntry) (string, bool) {
	p, ok := reusableSize(prevRoot, path, e)
	if !ok {
		return "", false
	}
	// a file edited by hand since the last build is drawn again
	if sum, err := sha256File(p); err != nil || sum != e.SHA256 {
		return "", false
	}
	return p, true
}

func sha256File(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
