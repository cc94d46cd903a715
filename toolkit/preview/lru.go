package preview

import (
	"container/list"
	"sync"
)

// lru keeps encoded images by key up to a number of bytes, pushing out
// the least recently used first.
type lru struct {
	mu    sync.Mutex
	max   int64
	bytes int64
	order *list.List // of *lruEntry, most recent first
	byKey map[string]*list.Element
}

type lruEntry struct {
	key  string
	data []byte
}

func newLRU(max int64) *lru {
	return &lru{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *lru) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*lruEntry).data, true
}

func (c *lru) has(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.byKey[key]
	return ok
}

// put keeps data under key; data larger than the whole cache is not kept.
func (c *lru) put(key string, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if int64(len(data)) > c.max {
		return
	}
	if e, ok := c.byKey[key]; ok {
		c.bytes -= int64(len(e.Value.(*lruEntry).data))
		c.order.Remove(e)
	}
	c.byKey[key] = c.order.PushFront(&lruEntry{key, data})
	c.bytes += int64(len(data))
	for c.bytes > c.max {
		last := c.order.Back()
		ent := last.Value.(*lruEntry)
		c.order.Remove(last)
		delete(c.byKey, ent.key)
		c.bytes -= int64(len(ent.data))
	}
}
