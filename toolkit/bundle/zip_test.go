package bundle

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

func TestWriteZipRefusesBadNames(t *testing.T) {
	cases := []struct {
		name string
		want string
	}{
		{"", `zip entry "": names must be relative`},
		{"/etc/passwd", `zip entry "/etc/passwd": names must be relative`},
		{"../up.txt", `zip entry "../up.txt": names must be relative`},
		{"a/../../up.txt", `zip entry "a/../../up.txt": names must be relative`},
		{"a/../b.txt", `zip entry "a/../b.txt": names must be relative`},
		{`cards\en\x.png`, `zip entry "cards\\en\\x.png": names must be relative`},
		{"./a.txt", `zip entry "./a.txt": names must be relative`},
		{"a//b.txt", `zip entry "a//b.txt": names must be relative`},
		{"dir/", `zip entry "dir/": names must be relative`},
		{"..", `zip entry "..": names must be relative`},
	}
	var all []ZipEntry
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := ZipEntry{Name: c.name, Source: Bytes("x")}
			var b bytes.Buffer
			err := WriteZip(&b, testStamp, []ZipEntry{{Name: "ok.txt", Source: Bytes("ok")}, e})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got error %v, want one containing %q", err, c.want)
			}
			if b.Len() != 0 {
				t.Errorf("%d bytes written for a refused zip", b.Len())
			}
		})
		all = append(all, ZipEntry{Name: c.name, Source: Bytes("x")})
	}
	// every bad name at once
	_, err := zipBytes(testStamp, all)
	for _, c := range cases {
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("with every bad name at once, the error lacks %q: %v", c.want, err)
		}
	}
	_, err = zipBytes(testStamp, []ZipEntry{{Name: "a.txt", Source: Bytes("1")}, {Name: "a.txt", Source: Bytes("2")}})
	if err == nil || !strings.Contains(err.Error(), `zip entry "a.txt": given twice`) {
		t.Errorf("duplicate name: %v", err)
	}
}

func TestZipIsReproducible(t *testing.T) {
	dir := t.TempDir()
	disk := filepath.Join(dir, "photo.jpg")
	if err := os.WriteFile(disk, []byte("\xff\xd8 not really a jpeg"), 0o600); err != nil {
		t.Fatal(err)
	}
	entries := []ZipEntry{
		{Name: "b/readme.md", Source: Bytes(strings.Repeat("text compresses ", 100))},
		{Name: "a/card.png", Source: Bytes("\x89PNG fake")},
		{Name: "a/photo.jpg", Source: DiskFile(disk)},
	}
	one, err := zipBytes(testStamp, entries)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(entries)
	two, err := zipBytes(testStamp, entries)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(one, two) {
		t.Error("the same entries in another order gave another zip")
	}
	names, files, headers := toolkittest.Unzip(t, one)
	if want := []string{"a/card.png", "a/photo.jpg", "b/readme.md"}; !slices.Equal(names, want) {
		t.Errorf("entries %q, want sorted %q", names, want)
	}
	if string(files["a/photo.jpg"]) != "\xff\xd8 not really a jpeg" {
		t.Errorf("the file from disk reads back as %q", files["a/photo.jpg"])
	}
	for name, h := range headers {
		wantMethod := zip.Deflate
		if strings.HasSuffix(name, ".png") || strings.HasSuffix(name, ".jpg") {
			wantMethod = zip.Store
		}
		if h.Method != wantMethod {
			t.Errorf("%s: method %d, want %d", name, h.Method, wantMethod)
		}
		if !h.Modified.Equal(testStamp) {
			t.Errorf("%s: modified %v, want %v", name, h.Modified, testStamp)
		}
		if h.Mode() != 0o644 {
			t.Errorf("%s: mode %v, want 0644", name, h.Mode())
		}
	}
	if _, err := zipBytes(testStamp, []ZipEntry{{Name: "gone.png", Source: DiskFile(filepath.Join(dir, "gone.png"))}}); err == nil || !strings.Contains(err.Error(), `zip entry "gone.png"`) {
		t.Errorf("a missing file on disk: %v", err)
	}
}

