// Package lru keeps encoded bytes (images, pages) by key up to a byte
// budget, pushing out the least recently used first: the one memory bound
// of the toolkit server and the live preview, which both draw more than
// they can keep.
package lru

import (
	"container/list"
	"sync"
)

// Cache is a byte-bounded cache, safe for concurrent use. Concurrent
// GetOrCompute calls for a key not yet cached share one computation.
type Cache struct {
	mu      sync.Mutex
	budget  int64
	size    int64
	order   *list.List // of *entry, most recent first
	items   map[string]*list.Element
	flights map[string]*flight
}

type entry struct {
	key  string
	data []byte
}

type flight struct {
	done chan struct{}
	data []byte
	err  error
}

// New returns a cache of at most budget bytes.
func New(budget int64) *Cache {
	return &Cache{budget: budget, order: list.New(), items: map[string]*list.Element{}, flights: map[string]*flight{}}
}

// Get returns what is cached under key, and marks it used.
func (c *Cache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.getLocked(key)
}

func (c *Cache) getLocked(key string) ([]byte, bool) {
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*entry).data, true
}

// Has reports whether key is cached, without marking it used.
func (c *Cache) Has(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.items[key]
	return ok
}

// Put keeps data under key. Data larger than the whole budget is not
// kept: it would push out everything else and then itself.
func (c *Cache) Put(key string, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(key, data)
}

func (c *Cache) putLocked(key string, data []byte) {
	n := int64(len(data))
	if n > c.budget {
		return
	}
	if e, ok := c.items[key]; ok {
		c.size -= int64(len(e.Value.(*entry).data))
		e.Value.(*entry).data = data
		c.order.MoveToFront(e)
	} else {
		c.items[key] = c.order.PushFront(&entry{key: key, data: data})
	}
	c.size += n
	for c.size > c.budget {
		e := c.order.Back()
		v := e.Value.(*entry)
		c.order.Remove(e)
		delete(c.items, v.key)
		c.size -= int64(len(v.data))
	}
}

// Bytes reports the bytes cached.
func (c *Cache) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

// GetOrCompute returns the cached value of key, or computes it once for
// every concurrent caller and keeps it. Errors are not cached.
func (c *Cache) GetOrCompute(key string, compute func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	if data, ok := c.getLocked(key); ok {
		c.mu.Unlock()
		return data, nil
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
