package runner

import (
	"context"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/queue"
)

// imageCache holds the card images rendered for posts, by card, language
// and channel, so a publish finds its images ready: they are rendered
// ahead of time (prepareLoop) and at most once each.
type imageCache struct {
	render ImagesFunc
	mu     sync.Mutex
	done   map[imageKey]*imageEntry
}

type imageKey struct{ card, lang, channel string }

type imageEntry struct {
	ready  chan struct{}
	images []publish.Image
	err    error
}

func newImageCache(render ImagesFunc) *imageCache {
	return &imageCache{render: render, done: map[imageKey]*imageEntry{}}
}

// get returns the images of card in lang for channel, rendering them if no
// one has; callers asking at once wait for the one render. A failed render
// is not kept, so the next call tries again.
func (c *imageCache) get(ctx context.Context, card, lang, channel string) ([]publish.Image, error) {
	k := imageKey{card, lang, channel}
	c.mu.Lock()
	render := c.render // swapped by Reconfigure
	if render == nil {
		c.mu.Unlock()
		return nil, nil
	}
	e, ok := c.done[k]
	if !ok {
		e = &imageEntry{ready: make(chan struct{})}
		c.done[k] = e
	}
	c.mu.Unlock()
	if !ok {
		e.images, e.err = render(ctx, card, lang, channel)
		if e.err != nil {
			c.mu.Lock()
			if c.done[k] == e { // not a newer entry made after a reset
				delete(c.done, k)
			}
			c.mu.Unlock()
		}
		close(e.ready)
	}
	select {
	case <-e.ready:
		return e.images, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// reset forgets every image and renders with render from now on, after
// the campaign changed; it returns the render it replaced.
func (c *imageCache) reset(render ImagesFunc) ImagesFunc {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.render
	c.render = render
	c.done = map[imageKey]*imageEntry{}
	return old
}

// prepareLoop renders the images of card posts due within Config.Prepare,
// now and every few seconds, until ctx ends.
func (r *Runner) prepareLoop(ctx context.Context) {
	if r.cfg.Images == nil {
		return
	}
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		r.prepare(ctx, r.cfg.Now())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// prepare renders the images of the waiting card posts due before
// now+Prepare that are not rendered yet.
func (r *Runner) prepare(ctx context.Context, now time.Time) {
	posts, err := r.cfg.Store.List(ctx, queue.Filter{DueBefore: now.Add(r.cfg.Prepare), Sources: r.sources()})
	if err != nil {
		if ctx.Err() == nil {
			r.log.Warn("listing posts to render ahead failed", "err", err)
		}
		return
	}
	for _, p := range posts {
		if ctx.Err() != nil {
			return
		}
		if p.Card == "" || len(p.Images) > 0 {
			continue
		}
		if _, err := r.images.get(ctx, p.Card, p.Lang, p.Channel); err != nil && ctx.Err() == nil {
			r.log.Warn("rendering a card ahead failed; the publish will try again", "card", p.Card, "lang", p.Lang, "channel", p.Channel, "err", err)
		}
	}
}
