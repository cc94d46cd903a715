package runner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/queue"
)

// handle publishes one claimed post and records the outcome.
func (r *Runner) handle(ctx context.Context, p queue.Post) {
	log := r.log.With("id", p.ID, "channel", p.Channel, "lang", p.Lang, "attempt", p.Attempts)
	store := r.cfg.Store
	// Records are written even when ctx is being cancelled at shutdown.
	rec := context.WithoutCancel(ctx)
	now := r.cfg.Now()
	late := now.Sub(p.Due)
	if late > r.grace {
		reason := fmt.Sprintf("claimed %s after it was due; beyond the grace window of %s", late.Round(time.Second), r.grace)
		if err := store.MarkMissed(rec, p.ID, r.cfg.Owner, now, reason); err != nil {
			log.Error("could not mark a post missed", "err", err)
			return
		}
		log.Error("post missed", "at", p.At, "late", late.Round(time.Second), "grace", r.grace)
		r.reportMissed(ctx, p, reason)
		return
	}
	if late > r.cfg.Tolerance {
		log.Warn("publishing late, within the grace window", "at", p.At, "late", late.Round(time.Second), "grace", r.grace)
	}
	pub := r.cfg.Publishers[p.Channel]
	if pub == nil {
		msg := fmt.Sprintf("no publisher for channel %q", p.Channel)
		if err := store.Fail(rec, p.ID, r.cfg.Owner, now, msg, time.Time{}); err != nil {
			log.Error("could not record a failure", "err", err)
		}
		log.Error("post failed permanently", "err", msg, "late", late.Round(time.Millisecond))
		r.reportFailure(ctx, p, errors.New(msg), "no publisher")
		return
	}

	stopLease := r.keepLease(ctx, p.ID, log)
	res, err := r.publish(ctx, pub, p)
	stopLease()
	now = r.cfg.Now()
	switch {
	case err == nil:
		if err := store.Complete(rec, p.ID, r.cfg.Owner, now, res); err != nil {
			log.Error("published, but the queue could not record it; a retry will find the earlier copy", "err", err, "remote_id", res.RemoteID)
			return
		}
		log.Info("published", "at", p.At, "late", now.Sub(p.Due).Round(time.Millisecond), "remote_id", res.RemoteID, "url", res.URL)
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		if err := store.Release(rec, p.ID, r.cfg.Owner, now, "runner stopped mid-publish"); err != nil {
			log.Error("could not release a post at shutdown", "err", err)
			return
		}
		log.Warn("publish interrupted by shutdown; the post goes back to the queue")
	default:
		retryAt, why := r.retryAt(p, err, now)
		if ferr := store.Fail(rec, p.ID, r.cfg.Owner, now, err.Error(), retryAt); ferr != nil {
			log.Error("could not record a failure", "err", ferr, "publish_err", err)
			return
		}
		if retryAt.IsZero() {
			log.Error("post failed; not retrying", "err", err, "why", why, "late", now.Sub(p.Due).Round(time.Millisecond))
			r.reportFailure(ctx, p, err, why)
		} else {
			log.Warn("post failed; will retry", "err", err, "retry_at", retryAt, "in", retryAt.Sub(now).Round(time.Millisecond), "late", now.Sub(p.Due).Round(time.Millisecond))
		}
	}
}

// publish calls the publisher with the attempt number in ctx and turns a
// panic into an error, so one faulty publisher cannot stop the daemon.
func (r *Runner) publish(ctx context.Context, pub publish.Publisher, p queue.Post) (res publish.Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			r.log.Error("publisher panicked", "id", p.ID, "channel", p.Channel, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = fmt.Errorf("publisher %s panicked: %v", pub.Name(), v)
		}
	}()
	images := p.Images
	if len(images) == 0 && p.Card != "" {
		images, err = r.images.get(ctx, p.Card, p.Lang, p.Channel)
		if err != nil {
			return res, fmt.Errorf("images of card %s in %s for %s: %w", p.Card, p.Lang, p.Channel, err)
		}
	}
	post := publish.Post{ID: p.ID, Channel: p.Channel, Lang: p.Lang, At: p.At, Text: p.Text, Link: p.Link, Images: images}
	return pub.Publish(publish.WithAttempt(ctx, p.Attempts), post)
}

// keepLease renews the lease on id while a publish runs; the returned
// function stops it and waits for it.
func (r *Runner) keepLease(ctx context.Context, id string, log interface{ Warn(string, ...any) }) func() {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(r.cfg.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := r.cfg.Store.Extend(ctx, id, r.cfg.Owner, r.cfg.Now().Add(r.cfg.Lease)); err != nil && ctx.Err() == nil {
					log.Warn("could not renew the lease", "err", err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

// retryAt decides when a failed post is tried again: never for a permanent
// error, after the delay a server asked for, else exponential backoff with
// jitter and a cap. It gives up after Tries attempts or when the retry would
// fall beyond Window after the planned time. why says why it gave up.
func (r *Runner) retryAt(p queue.Post, err error, now time.Time) (time.Time, string) {
	b := r.cfg.Backoff
	if publish.IsPermanent(err) {
		return time.Time{}, "permanent error"
	}
	if p.Attempts >= b.Tries {
		return time.Time{}, fmt.Sprintf("%d attempts made", p.Attempts)
	}
	delay, ok := publish.RetryAfter(err)
	if !ok {
		delay = Delay(b, p.Attempts, r.cfg.Jitter())
	}
	delay = max(delay, time.Second)
	at := now.Add(delay)
	if deadline := p.At.Add(b.Window); at.After(deadline) && !p.Due.After(deadline) {
		return time.Time{}, fmt.Sprintf("the next try (%s) would be more than %s after the planned time", at.Format(time.RFC3339), b.Window)
	}
	return at, ""
}

// Delay is the backoff after the nth failed attempt: Base doubled n-1
// times, capped at Max, then spread by jitter (0 to 1) over its upper half.
func Delay(b Backoff, n int, jitter float64) time.Duration {
	d := float64(b.Base) * math.Pow(2, float64(max(n-1, 0)))
	d = math.Min(d, float64(b.Max))
	return time.Duration(d/2 + d/2*jitter)
}
