package render_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/toolkit/render"
)

// goldenHash hashes every golden image's pixels (decoded, so that another
// PNG encoder writing the same pixels changes nothing) and the lines.
func goldenHash(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("testdata", "golden")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".png") || n == "lines.json" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	h := sha256.New()
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(n, ".png") {
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			rgba := image.NewRGBA(img.Bounds())
			draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
			data = rgba.Pix
		}
		fmt.Fprintf(h, "%s %d\n", n, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestVersionFollowsPixels: render.Version keys every cache of drawn
// cards, so when the golden images change (the drawing changed), it must
// change too; testdata/golden/version.txt records the pair. -update
// records a new pair, and refuses to when the goldens changed under the
// same version.
func TestVersionFollowsPixels(t *testing.T) {
	file := filepath.Join("testdata", "golden", "version.txt")
	got := goldenHash(t)
	data, err := os.ReadFile(file)
	if err != nil && !*update {
		t.Fatalf("%v (run go test -run 'TestGolden|TestVersionFollowsPixels' -update)", err)
	}
	version, hash, _ := strings.Cut(strings.TrimSpace(string(data)), " ")
	switch {
	case hash == got:
		if version != render.Version && *update {
			os.WriteFile(file, []byte(render.Version+" "+got+"\n"), 0o644)
		}
	case version == render.Version:
		t.Fatalf("the golden images changed but render.Version is still %q: bump it in version.go, so caches draw the cards again", version)
	case *update:
		if err := os.WriteFile(file, []byte(render.Version+" "+got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("version.txt records %q for other goldens: run go test -run 'TestGolden|TestVersionFollowsPixels' -update", version)
	}
}
