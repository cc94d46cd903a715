package web

import (
	"container/list"
	"sync"
)

// lru keeps encoded images up to a byte budget, least recently used out
// first. Concurrent requests for a key not yet cached share one
// computation.
type lru struct {
	mu      sync.Mutex
	budget  int64
	size    int64
	order   *list.List // front: most recent
	items   map[string]*list.Element
	flights map[string]*flight
}

type cached struct {
	key  string
	data []byte
}

type flight struct {
	done chan struct{}
	data []byte
	err  error
}

func newLRU(budget int64) *lru {
	return &lru{budget: budget, order: list.New(), items: map[string]*list.Element{}, flights: map[string]*flight{}}
}

// get returns what is cached under key (tests look with it).
func (c *lru) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cached).data, true
	}
	return nil, false
}

func (c *lru) putLocked(key string, data []byte) {
	n := int64(len(data))
	if n > c.budget {
		return // never cache what would evict everything
	}
	if e, ok := c.items[key]; ok {
		c.size -= int64(len(e.Value.(*cached).data))
		e.Value.(*cached).data = data
		c.order.MoveToFront(e)
	} else {
		c.items[key] = c.order.PushFront(&cached{key: key, data: data})
	}
	c.size += n
	for c.size > c.budget {
		e := c.order.Back()
		v := e.Value.(*cached)
		c.order.Remove(e)
		delete(c.items, v.key)
		c.size -= int64(len(v.data))
	}
}

// bytes reports the cached bytes, for tests and metrics.
func (c *lru) bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

// getOrCompute returns the cached value of key, or computes it once for
// every concurrent caller. Errors are not cached.
func (c *lru) getOrCompute(key string, compute func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*cached).data, nil
	}
	if f, ok := c.flights[key]; ok {
		c.mu.Unlock()
		<-f.done
		return f.data, f.err
	}
	f := &flight{done: make(chan struct{})}
	c.flights[key] = f
	c.mu.Unlock()

	f.data, f.err = compute()
	c.mu.Lock()
	delete(c.flights, key)
	if f.err == nil {
		c.putLocked(key, f.data)
	}
	c.mu.Unlock()
	close(f.done)
	return f.data, f.err
}
