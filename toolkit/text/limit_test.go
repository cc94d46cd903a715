//go:build unix

package text

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/campaignkit/campaignkit/toolkit"
)

// TestLoadRefusesAnOversizeFont: font files are read with MaxFontBytes.
func TestLoadRefusesAnOversizeFont(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "NotoSans-Regular.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(toolkit.MaxFontBytes + 1); err != nil {
		t.Skipf("no sparse files: %v", err)
	}
	f.Close()
	folder, err := toolkit.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer folder.Close()
	if _, err := Load(folder); !errors.Is(err, toolkit.ErrTooBig) {
		t.Errorf("got %v, want ErrTooBig", err)
	}
}
