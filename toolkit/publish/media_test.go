//go:build unix

package publish

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
)

// TestLoadMediaRefusesWhatIsNotAnImageFile: a named pipe, a folder and a
// file over toolkit.MaxImageBytes are permanent failures that name the
// image, and none of them blocks or is read whole.
func TestLoadMediaRefusesWhatIsNotAnImageFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.png")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.png")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(toolkit.MaxImageBytes + 1); err != nil {
		t.Skipf("no sparse files here: %v", err)
	}
	f.Close()
	good := writePNG(t, dir, "card.png", 16, 9)
	for _, tc := range []struct {
		path, msg string
	}{
		{fifo, "it is a named pipe (FIFO), not a regular file"},
		{dir, "it is a folder, not a file"},
		{huge, "more than the 52428800 (50 MiB) allowed"},
		{filepath.Join(dir, "missing.png"), "file does not exist"},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			p := testPost(t, "p1", Image{Path: good, Alt: "a card"}, Image{Path: tc.path, Alt: "x"})
			done := make(chan error, 1)
			go func() {
				_, err := loadMedia(p)
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("loadMedia(%s) did not return in 10s", tc.path)
			}
			var perm *PermanentError
			if !errors.As(err, &perm) {
				t.Fatalf("got %v, want a *PermanentError", err)
			}
			if !strings.Contains(err.Error(), "post p1: image 2:") || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("got %q, want the post, the image number and %q", err, tc.msg)
			}
		})
	}
	files, err := loadMedia(testPost(t, "p2", Image{Path: good, Alt: "a card"}))
	if err != nil || len(files) != 1 || files[0].Width != 16 || files[0].Type != "image/png" {
		t.Errorf("a good card: got %d files, %v", len(files), err)
	}
}
