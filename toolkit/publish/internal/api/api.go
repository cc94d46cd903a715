// Package api is what the publishers of the networks that sign an
// account in (X, LinkedIn, Threads, Facebook, Instagram) share of talking
// to their APIs: a request sent with the account's token, the token
// renewed once when the network says it is no longer valid, and the
// words of a refusal (who the account is, how to sign it in again, the
// network's own message, the status that cannot succeed again). What
// each network configures is what is truly its own: its error body, its
// extra headers, its rate-limit headers, and what else a refusal means.
package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/wire"
)

// Who names the account in messages.
type Who struct {
	Network string // "x", as messages start and accounts login names it
	Account string // the account's id in accounts.yaml
	Handle  string // as people know it: @username, a page's name
	// Permissions the app must have, for the message about a missing one.
	Permissions []string
	// Task is what else the person who signs in needs, said when a
	// permission is refused.
	Task string
}

func (w Who) String() string {
	switch {
	case w.Account != "" && w.Handle != "":
		return fmt.Sprintf("account %s (%s)", w.Account, w.Handle)
	case w.Handle != "":
		return w.Handle
	case w.Account != "":
		return "account " + w.Account
	}
	return "the account"
}

// At returns handle as people write it on a network of @usernames: with
// one @, or "" for none.
func At(handle string) string {
	if handle == "" {
		return ""
	}
	return "@" + handle
}

// LoginHint says how to sign the account in again.
func (w Who) LoginHint() string {
	id := w.Account
	if id == "" {
		id = "ID"
	}
	return fmt.Sprintf("sign in again: campaignkit accounts login %s --account %s", w.Network, id)
}

// TokenError is err from the account's token source, reported the one
// way (account.TokenError) with how to sign in again.
func (w Who) TokenError(err error) error {
	return account.TokenError(w.Network, err, w.LoginHint())
}

// User is the account a token belongs to, as the network's "me" call
// answers.
type User struct {
	ID       string
	Username string
}

// TokenSource gives the account's access token. *account.Source and
// *account.Stored are ones.
type TokenSource interface {
	Token(ctx context.Context) (publish.Secret, error)
}

// Refresher renews a token the network refused. A TokenSource that is
// also a Refresher gets one renewal per request.
type Refresher interface {
	Refresh(ctx context.Context, stale publish.Secret) (publish.Secret, error)
}

// Request is one call to a network's API.
type Request struct {
	Endpoint string // as messages name it: "POST /2/tweets"
	Method   string
	URL      string
	Body     wire.Body   // nil for none
	Header   http.Header // the network's own headers, if any
}

// Answer is what the network answered, its body read (wire.Read).
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Client sends one account's requests to one network.
type Client struct {
	Who    Who
	HTTP   *http.Client
	Tokens TokenSource
	// Observe, when set, sees the headers of every answer (a network's
	// rate-limit bookkeeping).
	Observe func(ep string, h http.Header)
	// Expired reports whether an answer says the token is no longer
	// valid, to renew it once; nil: a 401.
	Expired func(a *Answer) bool
	// Refuse turns a non-2xx answer to ep into the error the runner acts
	// on, in the network's words.
	Refuse func(ep string, a *Answer) error
}

// Send sends r once with tok and reads the answer, whatever its status.
// A transport failure is a retryable error naming the network and the
// endpoint.
func (c *Client) Send(ctx context.Context, r Request, tok publish.Secret) (*Answer, error) {
	what := c.Who.Network + ": " + r.Endpoint
	req, err := wire.NewRequest(ctx, r.Method, r.URL, r.Body, tok.Reveal())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, wire.TransportError(ctx, what, err)
	}
	a := &Answer{Status: resp.StatusCode, Header: resp.Header, Body: wire.Read(resp)}
	if c.Observe != nil {
		c.Observe(r.Endpoint, a.Header)
	}
	return a, nil
}

