//go:build unix

package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestQueueAddNamedPipe: `queue add --image FIFO` with no writer on the
// pipe exits 2 at once instead of hanging.
func TestQueueAddNamedPipe(t *testing.T) {
	dir := t.TempDir()
	path := writeCampaign(t, dir, schedCampaign, nil)
	fifo := filepath.Join(dir, "photo.png")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	type result struct {
		code int
		errs string
	}
	done := make(chan result, 1)
	go func() {
		code, _, errs := runCLI(t, "queue", "add", "-c", path, "--state", filepath.Join(dir, "state"), "--at", "2026-12-15 10:30",
			"--channel", "mastodon", "--text", "Join us", "--image", fifo, "--alt", "a crowd")
		done <- result{code, errs}
	}()
	select {
	case r := <-done:
		if want := "--image: cannot read image " + fifo + ": it is a named pipe (FIFO), not a regular file"; r.code != 2 || !strings.Contains(r.errs, want) {
			t.Errorf("exit %d, %s\nwant exit 2 and %q", r.code, r.errs, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("queue add did not return in 10s: it waited on the named pipe")
	}
}
