//go:build unix

package render

import (
	"errors"
	"image"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"testing/fstest"

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

// TestImagesKeep: a picture kept is what Load returns, without reading
// the file (the folder here has none); one Load began first stays.
func TestImagesKeep(t *testing.T) {
	c := NewImages()
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	c.Keep("campaign", "photo.png", img)
	got, err := c.Load(fstest.MapFS{}, "campaign", "photo.png")
	if err != nil || got != image.Image(img) {
		t.Fatalf("Load after Keep: %v, %v; want the kept picture", got, err)
	}
	if _, err := c.Load(fstest.MapFS{}, "campaign", "other.png"); err == nil {
		t.Fatal("a picture neither kept nor in the folder loaded")
	}
	c.Keep("campaign", "other.png", img)
	if got, _ := c.Load(fstest.MapFS{}, "campaign", "other.png"); got != nil {
		t.Error("Keep replaced a picture Load had already tried")
	}
}
