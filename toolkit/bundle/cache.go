package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/render"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// cacheIndex records, for each image of the last build, the hash of
// everything that went into it, so an unchanged image is taken from the
// previous bundle instead of being drawn again.
type cacheIndex struct {
	Version int                   `json:"version"`
	Images  map[string]cacheEntry `json:"images"` // bundle path -> entry
	Files   map[string]cacheEntry `json:"files"`  // other generated files (zips)
	// Decoded is the SHA-256 of every picture of the campaign (logo,
	// photos, portraits) the build that wrote the index decoded whole or
	// found here: see DecodedPictures.
	Decoded []string `json:"decoded,omitempty"`
}

type cacheEntry struct {
	Key    string `json:"key"`
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
	// Ident is the file's identity when it was written (device, inode,
	// size and modification time): while the file still has it, its bytes
	// are taken to be the ones hashed, and it is not read again.
	Ident string `json:"ident,omitempty"`
}

// fileIdent is the identity of the file at p, or "" when it has none: a
// file edited, replaced or copied gets a new one.
func fileIdent(p string) string {
	st, err := os.Lstat(p)
	if err != nil || !st.Mode().IsRegular() {
		return ""
	}
	return identOf(st)
}

// identify records the identity of the files of the bundle in root (named
// name in the output folder) that the index lists.
func (ix *cacheIndex) identify(root, name string) {
	if root == "" {
		return
	}
	for p, e := range ix.Images {
		e.Ident = fileIdent(filepath.Join(root, filepath.FromSlash(p)))
		ix.Images[p] = e
	}
	for k, e := range ix.Files {
		if zip, ok := strings.CutPrefix(k, name+"/"); ok {
			e.Ident = fileIdent(filepath.Join(root, zip))
			ix.Files[k] = e
		}
	}
}

// cacheVersion 2: keys no longer hash the executable, and zips are recorded
// per bundle folder.
const cacheVersion = 2

// cacheDir is the folder beside the bundles that holds each campaign's
// cache index and build lock.
func cacheDir(dir string) string { return filepath.Join(dir, ".campaignkit-cache") }

func cachePath(dir, slug string) string {
	return filepath.Join(cacheDir(dir), slug+".json")
}

// maxCacheBytes bounds a cache index: the demo's is about 300 KB; a
// campaign of a hundred times as many images still fits.
const maxCacheBytes = 64 << 20

func readCache(dir, slug string) *cacheIndex {
	ix := &cacheIndex{}
	// a bounded read that refuses what is not a regular file: a named pipe
	// or a huge file put in the cache folder must not hang or swamp a build
	data, err := toolkit.ReadPath(cachePath(dir, slug), maxCacheBytes)
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

// DecodedPictures says which picture files are known to decode whole: the
// SHA-256 (hex) of the campaign pictures that the builds into dir decoded
// (or found so recorded), read from every campaign's cache index there.
// A rebuild passes it to campaign.LoadWith, so that pictures unchanged
// since need not be decoded again just to be checked; a picture that is
// new or changed has a new hash and is decoded.
func DecodedPictures(dir string) func(sum string) bool {
	known := map[string]bool{}
	names, _ := filepath.Glob(filepath.Join(cacheDir(dir), "*.json"))
	for _, n := range names {
		slug := strings.TrimSuffix(filepath.Base(n), ".json")
		for _, h := range readCache(dir, slug).Decoded {
			known[h] = true
		}
	}
	return func(sum string) bool { return known[sum] }
}

// decoded is the sorted SHA-256 of c's pictures, read through k.
func (k *keyer) decoded() []string {
	names := []string{k.c.Logo}
	for _, card := range k.c.Cards {
		names = append(names, card.Photo, card.Portrait)
	}
	var out []string
	for _, n := range names {
		if h := k.fileHash(k.cfs, "campaign", n); h != "" && h != "missing" {
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
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
	return toolkit.WriteFileBytes(p, 0o644, data)
}

// keyer computes cache keys, hashing each input file once.
type keyer struct {
	c       *campaign.Campaign
	cfs     fs.FS
	program string
	mu      sync.Mutex
	files   map[string]string
	themes  map[*theme.Theme]string
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

// themeFingerprint is th.Fingerprint, computed once per theme.
func (k *keyer) themeFingerprint(th *theme.Theme) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if fp, ok := k.themes[th]; ok {
		return fp
	}
	if k.themes == nil {
		k.themes = map[*theme.Theme]string{}
	}
	fp := th.Fingerprint()
	k.themes[th] = fp
	return fp
}

// key hashes everything an image depends on: the renderer (renderFingerprint), the card as
// written, the language, the preset, the theme, every picture drawn and
// the bytes of the theme's own font files (hashed once, when the theme
// loaded and parsed them).
func (k *keyer) key(j job) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	th := j.th
	enc.Encode([]any{
		k.program, j.card, j.card.Days, j.card.Base, j.lang, j.p,
		k.c.Title[j.lang], k.c.Day.String(), k.fileHash(k.cfs, "campaign", k.c.Logo),
		k.fileHash(k.cfs, "campaign", j.card.Photo), k.fileHash(k.cfs, "campaign", j.card.Portrait),
		k.themeFingerprint(th), k.fileHash(j.thFS, "theme:"+th.Name, th.Background.Image),
		th.FontHashes(),
	})
	return hex.EncodeToString(h.Sum(nil))
}

// reusable finds, in the previous bundles' folders, a file at path that
// still holds the bytes the cache entry recorded, and returns its location.
// A file with the identity recorded when it was written (same inode, size
// and modification time) is taken as it is; any other is hashed, so a file
// edited or damaged since is never reused.
func reusable(roots []string, path string, e cacheEntry) (string, bool) {
	if !safeRel(path) {
		return "", false
	}
	for _, root := range roots {
		p := filepath.Join(root, filepath.FromSlash(path))
		st, err := os.Lstat(p)
		if err != nil || !st.Mode().IsRegular() || st.Size() != int64(e.Bytes) {
			continue
		}
		if e.Ident != "" && identOf(st) == e.Ident {
			return p, true // the very file that was hashed, untouched since
		}
		if sum, err := sha256File(p); err == nil && sum == e.SHA256 {
			return p, true
		}
	}
	return "", false
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

// Keys gives card images the cache keys a build gives them: the hash of
// everything an image depends on (the renderer, the card as written, its
// language, preset and theme, and every picture drawn). Two keys are
// equal only when the images are, so a preview compares them to know
// which images an edit changed. Each picture file is hashed once per
// Keys; make new Keys after files change.
type Keys struct{ k *keyer }

// NewKeys returns the keys of c's images, its pictures read from cfs.
func NewKeys(c *campaign.Campaign, cfs fs.FS) *Keys {
	return &Keys{k: &keyer{c: c, cfs: cfs, program: render.Fingerprint(), files: map[string]string{}}}
}

// Key is the key of card's image in lang at preset p, drawn with theme th
// whose pictures are in thFS.
func (k *Keys) Key(card campaign.Card, lang string, p toolkit.Preset, th *theme.Theme, thFS fs.FS) string {
	return k.k.key(job{card: card, lang: lang, p: p, th: th, thFS: thFS})
}
