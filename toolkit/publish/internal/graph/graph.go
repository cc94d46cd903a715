// Package graph is what the Facebook and Instagram publishers share of
// Meta's Graph API on top of internal/api: Meta's error body, what its
// error codes mean to the runner (with Meta's words and what to do), and
// its rate-limit usage headers.
//
// References followed:
//
//	https://developers.facebook.com/docs/graph-api/guides/error-handling
//	https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/api"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/wire"
)

// DefaultAPI is the Graph API host.
const DefaultAPI = "https://graph.facebook.com"

// Error is Meta's error body, {"error": {...}}, with the HTTP status and
// headers of the answer that carried it.
type Error struct {
	account.MetaError
	Header http.Header `json:"-"`
}

func (e *Error) Error() string {
	s := fmt.Sprintf("HTTP %d: %s (code %d", e.Status, e.Text(), e.Code)
	if e.Subcode != 0 {
		s += fmt.Sprintf(", subcode %d", e.Subcode)
	}
	if e.TraceID != "" {
		s += ", fbtrace_id " + e.TraceID
	}
	return s + ")"
}

// Text is Meta's message, with the message meant for people when there is
// one.
func (e *Error) Text() string {
	msg := e.Message
	if e.UserMsg != "" && e.UserMsg != msg {
		if msg != "" {
			msg += " — "
		}
		msg += e.UserMsg
	}
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return msg
}

// TokenSource gives the access token (a Page token, or the user token
// Instagram is reached with); Meta renews neither on request.
type TokenSource = api.TokenSource

// Config configures a Client; the publisher has checked API and filled
// in HTTP and Now (wire.Settings).
type Config struct {
	API     string
	Version string // v25.0; default account.GraphVersion, the one the sign-in uses
	HTTP    *http.Client
	Now     func() time.Time
	Who     api.Who
	Tokens  TokenSource
}

// Client sends one account's Graph API requests to one versioned base
// URL.
type Client struct {
	Base   string // https://graph.facebook.com/v25.0
	Now    func() time.Time
	Who    api.Who
	tokens TokenSource
	api    api.Client
	gate   api.Gate // no request before this: Meta's usage headers said so
}

// NewClient checks cfg and returns the client.
func NewClient(cfg Config) (*Client, error) {
	if cfg.Version == "" {
		cfg.Version = account.GraphVersion
	}
	if cfg.Version[0] != 'v' {
		return nil, fmt.Errorf("graph API version %q: want one such as v25.0", cfg.Version)
	}
	c := &Client{Base: strings.TrimRight(cfg.API, "/") + "/" + cfg.Version, Now: cfg.Now, Who: cfg.Who, tokens: cfg.Tokens}
	c.api = api.Client{Who: cfg.Who, HTTP: cfg.HTTP, Observe: func(_ string, h http.Header) { c.noteUsage(h) }}
	return c, nil
}

// Token returns the account's token, or the error that says how to sign
// in again.
func (c *Client) Token(ctx context.Context) (publish.Secret, error) {
	tok, err := c.tokens.Token(ctx)
	if err != nil {
		return publish.Secret{}, c.Who.TokenError(err)
	}
	return tok, nil
}

// Send sends method path?query with body (nil for none) and tok, and
// decodes a 2xx JSON answer into out (nil: ignore it). A refusal from
// Meta comes back as *Error, for the caller to read before Classify; a
// transport failure or an answer without Meta's error body as a plain
// error naming ep.
func (c *Client) Send(ctx context.Context, tok publish.Secret, ep, method, path string, query url.Values, body wire.Body, out any) error {
	u := c.Base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	a, err := c.api.Send(ctx, api.Request{Endpoint: ep, Method: method, URL: u, Body: body}, tok)
	if err != nil {
		return err
	}
	if wire.OK(a.Status) {
		return c.api.Decode(ep, a, out)
	}
	var eb struct {
		Error *Error `json:"error"`
	}
	if json.Unmarshal(a.Body, &eb) == nil && eb.Error != nil {
		eb.Error.Status, eb.Error.Header = a.Status, a.Header
		return eb.Error
	}
	return api.Refusal{Who: c.Who, Endpoint: ep, Status: a.Status, Msg: wire.Text(a.Status, a.Body)}.Retryable()
}

// Call is Send with a refusal turned into the error the runner acts on
// (Classify).
func (c *Client) Call(ctx context.Context, tok publish.Secret, ep, method, path string, query url.Values, body wire.Body, out any) error {
	err := c.Send(ctx, tok, ep, method, path, query, body, out)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %s: %w", c.Who.Network, ep, ctx.Err())
	}
	return c.Classify(ep, err)
}

// usage is one entry of X-Business-Use-Case-Usage (percentages, and the
// minutes until calls are allowed again) or the whole X-App-Usage.
type usage struct {
	Type         string `json:"type"`
	CallCount    int    `json:"call_count"`
	TotalCPUTime int    `json:"total_cputime"`
	TotalTime    int    `json:"total_time"`
	RegainAccess int    `json:"estimated_time_to_regain_access"`
}

// Usage is what the usage headers of one answer say: the highest
// percentage of any limit, and how long until access comes back when Meta
// says.
type Usage struct {
	Percent int
	Regain  time.Duration
	Header  string // the header that said so
}

