package bundle

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Options says what to build and where.
type Options struct {
	CardOptions
	// Dir is the output folder (dist); the bundle goes to Dir/<slug>.
	Dir string
	// Theme is recorded in the manifest.
	Theme string
}

// Build renders the campaign's cards and writes the bundle tree under
// Dir/<slug> in one step: everything is written into a temporary folder
// beside it and swapped in by rename only when all of it is written, so a
// failed or interrupted build leaves the previous bundle as it was.
func Build(ctx context.Context, o Options) (*Manifest, Stats, error) {
	c := o.Campaign
	root := filepath.Join(o.Dir, c.Slug)
	cc := &cache{
		keys:  &keyer{c: c, cfs: o.CampaignFS, program: Program(), files: map[string]string{}},
		index: readCache(o.Dir, c.Slug),
	}
	if cc.keys.program == "unknown" {
		cc.index = readCache("", "\x00") // unknown program: never reuse
	}
	if st, err := os.Stat(root); err == nil && st.IsDir() {
		cc.prevRoot = root
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
	files := map[string][]byte{}
	links := map[string]string{}
	next := &cacheIndex{Version: cacheVersion, Images: map[string]cacheEntry{}, Files: map[string]cacheEntry{}}
	for i, r := range rendered {
		m.Images[i] = r.Image
		if r.From != "" {
			links[r.Image.Path] = r.From
		} else {
			files[r.Image.Path] = r.Data
		}
		next.Images[r.Image.Path] = cacheEntry{Key: r.Key, SHA256: r.Image.SHA256, Bytes: r.Image.Bytes}
	}
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, stats, err
	}
	files["manifest.json"] = append(mj, '\n')
	if err := WriteTree(ctx, root, files, links); err != nil {
		return nil, stats, err
	}
	if err := writeCache(o.Dir, c.Slug, next); err != nil {
		return nil, stats, err
	}
	return m, stats, nil
}

// WriteTree replaces the folder dst with exactly files (relative
// slash-separated paths), atomically as far as the file system allows: the
// new tree is written beside dst and renamed into place.
func WriteTree(ctx context.Context, dst string, files map[string][]byte, links map[string]string) error {
	parent := filepath.Dir(dst)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	stage, err := os.MkdirTemp(parent, "."+filepath.Base(dst)+".new-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage) // no-op once renamed
	names := make([]string, 0, len(files)+len(links))
	for n := range files {
		names = append(names, n)
	}
	for n := range links {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !safeRel(n) {
			return fmt.Errorf("refusing to write %q: bundle paths must be relative, without ..", n)
		}
		p := filepath.Join(stage, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if from, ok := links[n]; ok {
			// unchanged since the last build: share the previous file's bytes
			if err := os.Link(from, p); err == nil {
				continue
			}
			data, err := os.ReadFile(from)
			if err != nil {
				return err
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				return err
			}
			continue
		}
		if err := os.WriteFile(p, files[n], 0o644); err != nil {
			return err
		}
	}
	if err := os.Chmod(stage, 0o755); err != nil {
		return err
	}
	old := ""
	if _, err := os.Stat(dst); err == nil {
		old = stage + ".old"
		if err := os.Rename(dst, old); err != nil {
			return err
		}
	}
	if err := os.Rename(stage, dst); err != nil {
		if old != "" {
			os.Rename(old, dst) // put the previous bundle back
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// safeRel reports whether p is a clean relative slash path inside its root.
func safeRel(p string) bool {
	if p == "" || strings.Contains(p, "\\") || path.IsAbs(p) {
		return false
	}
	c := path.Clean(p)
	return c == p && c != ".." && !strings.HasPrefix(c, "../")
}
