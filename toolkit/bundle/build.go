package bundle

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/render"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
)

// Options says what to build and where.
type Options struct {
	CardOptions
	// Dir is the output folder (dist); the bundle goes to Dir/<slug>.
	Dir string
	// Theme is recorded in the manifest.
	Theme string
	// Schedule adds its slots to the campaign's own posts in the
	// manifest, calendar and captions; nil for the campaign's posts only.
	Schedule *schedule.Schedule
	// Caption builds captions; nil means caption.Build.
	Caption CaptionFunc
	// Waiting, if set, is called once when another build of the same
	// campaign into the same folder is running and this one waits for it.
	Waiting func()
}

// Build renders the campaign's cards and writes the bundle tree under
// OutputPath(o) in one step: everything is written into a temporary folder
// beside it and swapped in atomically only when all of it is written, so a
// failed, interrupted or killed build leaves the previous bundle as it was.
// It replaces only a bundle that campaignkit wrote (see MarkerName), and
// builds of one campaign into one folder wait for each other. A partial
// build (some presets or languages) goes to its own folder and leaves the
// full bundle and its cache alone. Images go to disk as they are encoded
// and the zips are streamed from there, so memory stays bounded by the
// images being drawn, not by the bundle's size.
func Build(ctx context.Context, o Options) (*Manifest, Stats, error) {
	c := o.Campaign
	partial := o.partial()
	t, err := openTarget(ctx, o.Dir, c.Slug, partial, o.Waiting)
	if err != nil {
		return nil, Stats{}, err
	}
	defer t.close()
	prev := readCache(t.dir, c.Slug)
	cc := &cache{
		keys:  &keyer{c: c, cfs: o.CampaignFS, program: render.Fingerprint(), files: map[string]string{}},
		index: prev,
	}
	// images may be reused from this folder's previous bundle, and then from
	// the other one (the full bundle for a partial build, and back)
	if live := t.live(); live != "" {
		cc.prevRoots = append(cc.prevRoots, live)
	}
	other := filepath.Join(t.dir, folderName(c.Slug, !partial))
	if checkOwned(other, c.Slug, t.dir) == nil {
		if st, err := os.Stat(other); err == nil && st.IsDir() {
			cc.prevRoots = append(cc.prevRoots, other)
		}
	}
	st, err := t.newStage(c.Slug)
	if err != nil {
		return nil, Stats{}, err
	}
	defer st.discard()
	cc.sink = func(r *Rendered) error {
		err := st.write(r.Image.Path, r.Data)
		r.Data = nil
		return err
	}
	if o.Alt == nil {
		o.Alt = func(card campaign.Card, lang string) string { return caption.Alt(c, card, lang) }
	}
	rendered, stats, err := renderCards(ctx, o.CardOptions, cc)
	if err != nil {
		return nil, stats, err
	}
	m := &Manifest{
		Campaign: ManifestCampaign{Name: c.Name, Slug: c.Slug, Day: c.Day.String(), Timezone: c.Timezone, Languages: c.Languages, Theme: o.Theme},
		Images:   make([]Image, len(rendered)),
		Posts:    []Post{},
	}
	// A full build's index describes the full bundle; a partial build adds
	// what it made to the index, so the next full build reuses it, and
	// drops nothing the full build recorded.
	next := &cacheIndex{Version: cacheVersion, Images: map[string]cacheEntry{}, Files: map[string]cacheEntry{}}
	if partial {
		maps.Copy(next.Images, prev.Images)
		maps.Copy(next.Files, prev.Files)
	}
	sums := map[string]string{} // bundle path -> sha256, for the zips' keys
	for i, r := range rendered {
		m.Images[i] = r.Image
		switch {
		case r.From != "":
			if err := st.link(r.Image.Path, r.From); err != nil {
				return nil, stats, err
			}
		case r.Same != "":
			src, err := st.path(r.Same)
			if err != nil {
				return nil, stats, err
			}
			if err := st.link(r.Image.Path, src); err != nil {
				return nil, stats, err
			}
		}
		sums[r.Image.Path] = r.Image.SHA256
		next.Images[r.Image.Path] = cacheEntry{Key: r.Key, SHA256: r.Image.SHA256, Bytes: r.Image.Bytes}
	}
	plan, err := schedule.Plan(c, o.Schedule)
	if err != nil {
		return nil, stats, err
	}
	if len(o.Languages) > 0 { // a partial build holds only its languages
		m.Campaign.Languages = o.Languages
		plan = slices.DeleteFunc(plan, func(p schedule.Planned) bool { return !slices.Contains(o.Languages, p.Lang) })
	}
	if m.Posts, err = ManifestPosts(c, plan, m.Images, o.Caption); err != nil {
		return nil, stats, err
	}
	if err := st.finish(ctx, m, bundleStamp(c.Day), sums, cc, next); err != nil {
		return nil, stats, err
	}
	crashPoint("committed")
	next.identify(t.live(), t.name)
	// every picture passed campaign.Load's check (decoded whole, or known
	// from an earlier build) and the cards drawn now decoded theirs
	next.Decoded = cc.keys.decoded()
	if err := writeCache(t.dir, c.Slug, next); err != nil {
		return nil, stats, err
	}
	return m, stats, nil
}

// finish writes what is made from the manifest beside the images already
// staged (sums: their paths and sha256): manifest.json, calendar.ics,
// posts.csv, the captions, index.html and the zips; then it swaps the stage
// in. cc says which zips the previous bundle already has; next records the
// zips written.
func (s *stage) finish(ctx context.Context, m *Manifest, stamp time.Time, sums map[string]string, cc *cache, next *cacheIndex) error {
	files, err := generatedFiles(m, stamp)
	if err != nil {
		return err
	}
	if files["manifest.json"], err = manifestJSON(m); err != nil {
		return err
	}
	for _, n := range toolkit.SortedKeys(files) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.write(n, files[n]); err != nil {
			return err
		}
		sums[n] = sha256Hex(files[n])
	}
	if err := s.zips(ctx, m, stamp, sums, cc, next); err != nil {
		return err
	}
	return s.commit()
}