// ParseUsage reads X-Business-Use-Case-Usage (Page tokens and Instagram:
// per business, with estimated_time_to_regain_access in minutes) and
// X-App-Usage (app and user tokens: call_count, total_cputime and
// total_time as percentages of the rolling hour).
func ParseUsage(h http.Header) Usage {
	var u Usage
	note := func(x usage, header string) {
		for _, p := range []int{x.CallCount, x.TotalCPUTime, x.TotalTime} {
			if p > u.Percent {
				u.Percent, u.Header = p, header
			}
		}
		if d := time.Duration(x.RegainAccess) * time.Minute; d > u.Regain {
			u.Regain, u.Header = d, header
		}
	}
	if v := h.Get("X-Business-Use-Case-Usage"); v != "" {
		var m map[string][]usage
		if json.Unmarshal([]byte(v), &m) == nil {
			for _, list := range m {
				for _, x := range list {
					note(x, "X-Business-Use-Case-Usage")
				}
			}
		}
	}
	for _, name := range []string{"X-App-Usage", "X-Page-Usage"} {
		if v := h.Get(name); v != "" {
			var x usage
			if json.Unmarshal([]byte(v), &x) == nil {
				note(x, name)
			}
		}
	}
	return u
}

func (c *Client) noteUsage(h http.Header) {
	if u := ParseUsage(h); u.Regain > 0 {
		c.gate.Close(c.Now().Add(u.Regain), u.Header)
	}
}

// Blocked reports until when Meta asked for no more calls, as the last
// usage headers said (estimated_time_to_regain_access), and which header
// said so; zero when nothing is known.
func (c *Client) Blocked() (time.Time, string) { return c.gate.Closed(c.Now()) }

// Rate-limit codes (error-handling reference, and the Pages API's
// business-use-case code 80001; Instagram content publishing's 9 with
// subcode 2207042 is its 24-hour cap).
var rateCodes = map[int]string{
	4:     "the app's request limit",
	17:    "the user's request limit",
	32:    "the Page's request limit",
	613:   "a rate limit of this call",
	80001: "the Page's request limit",
	80002: "the Instagram account's request limit",
}

// DefaultWait is how long to wait after a rate-limit refusal when Meta's
// headers do not say: its platform limits count over a rolling hour.
const DefaultWait = 15 * time.Minute

// DuplicateError is Meta refusing a post as a duplicate (code 506).
type DuplicateError struct{ *publish.PermanentError }

func (e DuplicateError) Unwrap() error { return e.PermanentError }

// Classify turns err from Send into the error the runner acts on, with
// Meta's own message and what to do. ep names the call ("POST
// /{page-id}/feed"). An error that is not Meta's is returned as it is.
func (c *Client) Classify(ep string, err error) error {
	ge, ok := err.(*Error)
	if !ok {
		return err
	}
	who := c.Who
	r := api.Refusal{Who: who, Name: "Meta", Endpoint: ep, Status: ge.Status, Msg: ge.Text()}
	code := ge.Code
	switch {
	case code == 190 || code == 102:
		why := ""
		switch ge.Subcode {
		case 463:
			why = " (the token expired)"
		case 460:
			why = " (the password was changed since the sign-in)"
		case 458:
			why = " (the app was removed from the account)"
		case 459, 464:
			why = " (the person must log in to facebook.com and resolve a checkpoint first)"
		}
		return r.Permanent("Meta refused the access token of %s%s: %q (code %d, subcode %d); %s", who, why, r.Msg, ge.Code, ge.Subcode, who.LoginHint())
	case code == 10 || (code >= 200 && code <= 299) || code == 3:
		extra := ""
		if who.Task != "" {
			extra = " and " + who.Task
		}
		return r.Permanent("Meta refused for lack of a permission: %q (code %d); the app must have %s%s: add them in the app's settings (and App Review for people without a role on the app), then %s",
			r.Msg, ge.Code, strings.Join(who.Permissions, ", "), extra, who.LoginHint())
	case rateCodes[code] != "" || (code == 9 && ge.Subcode == 2207042):
		what := rateCodes[code]
		if what == "" {
			what = "Instagram's cap on published posts per 24 hours"
		}
		d := c.wait(ge.Header)
		return r.Wait(d, "%s is used up for %s, retrying in %s: %q (code %d)", what, who, d, r.Msg, ge.Code)
	case code == 506:
		return DuplicateError{r.Permanent("Meta refused the post as a duplicate of a recent post of %s: %q; change the text, or check the Page: the post may already be there", who, r.Msg)}
	case code == 1 || code == 2 || code == 341 || code == 368 || ge.Transient || ge.Status >= 500:
		// Meta says: temporary, wait and retry.
		return fmt.Errorf("%s: %s: Meta says to wait and retry: %w", who.Network, ep, ge)
	}
	return r.Permanent("Meta refused the request: %q (code %d, subcode %d)", r.Msg, ge.Code, ge.Subcode)
}

// wait is how long to wait after a rate-limit refusal: what the usage
// headers say (estimated_time_to_regain_access), else Retry-After, else
// DefaultWait.
func (c *Client) wait(h http.Header) time.Duration {
	if u := ParseUsage(h); u.Regain > 0 {
		return u.Regain
	}
	if d, ok := wire.RetryAfter(h, c.Now()); ok && d > 0 {
		return d
	}
	return DefaultWait
}

// CheckBlocked returns a RetryAfterError, without a request, while the
// last usage headers said access is cut.
func (c *Client) CheckBlocked(ep string) error {
	now := c.Now()
	at, header := c.gate.Closed(now)
	if at.IsZero() {
		return nil
	}
	return &publish.RetryAfterError{After: wire.Until(at, now), Msg: fmt.Sprintf("%s: %s: Meta's limits are used up for %s until %s (%s said estimated_time_to_regain_access)", c.Who.Network, ep, c.Who, at.UTC().Format("15:04:05 UTC"), header)}
}
