package lru

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

func TestLeastRecentlyUsedOut(t *testing.T) {
	c := New(10)
	c.Put("a", make([]byte, 4))
	c.Put("b", make([]byte, 4))
	c.Get("a") // b is now the least recently used
	c.Put("c", make([]byte, 4))
	if c.Has("b") || !c.Has("a") || !c.Has("c") {
		t.Errorf("after a, b, use of a, c in 10 bytes: a %v b %v c %v, want a and c", c.Has("a"), c.Has("b"), c.Has("c"))
	}
	c.Put("big", make([]byte, 11))
	if got, want := c.Bytes(), int64(8); c.Has("big") || got != want {
		t.Errorf("data over the whole budget: kept %v, %d bytes, want not kept, %d", c.Has("big"), got, want)
	}
	c.Put("a", make([]byte, 6)) // replaced in place, b's room counted once
	if got, want := c.Bytes(), int64(10); got != want || !c.Has("c") {
		t.Errorf("a replaced: %d bytes, c kept %v, want %d and true", got, c.Has("c"), want)
	}
}

// TestGetOrComputeOnce has callers ask for the same key while it is being
// computed: one computation serves them all, and an error is not kept.
func TestGetOrComputeOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := New(100)
		var computed atomic.Int32
		release := make(chan struct{})
		compute := func() ([]byte, error) {
			computed.Add(1)
			<-release
			return []byte("page"), nil
		}
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() {
				if got, err := c.GetOrCompute("k", compute); err != nil || string(got) != "page" {
					t.Errorf("got %q, %v, want page", got, err)
				}
			})
		}
		synctest.Wait() // every caller waits on the one computation
		close(release)
		wg.Wait()
		if got := computed.Load(); got != 1 {
			t.Errorf("computed %d times, want 1", got)
		}

		boom := errors.New("boom")
		if _, err := c.GetOrCompute("bad", func() ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
			t.Errorf("got %v, want %v", err, boom)
		}
		if c.Has("bad") {
			t.Error("an error was cached")
		}
	})
}
