package postgres

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// channel is the NOTIFY channel of the queue: a transaction that may make
// a post claimable notifies it, and PostgreSQL delivers the notification
// when (and only if) the transaction commits.
const channel = "campaignkit_queue"

func notify(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_notify($1, '')`, channel)
	return err
}

// hub fans the notifications of one listening connection out to the
// subscribers of Changes.
type hub struct {
	mu        sync.Mutex
	subs      map[chan struct{}]struct{}
	listening bool // the listener goroutine runs
	up        bool // it is connected and listening
	wg        sync.WaitGroup
}

// Changes returns a channel that receives a value when a post may have
// become claimable in any process sharing the database (see
// queue.Notifier). The first subscriber starts a listener on a connection
// of its own, outside the pool, which reconnects when the connection
// drops; it and every channel end when the store is closed.
func (s *Store) Changes(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{}, 1)
	h := &s.hub
	h.mu.Lock()
	select {
	case <-s.closed:
		h.mu.Unlock()
		close(ch)
		return ch
	default:
	}
	h.subs[ch] = struct{}{}
	if !h.listening {
		h.listening = true
		h.wg.Add(1)
		go s.listen() // ends when the store is closed
	}
	if h.up {
		wake(ch)
	}
	h.wg.Add(1)
	h.mu.Unlock()
	go func() { // ends when the subscriber's ctx ends or the store is closed
		defer h.wg.Done()
		select {
		case <-ctx.Done():
		case <-s.closed:
		}
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
		close(ch)
	}()
	return ch
}

func wake(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default: // a wake-up is already pending: one is enough
	}
}

// broadcast wakes every subscriber; up records whether the listener is
// connected.
func (h *hub) broadcast(up bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.up = up
	if !up {
		return
	}
	for ch := range h.subs {
		wake(ch)
	}
}

// listen holds a connection that LISTENs to the queue's channel and wakes
// the subscribers on each notification. When the connection fails it
// reconnects, waiting longer each time up to 30s, and wakes them once
// listening again: what happened meanwhile went unheard.
func (s *Store) listen() {
	defer s.hub.wg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // ends with listen, or ends it when the store is closed
		select {
		case <-s.closed:
			cancel()
		case <-ctx.Done():
		}
	}()
	delay := 100 * time.Millisecond
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, s.cfg.ConnConfig.Copy())
		if err == nil {
			if _, err = conn.Exec(ctx, `LISTEN `+channel); err == nil {
				delay = 100 * time.Millisecond
				s.hub.broadcast(true)
				for {
					if _, err = conn.WaitForNotification(ctx); err != nil {
						break
					}
					s.hub.broadcast(true)
				}
				s.hub.broadcast(false)
			}
			closeCtx, done := context.WithTimeout(context.Background(), time.Second)
			_ = conn.Close(closeCtx)
			done()
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
		case <-timer.C:
		}
		timer.Stop()
		delay = min(2*delay, 30*time.Second)
	}
}
