package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/campaignkit/campaignkit/toolkit/bundle"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

// TestDemoBundle builds the demo (two languages, two presets, to keep it
// quick) and reads every bundle file back the way a partner's tools would.
func TestDemoBundle(t *testing.T) {
	dir := t.TempDir()
	args := []string{"build", "-q", "-o", dir, "--preset", "x", "--preset", "bluesky", "--lang", "en", "--lang", "ar"}
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("build: exit %d: %s", code, errs)
	}
	root := filepath.Join(dir, "migrants-day-2026"+bundle.PartialSuffix) // a partial build's folder
	tree := readFiles(t, root)
	var m bundle.Manifest
	if err := json.Unmarshal(tree["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}

	t.Run("posts", func(t *testing.T) {
		if got := strings.Join(m.Campaign.Languages, " "); got != "en ar" {
			t.Errorf("manifest languages %q, want the two built", got)
		}
		if len(m.Posts) == 0 {
			t.Fatal("the manifest has no posts")
		}
		for _, p := range m.Posts {
			if p.Lang != "en" && p.Lang != "ar" {
				t.Errorf("%s: a post in %s, which was not built", p.ID, p.Lang)
			}
			if _, err := time.Parse(time.RFC3339, p.At); err != nil || !strings.HasSuffix(p.At, "Z") {
				t.Errorf("%s: at %q is not a UTC RFC 3339 instant", p.ID, p.At)
			}
			for _, platform := range campaign.Platforms {
				text, ok := p.Captions[platform]
				if !ok {
					t.Errorf("%s: no caption for %s", p.ID, platform)
					continue
				}
				if err := caption.Check(platform, text); err != nil {
					t.Errorf("%s: %v", p.ID, err)
				}
			}
			if len(p.Images) != len(p.Alt) {
				t.Errorf("%s: %d images, %d alt texts", p.ID, len(p.Images), len(p.Alt))
			}
			for i, img := range p.Images {
				if _, ok := tree[img]; !ok {
					t.Errorf("%s: image %s is not in the bundle", p.ID, img)
				}
				if p.Alt[i] == "" || len([]rune(p.Alt[i])) > 1000 {
					t.Errorf("%s: alt text of %s is empty or too long", p.ID, img)
				}
			}
		}
		for _, img := range m.Images {
			if img.Alt == "" {
				t.Errorf("%s has no alt text", img.Path)
			}
		}
	})

	t.Run("calendar", func(t *testing.T) {
		cal, err := ical.NewDecoder(bytes.NewReader(tree["calendar.ics"])).Decode()
		if err != nil {
			t.Fatalf("calendar.ics does not parse: %v", err)
		}
		events := cal.Events()
		if len(events) != len(m.Posts) {
			t.Fatalf("%d events for %d posts", len(events), len(m.Posts))
		}
		at := map[string]string{}
		for _, p := range m.Posts {
			if p.UID == "" {
				t.Errorf("%s has no uid", p.ID)
			}
			at[p.UID] = p.At
		}
		for _, e := range events {
			uid, _ := e.Props.Text(ical.PropUID)
			start, err := e.DateTimeStart(nil)
			if err != nil {
				t.Errorf("%s: %v", uid, err)
				continue
			}
			if got := start.UTC().Format(time.RFC3339); got != at[uid] {
				t.Errorf("%s starts %s, the manifest says %q", uid, got, at[uid])
			}
		}
	})

	t.Run("csv", func(t *testing.T) {
		rows, err := csv.NewReader(bytes.NewReader(tree["posts.csv"])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, p := range m.Posts {
			for _, ch := range p.Channels {
				if slices.Contains(campaign.Platforms, ch) {
					want++
				}
			}
		}
		if len(rows)-1 != want {
			t.Errorf("%d rows, want one per post and platform it goes to (%d)", len(rows)-1, want)
		}
		for _, r := range rows[1:] {
			built := r[3] == "x" || r[3] == "bluesky" || r[3] == "mastodon" // their sizes are x and bluesky
			if _, ok := tree[r[7]]; ok != built {
				t.Errorf("%s on %s: image %q, in the bundle: %t, want %t", r[11], r[3], r[7], ok, built)
			}
		}
	})

	// schedule export writes the bundle's files: the same event UIDs and
	// the same rows, for the languages and sizes built
	t.Run("schedule export", func(t *testing.T) {
		code, ics, errs := runCLI(t, "schedule", "export", "--ics")
		if code != 0 {
			t.Fatalf("schedule export --ics: exit %d: %s", code, errs)
		}
		uids := func(data []byte) []string {
			t.Helper()
			cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range cal.Events() {
				uid, _ := e.Props.Text(ical.PropUID)
				if strings.Contains(uid, "/en@") || strings.Contains(uid, "/ar@") {
					out = append(out, uid)
				}
			}
			slices.Sort(out)
			return out
		}
		got, want := uids([]byte(ics)), uids(tree["calendar.ics"])
		if len(want) != len(m.Posts) || !slices.Equal(got, want) {
			t.Errorf("export --ics UIDs in en and ar:\n%q\nbundle's calendar.ics (%d posts):\n%q", got, len(m.Posts), want)
		}
		code, out, errs := runCLI(t, "schedule", "export", "--csv")
		if code != 0 {
			t.Fatalf("schedule export --csv: exit %d: %s", code, errs)
		}
		exported, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		built, err := csv.NewReader(bytes.NewReader(tree["posts.csv"])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(exported[0], built[0]) {
			t.Errorf("export --csv header %q, posts.csv's %q", exported[0], built[0])
		}
		var rows []string
		for _, r := range exported[1:] {
			if (r[4] == "en" || r[4] == "ar") && (r[3] == "x" || r[3] == "bluesky" || r[3] == "mastodon") {
				rows = append(rows, strings.Join(r, ","))
			}
		}
		var bundleRows []string
		for _, r := range built[1:] {
			if r[3] == "x" || r[3] == "bluesky" || r[3] == "mastodon" {
				bundleRows = append(bundleRows, strings.Join(r, ","))
			}
		}
		if len(rows) == 0 || !slices.Equal(rows, bundleRows) {
			t.Errorf("export --csv rows in en and ar on x, bluesky and mastodon differ from posts.csv's:\n%q\n%q", rows, bundleRows)
		}
	})

	t.Run("zips", func(t *testing.T) {
		all := readZip(t, tree["migrants-day-2026.zip"])
		for name, data := range tree {
			if strings.HasSuffix(name, ".zip") {
				if _, ok := all["migrants-day-2026/"+name]; ok {
					t.Errorf("the full zip holds a zip: %s", name)
				}
				continue
			}
			got, ok := all["migrants-day-2026/"+name]
			if !ok {
				t.Errorf("the full zip lacks %s", name)
			} else if name != "index.html" && !bytes.Equal(got, data) {
				t.Errorf("%s in the zip differs from the folder", name)
			}
		}
		ar := readZip(t, tree["migrants-day-2026-ar.zip"])
		for name, data := range ar {
			rel := strings.TrimPrefix(name, "migrants-day-2026-ar/")
			if strings.HasPrefix(rel, "cards/") && (!strings.HasPrefix(rel, "cards/ar/") || !bytes.Equal(data, tree[rel])) {
				t.Errorf("Arabic zip entry %s is not an Arabic card of the folder", name)
			}
		}
		if _, ok := ar["migrants-day-2026-ar/captions/ar.md"]; !ok {
			t.Error("the Arabic zip lacks its captions")
		}
	})

	t.Run("no secrets or machine paths", func(t *testing.T) {
		home, _ := os.UserHomeDir()
		for name, data := range tree {
			if strings.HasSuffix(name, ".png") || strings.HasSuffix(name, ".jpg") || strings.HasSuffix(name, ".zip") {
				continue
			}
			for _, bad := range []string{dir, home + "/", "/tmp/", "TOKEN", "PASSWORD"} {
				if bad != "/" && bytes.Contains(data, []byte(bad)) {
					t.Errorf("%s contains %q", name, bad)
				}
			}
		}
	})

	// a second build from the same input gives the same bytes everywhere
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("second build: exit %d: %s", code, errs)
	}
	again := readFiles(t, root)
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range tree {
			if !yield(n) {
				return
			}
		}
	})
	for _, n := range names {
		if !bytes.Equal(tree[n], again[n]) {
			t.Errorf("%s differs between two builds", n)
		}
	}
	if len(again) != len(tree) {
		t.Errorf("%d files after the second build, %d after the first", len(again), len(tree))
	}
}

func readFiles(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := fs.WalkDir(os.DirFS(root), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == bundle.MarkerName { // the marker is not bundle content
			return err
		}
		out[p], err = os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readZip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	names, files, _ := toolkittest.Unzip(t, data)
	for _, name := range names {
		if strings.Contains(name, "..") || strings.HasPrefix(name, "/") {
			t.Errorf("unsafe zip entry %q", name)
		}
	}
	return files
}
