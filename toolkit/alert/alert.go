// Package alert tells the operator of a campaign's runner what went wrong
// and what to do about it: a post given up, a missed post, a network that
// refused the credentials, a runner that died. A Notifier takes the
// runner's events (runner.Config.Events) and delivers each by e-mail
// (SMTP) and to a webhook (signed JSON, or Slack/Teams text), in the
// background, so that the runner never waits for a mail server.
//
// Each channel has its own bounded queue and goroutine: a dead webhook
// does not hold up the mails. An alert that finds its channel's queue full
// is dropped with an error log line that carries the whole alert, so the
// log always has it. A failed send is retried a few times with backoff; a
// sent alert is never sent again, and an event key already seen is not
// sent twice.
package alert

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/runner"
)

// Config configures a Notifier. Now is required; with neither Email nor
// Webhook the Notifier only logs each event, at error level.
type Config struct {
	Email   *EmailConfig
	Webhook *WebhookConfig
	// Location is the campaign's time zone: alerts give times in it and in
	// UTC. Default UTC.
	Location *time.Location
	// Queue is how many alerts may wait for each channel (default 100).
	// Past it new alerts for that channel are dropped, with a log line.
	Queue int
	Retry Retry
	Now   func() time.Time
	// Logger gets a line per alert delivered, retried, dropped or given up;
	// never a password, a secret or a webhook URL's path. Nil discards.
	Logger *slog.Logger
}

// Retry says how a failed send is retried.
type Retry struct {
	Tries   int           // attempts per alert and channel (default 4)
	Base    time.Duration // wait after the first failure, doubled after each (default 5s)
	Max     time.Duration // cap on one wait (default 1m)
	Timeout time.Duration // bound on one attempt (default 30s)
}

// DefaultRetry rides out a mail server restart or a webhook hiccup of a
// minute or so: 5s, 10s, 20s between 4 attempts.
var DefaultRetry = Retry{Tries: 4, Base: 5 * time.Second, Max: time.Minute, Timeout: 30 * time.Second}

// seenMax bounds the event keys remembered to refuse a repeated event.
const seenMax = 4096

// sender delivers one alert over one channel.
type sender interface {
	channel() string // "email" or "webhook", for logs
	send(ctx context.Context, m *message) error
}

// lane is one channel's queue and the goroutine that empties it.
type lane struct {
	sender
	queue chan *message
}

// Notifier delivers runner events to the operator's alert channels. Its
// methods are safe for concurrent use. Close stops it.
type Notifier struct {
	cfg   Config
	log   *slog.Logger
	lanes []*lane

	mu     sync.RWMutex // guards closed against sends on closed queues
	closed bool

	seenMu sync.Mutex
	seen   map[string]bool
	order  []string // seen keys, oldest first

	ctx    context.Context // cancelled when Close gives up waiting
	cancel context.CancelFunc
	wg     sync.WaitGroup
	lost   atomic.Int64 // alerts not delivered
}

