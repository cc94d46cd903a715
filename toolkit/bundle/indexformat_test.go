package bundle

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var updateFormat = flag.Bool("update", false, "record the index pages' hash in testdata/index-format.txt")

// TestIndexFormatFollowsPages: a zip's index page is taken to be
// unchanged while its key is (pageKey: the manifest, the template, and
// indexFormat for indexHTML's code), so when the pages indexHTML writes for
// the same manifest change, indexFormat must change too, or a rebuild
// would keep old pages in its zips. testdata/index-format.txt records the
// pair; -update records a new pair, and refuses to when the pages changed
// under the same indexFormat.
func TestIndexFormatFollowsPages(t *testing.T) {
	m := testManifest()
	var pages []byte
	for _, zips := range []bool{false, true} {
		p, err := indexHTML(m, zips)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p...)
	}
	for _, l := range m.Campaign.Languages {
		p, err := indexHTML(m.ForLang(l), false)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p...)
	}
	got := sha256Hex(pages)
	file := filepath.Join("testdata", "index-format.txt")
	data, err := os.ReadFile(file)
	if err != nil && !*updateFormat {
		t.Fatalf("%v (run go test -run TestIndexFormatFollowsPages -update)", err)
	}
	version, hash, _ := strings.Cut(strings.TrimSpace(string(data)), " ")
	record := func() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(strconv.Itoa(indexFormat)+" "+got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	switch {
	case hash == got:
		if version != strconv.Itoa(indexFormat) && *updateFormat {
			record()
		}
	case version == strconv.Itoa(indexFormat):
		t.Fatalf("the index pages changed but indexFormat is still %d: bump it in index.go, so rebuilds draw the zips' pages again", indexFormat)
	case *updateFormat:
		record()
	default:
		t.Fatalf("testdata/index-format.txt records format %s for other pages: run go test -run TestIndexFormatFollowsPages -update", version)
	}
}
