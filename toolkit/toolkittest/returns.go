package toolkittest

import (
	"testing"
	"time"
)

// Returns calls f and returns its error, failing t when f has not
// returned within d: a reader that blocks on a named pipe would
// otherwise hang the test until the test binary's own timeout. The
// goroutine that calls f ends when f does; when f blocks for good, it
// ends with the test binary.
func Returns(t testing.TB, d time.Duration, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("%s did not return in %v", what, d)
		return nil
	}
}
