//go:build unix

package render

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/campaignkit/campaignkit/toolkit"
)

// TestImagesLoadIsBounded: drawing reads pictures through the same bounded
// reader as validation, so a file swapped after the campaign was checked
// is still refused, never read whole or waited on.
func TestImagesLoadIsBounded(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "huge.png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Skipf("no sparse files: %v", err)
	}
	f.Close()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.png"), 0o644); err != nil {
		t.Fatal(err)
	}
	folder, err := toolkit.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer folder.Close()
	images := NewImages()
	for name, want := range map[string]error{"huge.png": toolkit.ErrTooBig, "pipe.png": toolkit.ErrNotRegular} {
		if _, err := images.Load(folder, "campaign", name); !errors.Is(err, want) {
			t.Errorf("%s: got %v, want %v", name, err, want)
		}
	}
}
