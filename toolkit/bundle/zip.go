package bundle

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/i18n"
)

// Source is the content of one bundle file.
type Source interface {
	Open() (io.ReadCloser, error)
}

// Bytes is a bundle file held in memory.
type Bytes []byte

// Open reads the bytes.
func (b Bytes) Open() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }

// DiskFile is a bundle file read from disk when needed: an image reused
// unchanged from the previous bundle, which is never loaded into memory.
type DiskFile string

// Open opens the file.
func (f DiskFile) Open() (io.ReadCloser, error) { return os.Open(string(f)) }

// ZipEntry is one file to put in a zip.
type ZipEntry struct {
	Name   string // relative, forward slashes, no ..
	Source Source
}

// WriteZip writes a zip of entries that depends on nothing but its input:
// entries sorted by name, every one with the modification time modified
// and mode 0644, images (PNG, JPEG) stored as they are since they do not
// compress, everything else deflated. Names must be relative paths with
// forward slashes and no ".." and appear once; every bad name is reported
// and nothing is written. modified should be in 1980 or later, where the
// zip format's dates begin.
func WriteZip(w io.Writer, modified time.Time, entries []ZipEntry) error {
	sorted := make([]ZipEntry, len(entries))
	copy(sorted, entries)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	var errs []error
	for i, e := range sorted {
		switch {
		case !safeRel(e.Name):
			errs = append(errs, fmt.Errorf("zip entry %q: names must be relative paths with forward slashes, without .. or a leading /", e.Name))
		case i > 0 && sorted[i-1].Name == e.Name:
			errs = append(errs, fmt.Errorf("zip entry %q: given twice", e.Name))
		case e.Source == nil:
			errs = append(errs, fmt.Errorf("zip entry %q: no content", e.Name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, e := range sorted {
		if err := addZipEntry(zw, e, modified); err != nil {
			return fmt.Errorf("zip entry %q: %w", e.Name, err)
		}
	}
	return zw.Close()
}

func addZipEntry(zw *zip.Writer, e ZipEntry, modified time.Time) error {
	h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate, Modified: modified}
	switch strings.ToLower(path.Ext(e.Name)) {
	case ".png", ".jpg", ".jpeg", ".zip":
		h.Method = zip.Store // already compressed
	}
	h.SetMode(0o644)
	f, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	r, err := e.Source.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(f, r)
	return err
}

// zipPlan is one zip of the bundle: its file name and what goes in it.
type zipPlan struct {
	name    string
	entries []ZipEntry
}

// planZips lists the bundle's zips and their entries, from its tree
// (bundle path -> content):
//
//   - <slug>.zip: every file of the tree but the zips, under <slug>/;
//   - <slug>-<lang>.zip for each campaign language, under <slug>-<lang>/:
//     cards/<lang>/..., captions/<lang>.md, and the manifest.json,
//     index.html, calendar.ics and posts.csv of m.ForLang(lang).
//
// Each zip unpacks into a folder of its own name instead of spilling its
// files into the folder it is opened in. The index.html inside a zip is the
// page without the links to the zips, which are not in it; every other file
// of <slug>.zip is the tree's, byte for byte. stamp is the time every entry
// bears and the calendar's DTSTAMP.
// manifestSum is the SHA-256 (hex) of m's manifest.json, which names the
// index page in the full zip.
func planZips(m *Manifest, stamp time.Time, tree map[string]Source, manifestSum string) ([]zipPlan, error) {
	slug := m.Campaign.Slug
	if !slugName.MatchString(slug) {
		return nil, fmt.Errorf("zip for slug %q: not a file name", slug)
	}
	var out []zipPlan
	var all []ZipEntry
	for n, src := range tree {
		if isZipName(n) {
			continue
		}
		if n == "index.html" {
			src = &page{key: pageKey(manifestSum, false), m: m}
		}
		all = append(all, ZipEntry{Name: slug + "/" + n, Source: src})
	}
	out = append(out, zipPlan{slug + ".zip", all})

	for _, l := range m.Campaign.Languages {
		if _, err := i18n.Parse(l); err != nil {
			return nil, fmt.Errorf("zip for language %q: %w", l, err)
		}
		name := slug + "-" + l
		lm := m.ForLang(l)
		mj, err := manifestJSON(lm)
		if err != nil {
			return nil, err
		}
		entries := []ZipEntry{
			{Name: name + "/manifest.json", Source: Bytes(mj)},
			{Name: name + "/index.html", Source: &page{key: pageKey(sha256Hex(mj), false), m: lm}},
			{Name: name + "/calendar.ics", Source: Bytes(Calendar(lm, stamp))},
			{Name: name + "/posts.csv", Source: Bytes(PostsCSV(lm))},
		}
		captions := "captions/" + l + ".md"
		if src, ok := tree[captions]; ok {
			entries = append(entries, ZipEntry{Name: name + "/" + captions, Source: src})
		} else {
			entries = append(entries, ZipEntry{Name: name + "/" + captions, Source: Bytes(CaptionsMarkdown(m, l))})
		}
		for n, src := range tree {
			if strings.HasPrefix(n, "cards/"+l+"/") {
				entries = append(entries, ZipEntry{Name: name + "/" + n, Source: src})
			}
		}
		out = append(out, zipPlan{name + ".zip", entries})
	}
	return out, nil
}