// New checks cfg and starts one goroutine per configured channel; Close
// stops them.
func New(cfg Config) (*Notifier, error) {
	if cfg.Now == nil {
		return nil, errors.New("alert: no clock (Config.Now)")
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 100
	}
	if cfg.Retry.Tries <= 0 {
		cfg.Retry.Tries = DefaultRetry.Tries
	}
	if cfg.Retry.Base <= 0 {
		cfg.Retry.Base = DefaultRetry.Base
	}
	if cfg.Retry.Max <= 0 {
		cfg.Retry.Max = DefaultRetry.Max
	}
	if cfg.Retry.Timeout <= 0 {
		cfg.Retry.Timeout = DefaultRetry.Timeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var senders []sender
	if cfg.Email != nil {
		e, err := newEmail(*cfg.Email, cfg.Now, cfg.Logger)
		if err != nil {
			return nil, err
		}
		senders = append(senders, e)
	}
	if cfg.Webhook != nil {
		w, err := newWebhook(*cfg.Webhook, cfg.Now)
		if err != nil {
			return nil, err
		}
		senders = append(senders, w)
	}
	n := &Notifier{cfg: cfg, log: cfg.Logger, seen: map[string]bool{}}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	for _, s := range senders {
		l := &lane{sender: s, queue: make(chan *message, cfg.Queue)}
		n.lanes = append(n.lanes, l)
		n.wg.Add(1)
		go n.deliver(l)
	}
	return n, nil
}

// Channels names the configured channels, for a startup log line.
func (n *Notifier) Channels() []string {
	out := make([]string, len(n.lanes))
	for i, l := range n.lanes {
		out[i] = l.channel()
	}
	return out
}

// Notify queues e for every channel and returns at once: it never waits
// for a send, so it fits runner.Config.Events. An event whose Key was
// already notified is ignored; a channel whose queue is full drops it with
// an error log line.
func (n *Notifier) Notify(e runner.Event) {
	if e.At.IsZero() {
		e.At = n.cfg.Now()
	}
	m := compose(e, n.cfg.Location)
	n.mu.RLock()
	defer n.mu.RUnlock()
	if n.closed {
		n.log.Error("alert after the notifier stopped; not sent", m.logAttrs()...)
		return
	}
	if !n.first(e.Key) {
		n.log.Debug("alert already notified; not sent again", "kind", string(e.Kind), "key", e.Key)
		return
	}
	if len(n.lanes) == 0 {
		n.log.Error("alert (no alert channel configured: the log is the only place it is said)", m.logAttrs()...)
		return
	}
	n.log.Info("alert", "kind", string(e.Kind), "key", e.Key, "subject", m.subject)
	for _, l := range n.lanes {
		select {
		case l.queue <- m:
		default:
			n.lost.Add(1)
			n.log.Error("alert dropped: its channel's queue is full", append([]any{"channel", l.channel(), "queue", n.cfg.Queue}, m.logAttrs()...)...)
		}
	}
}

// first records key and reports whether it is new. An empty key is
// always new: there is nothing to tell it apart by.
func (n *Notifier) first(key string) bool {
	if key == "" {
		return true
	}
	n.seenMu.Lock()
	defer n.seenMu.Unlock()
	if n.seen[key] {
		return false
	}
	n.seen[key] = true
	n.order = append(n.order, key)
	if len(n.order) > seenMax {
		delete(n.seen, n.order[0])
		n.order = n.order[1:]
	}
	return true
}

// Close stops taking alerts and waits until the queued ones are delivered
// or ctx ends; then it cancels the sends in flight, logs each alert left
// undelivered, and returns an error saying how many there were. The
// goroutines have ended when Close returns.
func (n *Notifier) Close(ctx context.Context) error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	for _, l := range n.lanes {
		close(l.queue)
	}
	n.mu.Unlock()
	done := make(chan struct{})
	go func() {
		n.wg.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
		n.cancel()
		<-done // sends and waits watch n.ctx, so this is prompt
	}
	n.cancel()
	if lost := n.lost.Load(); lost > 0 {
		return fmt.Errorf("alert: %d alert deliveries failed or were dropped (the log has each)", lost)
	}
	if err != nil {
		return fmt.Errorf("alert: stopping: %w", err)
	}
	return nil
}

// deliver sends l's alerts one after another until the queue is closed
// and empty. Once Close has given up, what is left is logged, not sent.
func (n *Notifier) deliver(l *lane) {
	defer n.wg.Done()
	for m := range l.queue {
		if n.ctx.Err() != nil {
			n.lost.Add(1)
			n.log.Error("alert not delivered: stopped", append([]any{"channel", l.channel()}, m.logAttrs()...)...)
			continue
		}
		n.deliverOne(l, m)
	}
}

// deliverOne sends m until a send succeeds, fails for good, or the tries
// run out. Only a failed send is retried.
func (n *Notifier) deliverOne(l *lane, m *message) {
	r := n.cfg.Retry
	wait := r.Base
	for try := 1; ; try++ {
		ctx, cancel := context.WithTimeout(n.ctx, r.Timeout)
		err := l.send(ctx, m)
		cancel()
		if err == nil {
			n.log.Info("alert delivered", "channel", l.channel(), "kind", string(m.event.Kind), "key", m.event.Key, "attempt", try)
			return
		}
		var perm *permanentError
		final := errors.As(err, &perm) || try >= r.Tries || n.ctx.Err() != nil
		if final {
			n.lost.Add(1)
			n.log.Error("alert not delivered", append([]any{"channel", l.channel(), "attempts", try, "err", err}, m.logAttrs()...)...)
			return
		}
		n.log.Warn("alert not delivered; will retry", "channel", l.channel(), "kind", string(m.event.Kind), "key", m.event.Key,
			"attempt", try, "retry_in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-n.ctx.Done():
			t.Stop()
			n.lost.Add(1)
			n.log.Error("alert not delivered: stopped", append([]any{"channel", l.channel(), "attempts", try, "err", err}, m.logAttrs()...)...)
			return
		}
		wait = min(2*wait, r.Max)
	}
}

// permanentError is a send that cannot succeed by trying again: a
// recipient the server refuses, a webhook answering 400, a password that
// would go in clear.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err: err} }