// testTree writes a bundle of m through the code Build uses once its
// images are drawn (stage.finish), with half the images linked from a
// previous bundle on disk, and returns the tree as written.
func testTree(t *testing.T, m *Manifest, images map[string][]byte) (files map[string][]byte, root string) {
	t.Helper()
	prev := t.TempDir()
	tg, err := openTarget(context.Background(), t.TempDir(), m.Campaign.Slug, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.close()
	root = tg.path
	st, err := tg.newStage(m.Campaign.Slug)
	if err != nil {
		t.Fatal(err)
	}
	defer st.discard()
	sums := map[string]string{}
	for i, img := range m.Images {
		data := images[img.Path]
		sums[img.Path] = sha256Hex(data)
		if i%2 == 0 {
			err = st.write(img.Path, data)
		} else {
			p := filepath.Join(prev, filepath.FromSlash(img.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			err = st.link(img.Path, p)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	cc := &cache{keys: &keyer{program: "test"}, index: readCache("", "\x00")}
	next := &cacheIndex{Files: map[string]cacheEntry{}}
	if err := st.finish(context.Background(), m, testStamp, sums, cc, next); err != nil {
		t.Fatalf("finish: %v", err)
	}
	return readTree(t, root), root
}

// readTree reads every file under root, by slash path, but the marker
// (which is not part of the bundle's content, nor of its zips).
func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	tree := map[string][]byte{}
	err := fs.WalkDir(os.DirFS(root), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == MarkerName {
			return err
		}
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		tree[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestBundleZips(t *testing.T) {
	m := testManifest()
	images := testImages(t, m)
	files, root := testTree(t, m, images)
	tree := readTree(t, root)
	slug := m.Campaign.Slug

	wantFiles := []string{"calendar.ics", "posts.csv", "index.html", "manifest.json", slug + ".zip"}
	for _, l := range m.Campaign.Languages {
		wantFiles = append(wantFiles, "captions/"+l+".md", slug+"-"+l+".zip")
	}
	for _, f := range wantFiles {
		if _, ok := tree[f]; !ok {
			t.Errorf("the bundle has no %s", f)
		}
	}
	page, err := indexHTML(m, false)
	if err != nil {
		t.Fatal(err)
	}

	// <slug>.zip: the whole tree but the zips, under <slug>/
	names, zipped, _ := toolkittest.Unzip(t, tree[slug+".zip"])
	var want []string
	for p := range tree {
		if !isZipName(p) {
			want = append(want, slug+"/"+p)
		}
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("%s.zip holds\n%q\nwant\n%q", slug, names, want)
	}
	for name, b := range zipped {
		p := strings.TrimPrefix(name, slug+"/")
		wantBytes := tree[p]
		if p == "index.html" {
			wantBytes = page // without links to the zips it is not in
		}
		if !bytes.Equal(b, wantBytes) {
			t.Errorf("%s.zip: %s differs from the bundle's file", slug, name)
		}
	}

	// <slug>-<lang>.zip: the language's cards and captions, and files made
	// for it alone
	for _, l := range m.Campaign.Languages {
		name := slug + "-" + l
		lm := m.ForLang(l)
		names, zipped, _ := toolkittest.Unzip(t, tree[name+".zip"])
		mj, _ := manifestJSON(lm)
		lpage, _ := indexHTML(lm, false)
		wantZip := map[string][]byte{
			"manifest.json": mj, "index.html": lpage, "calendar.ics": Calendar(lm, testStamp), "posts.csv": PostsCSV(lm),
			"captions/" + l + ".md": tree["captions/"+l+".md"],
		}
		for p, b := range tree {
			if strings.HasPrefix(p, "cards/"+l+"/") {
				wantZip[p] = b
			}
		}
		var want []string
		for p := range wantZip {
			want = append(want, name+"/"+p)
		}
		slices.Sort(want)
		if !slices.Equal(names, want) {
			t.Errorf("%s.zip holds\n%q\nwant\n%q", name, names, want)
		}
		for zn, b := range zipped {
			if !bytes.Equal(b, wantZip[strings.TrimPrefix(zn, name+"/")]) {
				t.Errorf("%s.zip: %s has other bytes than expected", name, zn)
			}
		}
		// the zip is complete: its manifest names only files in it
		var zm Manifest
		if err := json.Unmarshal(zipped[name+"/manifest.json"], &zm); err != nil {
			t.Fatal(err)
		}
		if len(zm.Images) == 0 || len(zm.Posts) == 0 {
			t.Errorf("%s.zip: manifest with %d images and %d posts", name, len(zm.Images), len(zm.Posts))
		}
		for _, img := range zm.Images {
			if _, ok := zipped[name+"/"+img.Path]; !ok || img.Lang != l {
				t.Errorf("%s.zip: manifest names %s (%s), not in the zip", name, img.Path, img.Lang)
			}
		}
		for _, p := range zm.Posts {
			for _, im := range p.Images {
				if _, ok := zipped[name+"/"+im]; !ok {
					t.Errorf("%s.zip: post %s names %s, not in the zip", name, p.ID, im)
				}
			}
		}
	}

	// same input, same bytes
	again, _ := testTree(t, m, images)
	for _, f := range toolkit.SortedKeys(files) {
		if !bytes.Equal(files[f], again[f]) {
			t.Errorf("building twice gave two different %s", f)
		}
	}
}

func TestForLang(t *testing.T) {
	m := testManifest()
	ar := m.ForLang("ar")
	if !slices.Equal(ar.Campaign.Languages, []string{"ar"}) || ar.Campaign.Slug != m.Campaign.Slug {
		t.Errorf("campaign %+v", ar.Campaign)
	}
	if len(ar.Images) != 6 || len(ar.Posts) != 1 {
		t.Errorf("%d images and %d posts, want 6 and 1", len(ar.Images), len(ar.Posts))
	}
	for _, img := range ar.Images {
		if img.Lang != "ar" {
			t.Errorf("image %s in %s", img.Path, img.Lang)
		}
	}
	if fr := m.ForLang("fr"); fr.Images == nil || fr.Posts == nil {
		t.Error("an empty language has nil lists (manifest.json would say null)")
	}
	if !slices.Equal(m.Campaign.Languages, []string{"en", "ar", "zh"}) {
		t.Errorf("ForLang changed the manifest's languages to %q", m.Campaign.Languages)
	}
}

func TestCheck(t *testing.T) {
	m := testManifest()
	if err := m.Check(); err != nil {
		t.Fatalf("the test manifest: %v", err)
	}
	m.Campaign.Slug = "../up"
	m.Campaign.Languages = append(m.Campaign.Languages, "en/../x")
	m.Images[0].Path = "/abs.png"
	m.Posts[0].At = "18 December 2026"
	m.Posts[1].Timezone = "Mars/Olympus_Mons"
	m.Posts[2].Images[1] = `cards\zh\x.png`
	err := m.Check()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`manifest campaign.slug: "../up" is not a file name`,
		`manifest campaign.languages[3]: "en/../x" is not a known language tag`,
		`manifest images[0].path: "/abs.png" must be relative`,
		`manifest posts[0].at: "18 December 2026" is not an RFC 3339 time`,
		`manifest posts[1].timezone: unknown time zone "Mars/Olympus_Mons"`,
		`manifest posts[2].images[1]: "cards\\zh\\x.png" must be relative`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%v", want, err)
		}
	}
	// a post that Check refuses is left out, not written half right
	if cal := string(Calendar(m, time.Time{})); strings.Contains(cal, "p-en-1@") {
		t.Error("the calendar has the post whose time does not parse")
	}
}

// zipBytes is WriteZip into memory.
func zipBytes(modified time.Time, entries []ZipEntry) ([]byte, error) {
	var b bytes.Buffer
	if err := WriteZip(&b, modified, entries); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