// Do sends r with the account's token and returns the 2xx answer. An
// answer saying the token is no longer valid is answered once by renewing
// the token and sending again: the network refused the request, so
// nothing was done. Any other refusal goes through Refuse.
func (c *Client) Do(ctx context.Context, r Request) (*Answer, error) {
	tok, err := c.Tokens.Token(ctx)
	if err != nil {
		return nil, c.Who.TokenError(err)
	}
	renew, _ := c.Tokens.(Refresher)
	for renewed := false; ; renewed = true {
		a, err := c.Send(ctx, r, tok)
		if err != nil {
			return nil, err
		}
		if wire.OK(a.Status) {
			return a, nil
		}
		if renew != nil && !renewed && c.expired(a) {
			if tok, err = renew.Refresh(ctx, tok); err != nil {
				return nil, c.Who.TokenError(err)
			}
			continue
		}
		return nil, c.Refuse(r.Endpoint, a)
	}
}

func (c *Client) expired(a *Answer) bool {
	if c.Expired != nil {
		return c.Expired(a)
	}
	return a.Status == http.StatusUnauthorized
}

// Call is Do, with the 2xx answer decoded into out (nil: not read).
func (c *Client) Call(ctx context.Context, r Request, out any) error {
	a, err := c.Do(ctx, r)
	if err != nil {
		return err
	}
	return c.Decode(r.Endpoint, a, out)
}

// Decode decodes a's JSON body into out (nil: nothing to decode).
func (c *Client) Decode(ep string, a *Answer, out any) error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(a.Body, out); err != nil {
		return fmt.Errorf("%s: %s: decoding the answer: %w", c.Who.Network, ep, err)
	}
	return nil
}

// Refusal is a network's refusal as its publisher words it.
type Refusal struct {
	Who      Who
	Name     string // the network as people call it: "X", "LinkedIn", "Meta"
	Endpoint string
	Status   int    // HTTP status
	Msg      string // the network's own words, from its error body
}

// Permanent is a refusal that retrying cannot fix, said as format.
func (r Refusal) Permanent(format string, args ...any) *publish.PermanentError {
	return &publish.PermanentError{Status: r.Status, Msg: fmt.Sprintf("%s: %s: ", r.Who.Network, r.Endpoint) + fmt.Sprintf(format, args...)}
}

// Wait is a refusal to retry after d, said as format.
func (r Refusal) Wait(d time.Duration, format string, args ...any) *publish.RetryAfterError {
	return &publish.RetryAfterError{After: d, Msg: fmt.Sprintf("%s: %s: ", r.Who.Network, r.Endpoint) + fmt.Sprintf(format, args...)}
}

// Retryable is a refusal the runner retries with backoff.
func (r Refusal) Retryable() error {
	return fmt.Errorf("%s: %s: HTTP %d: %s", r.Who.Network, r.Endpoint, r.Status, r.Msg)
}

// TokenRefused is the network refusing the token even after it was
// renewed: only a new sign-in can fix it.
func (r Refusal) TokenRefused() *publish.PermanentError {
	return r.Permanent("%s refused the access token of %s even after renewing it: %q; %s", r.Name, r.Who, r.Msg, r.Who.LoginHint())
}

// Refused is the network refusing the request itself.
func (r Refusal) Refused() *publish.PermanentError {
	return r.Permanent("%s refused the request: %q", r.Name, r.Msg)
}

// Default is what a refusal means when the network has nothing of its
// own to say about its status: one that cannot succeed again
// (wire.Permanent) is permanent, a 503 with Retry-After waits as long as
// it says, anything else is retried.
func (r Refusal) Default(h http.Header, now time.Time) error {
	if wire.Permanent(r.Status) {
		return r.Refused()
	}
	if r.Status == http.StatusServiceUnavailable {
		if d, ok := wire.RetryAfter(h, now); ok {
			return r.Wait(d, "HTTP 503: %s", r.Msg)
		}
	}
	return r.Retryable()
}

// Gate remembers until when a network asked for no more requests, so
// that none is sent before then. The zero value is open.
type Gate struct {
	mu    sync.Mutex
	until time.Time
	why   string
}

// Close keeps the gate closed until at, unless it already is for longer;
// why says who said so, for messages.
func (g *Gate) Close(at time.Time, why string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if at.After(g.until) {
		g.until, g.why = at, why
	}
}

// Closed returns until when the gate is closed at now, and why; a zero
// time when it is open.
func (g *Gate) Closed(now time.Time) (time.Time, string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.until.After(now) {
		return time.Time{}, ""
	}
	return g.until, g.why
}
