//go:build unix

package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

// TestBuildRecordsDecodedPictures: after a build, DecodedPictures knows
// the bytes of the campaign's pictures, and nothing else; before any
// build into the folder it knows nothing.
func TestBuildRecordsDecodedPictures(t *testing.T) {
	src := t.TempDir()
	logo := toolkittest.RawPNG(toolkittest.Noise(40, 20))
	body := strings.Replace(strings.Replace(tiny, "QUOTE", "Hello", 1), "theme: high-contrast\n", "theme: high-contrast\nlogo: logo.png\n", 1)
	for name, data := range map[string][]byte{"campaign.yaml": []byte(body), "logo.png": logo} {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "dist")
	s := sha256.Sum256(logo)
	sum := hex.EncodeToString(s[:])
	if DecodedPictures(out)(sum) {
		t.Fatal("a folder nothing was built into knows a picture")
	}
	buildTiny(t, src, out, nil)
	known := DecodedPictures(out)
	if !known(sum) {
		t.Error("after a build, the logo's bytes are not known to decode")
	}
	other := sha256.Sum256(append(logo, 0))
	if known(hex.EncodeToString(other[:])) {
		t.Error("bytes no build decoded are known")
	}
}

// TestCacheIndexThatIsAPipe: a named pipe where a cache index belongs (the
// campaign's own or another's) is passed over when the indexes are read,
// not waited on, and a build beside another campaign's pipe goes on as if
// there were no index.
func TestCacheIndexThatIsAPipe(t *testing.T) {
	src := writeTiny(t, "Hello")
	out := filepath.Join(t.TempDir(), "dist")
	if err := os.MkdirAll(cacheDir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	toolkittest.FIFO(t, cachePath(out, "tiny"))
	toolkittest.FIFO(t, cachePath(out, "other"))
	err := toolkittest.Returns(t, 10*time.Second, "DecodedPictures", func() error {
		DecodedPictures(out)("")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// the build's own index is written in place of what is there, and a
	// pipe is not replaced (refused with an error): only the other stays
	if err := os.Remove(cachePath(out, "tiny")); err != nil {
		t.Fatal(err)
	}
	err = toolkittest.Returns(t, 10*time.Second, "Build", func() error {
		buildTiny(t, src, out, nil)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
