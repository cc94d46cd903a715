//go:build unix

package toolkittest

import (
	"syscall"
	"testing"
)

// FIFO makes a named pipe at path and returns path, for the tests that a
// reader refuses a pipe instead of blocking on it until a writer comes.
func FIFO(t testing.TB, path string) string {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
