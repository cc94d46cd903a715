package web

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/render"
	"github.com/campaignkit/campaignkit/toolkit/text"
)

// errBusy means every renderer is working and the queue in front of them
// is full; the client is told to come back (503 with Retry-After).
var errBusy = errors.New("all renderers are busy")

// errClosed means the server is shutting down.
var errClosed = errors.New("the render pool is closed")

type task struct {
	ctx  context.Context
	fn   func(*render.Renderer) ([]byte, error)
	done chan result
}

type result struct {
	data []byte
	err  error
}

// pool is a fixed set of goroutines, each owning one renderer (a renderer
// holds a text shaper, which is not safe for concurrent use), fed from a
// bounded queue. The goroutines end when close is called.
type pool struct {
	queue chan task
	quit  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
	// hook runs before each task; tests block in it to saturate the pool.
	hook func(context.Context)
	// waitHook runs when a task starts waiting for room in the queue.
	waitHook func()
}

func newPool(workers, depth int, lib *text.Library, images *render.Images, hook func(context.Context)) *pool {
	p := &pool{queue: make(chan task, depth), quit: make(chan struct{}), hook: hook}
	for range workers {
		p.wg.Add(1)
		go p.work(render.New(lib, images))
	}
	return p
}

func (p *pool) work(r *render.Renderer) {
	defer p.wg.Done()
	for {
		select {
		case <-p.quit:
			return
		case t := <-p.queue:
			if err := t.ctx.Err(); err != nil {
				t.done <- result{err: err}
				continue
			}
			if p.hook != nil {
				p.hook(t.ctx)
			}
			data, err := t.fn(r)
			t.done <- result{data: data, err: err}
		}
	}
}

// do runs fn on a renderer. When the queue is full it waits for room for
// up to patience (0: not at all, negative: until ctx ends) and then fails
// with errBusy.
func (p *pool) do(ctx context.Context, patience time.Duration, fn func(*render.Renderer) ([]byte, error)) ([]byte, error) {
	t := task{ctx: ctx, fn: fn, done: make(chan result, 1)}
	select {
	case p.queue <- t:
	case <-p.quit:
		return nil, errClosed
	default:
		if patience == 0 {
			return nil, errBusy
		}
		var expired <-chan time.Time
		if patience > 0 {
			tm := time.NewTimer(patience)
			defer tm.Stop()
			expired = tm.C
		}
		if p.waitHook != nil {
			p.waitHook()
		}
		select {
		case p.queue <- t:
		case <-expired:
			return nil, errBusy
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-p.quit:
			return nil, errClosed
		}
	}
	select {
	case r := <-t.done:
		return r.data, r.err
	case <-p.quit:
		return nil, errClosed
	}
}

// saturated reports whether the queue is full right now.
func (p *pool) saturated() bool { return len(p.queue) == cap(p.queue) }

// close stops the workers after their current task and waits for them.
func (p *pool) close() {
	p.once.Do(func() { close(p.quit) })
	p.wg.Wait()
}
