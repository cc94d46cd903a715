package web

import (
	"context"
	"sync"
)

// memBudget bounds the memory that work in progress may hold at once
// (decoded uploads): each piece of work takes what it needs and gives it
// back, waiting its turn, first come first served, while there is not
// enough. A piece needing more than the whole budget waits until it can
// have all of it.
type memBudget struct {
	mu      sync.Mutex
	total   int64
	free    int64
	waiters []*budgetWaiter
}

type budgetWaiter struct {
	n     int64
	ready chan struct{}
}

func newMemBudget(total int64) *memBudget { return &memBudget{total: total, free: total} }

// acquire takes n bytes of the budget, waiting until ctx ends. It returns
// what it took, to give to release.
func (b *memBudget) acquire(ctx context.Context, n int64) (int64, error) {
	n = min(max(n, 1), b.total)
	b.mu.Lock()
	if len(b.waiters) == 0 && b.free >= n {
		b.free -= n
		b.mu.Unlock()
		return n, nil
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	b.waiters = append(b.waiters, w)
	b.mu.Unlock()
	select {
	case <-w.ready:
		return n, nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-w.ready: // granted meanwhile: give it back
		b.free += n
	default:
		for i, o := range b.waiters {
			if o == w {
				b.waiters = append(b.waiters[:i], b.waiters[i+1:]...)
				break
			}
		}
	}
	b.grantLocked()
	return 0, ctx.Err()
}

// release gives back what acquire took.
func (b *memBudget) release(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.free += n
	b.grantLocked()
}

func (b *memBudget) grantLocked() {
	for len(b.waiters) > 0 && b.free >= b.waiters[0].n {
		w := b.waiters[0]
		b.waiters = b.waiters[1:]
		b.free -= w.n
		close(w.ready)
	}
}
