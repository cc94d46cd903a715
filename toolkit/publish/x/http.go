package x

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/api"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/wire"
)

// Endpoints, as rate limits and messages name them.
const (
	epCreate   = "POST /2/tweets"
	epTimeline = "GET /2/users/:id/tweets"
	epMe       = "GET /2/users/me"
	epUpload   = "POST /2/media/upload"
	epStatus   = "GET /2/media/upload"
	epMetadata = "POST /2/media/metadata"
)

// call sends one request to endpoint ep and decodes a 2xx JSON answer
// into out (nil: ignore it), renewing the token once on a 401.
func (p *Publisher) call(ctx context.Context, ep, method, path string, body wire.Body, out any) error {
	return p.client.Call(ctx, api.Request{Endpoint: ep, Method: method, URL: p.base + path, Body: body}, out)
}

// problemBody is X's error body: an RFC 7807 problem, sometimes with a
// list of errors, or the OAuth server's error/error_description.
type problemBody struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Type   string `json:"type"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func xMessage(status int, b []byte) string {
	var pb problemBody
	if json.Unmarshal(b, &pb) != nil {
		return wire.Text(status, b)
	}
	var parts []string
	for _, e := range pb.Errors {
		if e.Message != "" {
			parts = append(parts, e.Message)
		}
	}
	if pb.Detail != "" && (len(parts) == 0 || !strings.HasPrefix(pb.Detail, "One or more parameters")) {
		parts = append([]string{pb.Detail}, parts...)
	}
	if len(parts) == 0 {
		for _, s := range []string{pb.Description, pb.Error, pb.Title} {
			if s != "" {
				parts = append(parts, s)
				break
			}
		}
	}
	if len(parts) == 0 {
		return http.StatusText(status)
	}
	return strings.Join(parts, "; ")
}

// duplicateError is X refusing a post whose text the account posted
// recently.
type duplicateError struct{ *publish.PermanentError }

func (e duplicateError) Unwrap() error { return e.PermanentError }

func isDuplicate(err error) bool {
	var d duplicateError
	return errors.As(err, &d)
}

// classify turns X's refusal into the error the runner acts on, with X's
// own words and what to do.
func (p *Publisher) classify(ep string, a *api.Answer) error {
	who := p.client.Who
	r := api.Refusal{Who: who, Name: "X", Endpoint: ep, Status: a.Status, Msg: xMessage(a.Status, a.Body)}
	switch a.Status {
	case http.StatusUnauthorized:
		return r.TokenRefused()
	case http.StatusForbidden:
		low := strings.ToLower(r.Msg)
		switch {
		case strings.Contains(low, "duplicate"):
			return duplicateError{r.Permanent("X refused the post as a duplicate of a recent post of %s: %q; change the text, or check the account: the post may already be there", who, r.Msg)}
		case strings.Contains(low, "scope") || strings.Contains(low, "permission"):
			return r.Permanent("X refused: %q; the app needs Read and write permission and the sign-in must grant %s: fix the app's settings in the X developer console, then %s", r.Msg, strings.Join(Scopes, " "), who.LoginHint())
		}
		return r.Permanent("X refused: %q; check that the app is attached to a Project with API access and that %s is not locked or suspended", r.Msg, who)
	case http.StatusTooManyRequests:
		d, at := p.rateDelay(a.Header)
		return r.Wait(d, "X's rate limit for %s is used up until %s: %s", who, at.UTC().Format("15:04:05 UTC"), r.Msg)
	}
	return r.Default(a.Header, p.cfg.Now())
}

// rateWindow is what the x-rate-limit-* headers last said of an endpoint.
type rateWindow struct {
	remaining int
	reset     time.Time
}

func (p *Publisher) noteRate(ep string, h http.Header) {
	rem, err1 := strconv.Atoi(h.Get("x-rate-limit-remaining"))
	reset, err2 := strconv.ParseInt(h.Get("x-rate-limit-reset"), 10, 64)
	if err1 != nil || err2 != nil {
		return
	}
	p.mu.Lock()
	p.windows[ep] = rateWindow{remaining: rem, reset: time.Unix(reset, 0)}
	p.mu.Unlock()
}

// rateCheck refuses to send to ep while its last window said none are left.
func (p *Publisher) rateCheck(ep string) error {
	p.mu.Lock()
	w, ok := p.windows[ep]
	p.mu.Unlock()
	now := p.cfg.Now()
	if !ok || w.remaining > 0 || !w.reset.After(now) {
		return nil
	}
	return &publish.RetryAfterError{After: wire.Until(w.reset, now),
		Msg: fmt.Sprintf("x: %s: X's rate limit for %s is used up until %s (x-rate-limit-remaining was 0)", ep, p.client.Who, w.reset.UTC().Format("15:04:05 UTC"))}
}

// rateDelay is how long to wait after a 429: until the latest reset among
// the windows that are used up (the 15-minute one, and the 24-hour caps X
// reports for the user and the app), else Retry-After, else 15 minutes,
// X's usual window.
func (p *Publisher) rateDelay(h http.Header) (time.Duration, time.Time) {
	now := p.cfg.Now()
	var at time.Time
	for _, pre := range []string{"x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour"} {
		rem := h.Get(pre + "-remaining")
		reset, err := strconv.ParseInt(h.Get(pre+"-reset"), 10, 64)
		if err != nil || (rem != "" && rem != "0") {
			continue
		}
		if t := time.Unix(reset, 0); t.After(at) {
			at = t
		}
	}
	if at.IsZero() {
		if d, ok := wire.RetryAfter(h, now); ok {
			at = now.Add(d)
		} else {
			at = now.Add(15 * time.Minute)
		}
	}
	return max(wire.Until(at, now), time.Second), at
}

// create sends POST /2/tweets and returns the new post's id.
func (p *Publisher) create(ctx context.Context, text string, mediaIDs []string) (string, error) {
	req := map[string]any{}
	if text != "" {
		req["text"] = text
	}
	if len(mediaIDs) > 0 {
		req["media"] = map[string]any{"media_ids": mediaIDs}
	}
	var out struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := p.call(ctx, epCreate, http.MethodPost, "/2/tweets", wire.JSON(req), &out); err != nil {
		return "", err
	}
	if out.Data.ID == "" {
		return "", fmt.Errorf("x: %s: the answer has no post id", epCreate)
	}
	return out.Data.ID, nil
}

// user returns the account's X user id, asking X once.
func (p *Publisher) user(ctx context.Context) (string, error) {
	return p.userID.Get(ctx, func(ctx context.Context) (string, error) {
		me, err := p.Me(ctx)
		return me.ID, err
	})
}

// User is the X account a token belongs to.
type User = api.User

// Me asks X whose token the publisher holds (GET /2/users/me), a
// read-only call that also proves the token works.
func (p *Publisher) Me(ctx context.Context) (User, error) {
	var out struct {
		Data struct {
			ID       string `json:"id"`
			Username string `json:"username"`
		} `json:"data"`
	}
	if err := p.call(ctx, epMe, http.MethodGet, "/2/users/me", nil, &out); err != nil {
		return User{}, err
	}
	if out.Data.ID == "" {
		return User{}, fmt.Errorf("x: %s: the answer has no user id", epMe)
	}
	p.userID.Set(out.Data.ID)
	return User{ID: out.Data.ID, Username: out.Data.Username}, nil
}
