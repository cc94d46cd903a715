//go:build unix

package publish

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

// TestLoadMediaRefusesWhatIsNotAnImageFile: a named pipe, a folder and a
// file over toolkit.MaxImageBytes are permanent failures that name the
// image, and none of them blocks or is read whole.
func TestLoadMediaRefusesWhatIsNotAnImageFile(t *testing.T) {
	dir := t.TempDir()
	fifo := toolkittest.FIFO(t, filepath.Join(dir, "fifo.png"))
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
			err := toolkittest.Returns(t, 10*time.Second, "loadMedia("+tc.path+")", func() error {
				_, err := loadMedia(p)
				return err
			})
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
