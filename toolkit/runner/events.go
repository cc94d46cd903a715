package runner

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/queue"
)

// EventKind says what happened that an operator must hear about.
type EventKind string

// The events a runner reports.
const (
	GaveUp       EventKind = "failed"        // a post failed and will not be retried
	MissedPost   EventKind = "missed"        // a post's time passed beyond the grace window
	RunnerDown   EventKind = "runner-down"   // another runner stopped beating without stopping cleanly
	Unauthorized EventKind = "token-expired" // a network refused the credentials (expired or revoked token, missing permission)
)

// Event is one thing an operator must be told, once: Config.Events gets
// each event the first time any runner of the store sees it.
type Event struct {
	Kind    EventKind
	At      time.Time
	Source  string // the campaign
	PostID  string
	Channel string
	Lang    string
	Planned time.Time // the post's planned instant (UTC); zero for an event about a runner
	Message string    // what happened, with the network's own words
	Action  string    // what the operator should do
	Key     string    // identifies the event: it is reported once per key
}

// report hands e to Config.Events the first time any runner sees it.
func (r *Runner) report(ctx context.Context, e Event) {
	if r.cfg.Events == nil {
		return
	}
	if e.At.IsZero() {
		e.At = r.cfg.Now()
	}
	if r.cfg.Campaign != nil && e.Source == "" {
		e.Source = r.cfg.Campaign.Slug
	}
	first, err := r.cfg.Store.FirstTime(context.WithoutCancel(ctx), "event:"+e.Key, e.At)
	if err != nil {
		r.log.Error("could not record an event; reporting it anyway", "event", e.Kind, "key", e.Key, "err", err)
	} else if !first {
		return
	}
	r.cfg.Events(e)
}

// reportFailure reports a post that failed for good; a refusal of the
// credentials is reported as such, with what to renew.
func (r *Runner) reportFailure(ctx context.Context, p queue.Post, err error, why string) {
	e := Event{Kind: GaveUp, PostID: p.ID, Channel: p.Channel, Lang: p.Lang, Planned: p.At, Key: fmt.Sprintf("failed:%s:%d", p.ID, p.Attempts),
		Message: fmt.Sprintf("post %s to %s (%s, planned %s) failed and will not be retried (%s): %v", p.ID, p.Channel, p.Lang, p.At.Format(time.RFC3339), why, err),
		Action:  "read the error, fix its cause, then `campaignkit queue retry " + p.ID + "` or retry it on the dashboard"}
	var perm *publish.PermanentError
	if errors.As(err, &perm) && (perm.Status == http.StatusUnauthorized || perm.Status == http.StatusForbidden) {
		e.Kind, e.Key = Unauthorized, fmt.Sprintf("auth:%s:%s", p.Channel, p.ID)
		e.Action = "renew the " + p.Channel + " token or grant the permission the network names (see README, Channels and secrets), restart the runner, then `campaignkit queue retry " + p.ID + "`"
	}
	r.report(ctx, e)
}

// reportMissed reports a post that will not go out because its time passed.
func (r *Runner) reportMissed(ctx context.Context, p queue.Post, reason string) {
	r.report(ctx, Event{Kind: MissedPost, PostID: p.ID, Channel: p.Channel, Lang: p.Lang, Planned: p.At, Key: fmt.Sprintf("missed:%s:%d", p.ID, p.Due.UnixMilli()),
		Message: fmt.Sprintf("post %s to %s (%s, planned %s) was missed: %s", p.ID, p.Channel, p.Lang, p.At.Format(time.RFC3339), reason),
		Action:  "post it by hand, or `campaignkit queue retry " + p.ID + "` to send it now; keep a runner going for the rest of the week"})
}

// watchRunners reports the runners that stopped beating without saying they
// stopped: a crash, a kill or a dead machine.
func (r *Runner) watchRunners(ctx context.Context, now time.Time) {
	if r.cfg.Events == nil {
		return
	}
	all, err := r.cfg.Store.Runners(ctx, now.Add(-StatusWindow))
	if err != nil {
		return
	}
	for _, o := range all {
		if o.ID == r.cfg.Owner || StateOf(o, now, r.cfg.Heartbeat) != RunnerDead {
			continue
		}
		r.report(ctx, Event{Kind: RunnerDown, Key: fmt.Sprintf("down:%s:%d", o.ID, o.Beat.UnixMilli()), Source: o.Source,
			Message: fmt.Sprintf("runner %s (host %s, pid %d) stopped beating at %s without stopping cleanly", o.ID, o.Host, o.PID, o.Beat.Format(time.RFC3339)),
			Action:  "check that machine; its posts were taken over by this runner, but start it again if it should be running"})
	}
}
