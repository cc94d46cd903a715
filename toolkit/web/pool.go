package web

import (
	"context"
	"errors"
	"sync"

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

// do runs fn on a renderer. With wait false it fails with errBusy at once
// when the queue is full; with wait true it waits for room until ctx ends.
func (p *pool) do(ctx context.Context, wait bool, fn func(*render.Renderer) ([]byte, error)) ([]byte, error) {
	t := task{ctx: ctx, fn: fn, done: make(chan result, 1)}
	if wait {
		select {
		case p.queue <- t:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-p.quit:
			return nil, errClosed
		}
	} else {
		select {
		case p.queue <- t:
		case <-p.quit:
			return nil, errClosed
		default:
			return nil, errBusy
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
