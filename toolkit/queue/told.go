package queue

import (
	"sync"
	"time"
)

// ToldFor is how long a store remembers a key given to FirstTime. A runner
// reports an event when it happens (a post given up or missed) or while
// the runner concerned is within its last day of heartbeats, so a key
// older than this is never asked about again; forgetting it keeps the
// table from growing for as long as the store lives.
const ToldFor = 30 * 24 * time.Hour

// PruneEvery is how often, at most, a store deletes the keys older than
// ToldFor: pruning costs a write, and FirstTime is called on every event.
const PruneEvery = time.Hour

// ToldPruning paces a store's pruning of FirstTime's keys. The zero value
// is ready: the first call is due. It keeps no clock of its own, so a
// store prunes on the times its callers pass, as it does everything else.
type ToldPruning struct {
	mu   sync.Mutex
	last time.Time
}

// Due reports whether a store should prune now and, if so, the instant
// before which keys are forgotten; the prune then counts as done until
// PruneEvery has passed. A now earlier than the last prune (a clock set
// back) is due too, so a clock that jumped forward once does not stop
// pruning.
func (p *ToldPruning) Due(now time.Time) (before time.Time, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.last.IsZero() && now.Sub(p.last) < PruneEvery && !now.Before(p.last) {
		return time.Time{}, false
	}
	p.last = now
	return now.Add(-ToldFor), true
}
