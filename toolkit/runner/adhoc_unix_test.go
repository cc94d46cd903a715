//go:build unix

package runner

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// TestAdHocNamedPipe: an image that is a named pipe with no writer is
// refused at once, not waited on.
func TestAdHocNamedPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "photo.png")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := AdHoc(AdHocPost{At: time.Now(), Channel: "outbox", Text: "x", Images: []publish.Image{{Path: fifo, Alt: "x"}}})
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "images[0]: cannot read image "+fifo+": it is a named pipe (FIFO), not a regular file") {
			t.Errorf("got %v, want the pipe refused", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("AdHoc did not return in 10s: it waited on the named pipe")
	}
}