// stage is a bundle being written: a folder beside its final place,
// swapped in by commit.
type stage struct {
	t       *target
	dir     string
	done    bool
	mu      sync.Mutex
	written map[string]bool // files written (not linked) into the stage
}

// wrote records that the file at p was written by this build.
func (s *stage) wrote(p string) {
	s.mu.Lock()
	if s.written == nil {
		s.written = map[string]bool{}
	}
	s.written[p] = true
	s.mu.Unlock()
}

// path is where bundle path n goes in the stage, refusing paths that would
// leave it.
func (s *stage) path(n string) (string, error) {
	if !safeRel(n) {
		return "", fmt.Errorf("refusing to write %q: bundle paths must be relative, without ..", n)
	}
	p := filepath.Join(s.dir, filepath.FromSlash(n))
	return p, os.MkdirAll(filepath.Dir(p), 0o755)
}

func (s *stage) write(n string, data []byte) error {
	p, err := s.path(n)
	if err != nil {
		return err
	}
	s.wrote(p)
	return os.WriteFile(p, data, 0o644)
}

// link puts the bytes of an existing file (the previous bundle's) at n:
// a hard link where the file system allows, else a copy.
func (s *stage) link(n, from string) error {
	p, err := s.path(n)
	if err != nil {
		return err
	}
	if os.Link(from, p) == nil {
		return nil
	}
	s.wrote(p)
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// zips writes the bundle's zips (see planZips) from the staged files. A
// zip whose entries all have the same names and bytes as at the last build
// is linked from the previous bundle instead of being written again, once
// its own bytes are checked against the hash recorded when it was written.
func (s *stage) zips(ctx context.Context, m *Manifest, stamp time.Time, sums map[string]string, cc *cache, next *cacheIndex) error {
	tree := map[string]Source{}
	for n := range sums {
		tree[n] = DiskFile(filepath.Join(s.dir, filepath.FromSlash(n)))
	}
	plans, err := planZips(m, stamp, tree, sums["manifest.json"])
	if err != nil {
		return err
	}
	for _, z := range plans {
		if err := ctx.Err(); err != nil {
			return err
		}
		key, err := zipKey(cc.keys.program, stamp, z.entries, s.dir, sums)
		if err != nil {
			return err
		}
		ixName := s.t.name + "/" + z.name
		if e, ok := cc.index.Files[ixName]; ok && e.Key == key {
			if from, ok := reusable(cc.prevRoots, z.name, e); ok {
				if err := s.link(z.name, from); err != nil {
					return err
				}
				next.Files[ixName] = e
				continue
			}
		}
		p, err := s.path(z.name)
		if err != nil {
			return err
		}
		f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		s.wrote(p)
		h := sha256.New()
		cw := &countWriter{w: io.MultiWriter(f, h)}
		bw := bufio.NewWriterSize(cw, 1<<16)
		if err := WriteZip(bw, stamp, z.entries); err != nil {
			f.Close()
			return fmt.Errorf("%s: %w", z.name, err)
		}
		if err := bw.Flush(); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		next.Files[ixName] = cacheEntry{Key: key, SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: int(cw.n)}
	}
	return nil
}

// zipKey hashes what a zip is made of: the program, the entry times, and
// every entry's name and content hash (known for staged files, computed for
// the ones made in memory).
func zipKey(program string, stamp time.Time, entries []ZipEntry, dir string, sums map[string]string) (string, error) {
	lines := make([]string, 0, len(entries))
	for _, e := range entries {
		var sum string
		switch src := e.Source.(type) {
		case Bytes:
			sum = sha256Hex(src)
		case *page:
			sum = "page " + src.key // its content follows from the key
		case DiskFile:
			rel, err := filepath.Rel(dir, string(src))
			if err == nil {
				sum = sums[filepath.ToSlash(rel)]
			}
		}
		if sum == "" {
			return "", fmt.Errorf("zip entry %q: no content hash", e.Name)
		}
		lines = append(lines, e.Name+" "+sum)
	}
	sort.Strings(lines)
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%d\n%s\n", program, stamp.Unix(), strings.Join(lines, "\n"))
	return hex.EncodeToString(h.Sum(nil)), nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// commit makes the staged files durable and swaps the stage in for the
// previous bundle.
func (s *stage) commit() error {
	if err := os.Chmod(s.dir, 0o755); err != nil {
		return err
	}
	if err := s.sync(); err != nil {
		return err
	}
	if err := s.t.swap(s.dir); err != nil {
		return err
	}
	s.done = true
	_ = toolkit.SyncDir(s.t.dir) // the swap is done; a folder that cannot sync is no reason to fail
	return nil
}

// sync flushes the stage to disk, so that the bundle a swap puts in place
// is whole even after a power cut: every folder (which holds the links to
// the previous bundle's files, whose bytes are on disk already) and every
// file this build wrote.
func (s *stage) sync() error {
	return filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !s.written[p] {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := f.Sync(); err != nil && !d.IsDir() {
			return err
		}
		return nil
	})
}

// discard removes the stage unless it was committed.
func (s *stage) discard() {
	if !s.done {
		os.RemoveAll(s.dir)
	}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// safeRel reports whether p is a clean relative slash path inside its root.
func safeRel(p string) bool {
	if p == "" || strings.Contains(p, "\\") || path.IsAbs(p) {
		return false
	}
	c := path.Clean(p)
	return c == p && c != ".." && !strings.HasPrefix(c, "../")
}
