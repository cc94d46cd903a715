package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
