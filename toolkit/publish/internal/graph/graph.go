// Package graph is what the Facebook and Instagram publishers share of
// Meta's Graph API: sending a request with a token, reading Meta's error
// body, turning it into the error the runner acts on (with Meta's words
// and what to do), the rate-limit usage headers, and the journal of
// intents.
//
// References followed:
//
//	https://developers.facebook.com/docs/graph-api/guides/error-handling
//	https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// DefaultAPI is the Graph API host.
const DefaultAPI = "https://graph.facebook.com"

// UserAgent identifies campaignkit to Meta.
const UserAgent = "campaignkit (+https://github.com/campaignkit/campaignkit)"

// Error is Meta's error body, {"error": {...}}, with the HTTP status and
// headers of the answer that carried it.
type Error struct {
	Status    int    `json:"-"`
	Message   string `json:"message"`
	Type      string `json:"type"`
	Code      int    `json:"code"`
	Subcode   int    `json:"error_subcode"`
	UserTitle string `json:"error_user_title"`
	UserMsg   string `json:"error_user_msg"`
	Transient bool   `json:"is_transient"`
	TraceID   string `json:"fbtrace_id"`

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

// Body makes a request body; it may be called more than once.
type Body func() (io.Reader, string, error)

// Form is an application/x-www-form-urlencoded body.
func Form(v url.Values) Body {
	return func() (io.Reader, string, error) {
		return strings.NewReader(v.Encode()), "application/x-www-form-urlencoded", nil
	}
}

// File is a file part of a multipart body.
type File struct {
	Field, Name, Type string
	Data              []byte
}

// Multipart is a multipart/form-data body of fields and one file.
func Multipart(fields url.Values, f File) Body {
	return func() (io.Reader, string, error) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, vs := range fields {
			for _, v := range vs {
				if err := mw.WriteField(k, v); err != nil {
					return nil, "", err
				}
			}
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.Field, f.Name))
		h.Set("Content-Type", f.Type)
		part, err := mw.CreatePart(h)
		if err != nil {
			return nil, "", err
		}
		if _, err := part.Write(f.Data); err != nil {
			return nil, "", err
		}
		if err := mw.Close(); err != nil {
			return nil, "", err
		}
		return &buf, mw.FormDataContentType(), nil
	}
}

// Client sends Graph API requests to one versioned base URL.
type Client struct {
	Base string // https://graph.facebook.com/v25.0
	HTTP *http.Client
	Now  func() time.Time

	mu      sync.Mutex
	blocked time.Time // no request before this: Meta said so
	why     string
}

// NewClient returns a client of api (default DefaultAPI) at version.
func NewClient(api, version string, hc *http.Client, now func() time.Time) (*Client, error) {
	if api == "" {
		api = DefaultAPI
	}
	if !strings.HasPrefix(api, "https://") && !strings.HasPrefix(api, "http://") {
		return nil, fmt.Errorf("graph API %q: want a URL such as %s", api, DefaultAPI)
	}
	if version == "" || version[0] != 'v' {
		return nil, fmt.Errorf("graph API version %q: want one such as v25.0", version)
	}
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	return &Client{Base: strings.TrimRight(api, "/") + "/" + version, HTTP: hc, Now: now}, nil
}

// Do sends method path?query with body (nil for none) and token in the
// Authorization header, and decodes a 2xx JSON answer into out (nil:
// ignore it). A refusal from Meta comes back as *Error; a transport
// failure or an answer without Meta's error body as a plain error.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body Body, token publish.Secret, out any) error {
	u := c.Base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var r io.Reader
	ctype := ""
	if body != nil {
		var err error
		if r, ctype, err = body(); err != nil {
			return err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		return err
	}
	// No silent resend of a post whose connection dropped: that is the
	// publisher's decision, after looking.
	req.GetBody = nil
	if !token.IsZero() {
		req.Header.Set("Authorization", "Bearer "+token.Reveal())
	}
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "application/json")
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	defer resp.Body.Close()
	c.noteUsage(resp.Header)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		var eb struct {
			Error *Error `json:"error"`
		}
		if json.Unmarshal(b, &eb) == nil && eb.Error != nil {
			eb.Error.Status, eb.Error.Header = resp.StatusCode, resp.Header
			return eb.Error
		}
		msg := strings.TrimSpace(string(b))
		if msg == "" || strings.HasPrefix(msg, "<") || len(msg) > 300 {
			msg = http.StatusText(resp.StatusCode)
		}
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, msg)
	}
	if out == nil {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(out); err != nil {
		return fmt.Errorf("decoding the answer: %w", err)
	}
	return nil
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
	u := ParseUsage(h)
	if u.Regain <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if at := c.Now().Add(u.Regain); at.After(c.blocked) {
		c.blocked, c.why = at, u.Header
	}
}

// Blocked reports until when Meta asked for no more calls, as the last
// usage headers said (estimated_time_to_regain_access), and which header
// said so; zero when nothing is known.
func (c *Client) Blocked() (time.Time, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.blocked.After(c.Now()) {
		return time.Time{}, ""
	}
	return c.blocked, c.why
}

// Who names the account in messages.
type Who struct {
	Network string // "facebook", "instagram"
	Account string // id in accounts.yaml
	Handle  string // page name, @username
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

// LoginHint says how to sign the account in again.
func (w Who) LoginHint() string {
	id := w.Account
	if id == "" {
		id = "ID"
	}
	return fmt.Sprintf("sign in again: campaignkit accounts login %s --account %s", w.Network, id)
}

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

// Classify turns err from Do into the error the runner acts on, with
// Meta's own message and what to do. ep names the call ("POST
// /{page-id}/feed").
func (c *Client) Classify(ep string, who Who, err error) error {
	ge, ok := err.(*Error)
	if !ok {
		return fmt.Errorf("%s: %s: %w", who.Network, ep, err)
	}
	perm := func(format string, args ...any) *publish.PermanentError {
		return &publish.PermanentError{Status: ge.Status, Msg: fmt.Sprintf("%s: %s: ", who.Network, ep) + fmt.Sprintf(format, args...)}
	}
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
		return perm("Meta refused the access token of %s%s: %q (code %d, subcode %d); %s", who, why, ge.Text(), ge.Code, ge.Subcode, who.LoginHint())
	case code == 10 || (code >= 200 && code <= 299) || code == 3:
		extra := ""
		if who.Task != "" {
			extra = " and " + who.Task
		}
		return perm("Meta refused for lack of a permission: %q (code %d); the app must have %s%s: add them in the app's settings (and App Review for people without a role on the app), then %s",
			ge.Text(), ge.Code, strings.Join(who.Permissions, ", "), extra, who.LoginHint())
	case rateCodes[code] != "" || (code == 9 && ge.Subcode == 2207042):
		what := rateCodes[code]
		if what == "" {
			what = "Instagram's cap on published posts per 24 hours"
		}
		d := c.wait(ge.Header)
		return &publish.RetryAfterError{After: d, Msg: fmt.Sprintf("%s: %s: %s is used up for %s, retrying in %s: %q (code %d)", who.Network, ep, what, who, d, ge.Text(), ge.Code)}
	case code == 506:
		return DuplicateError{perm("Meta refused the post as a duplicate of a recent post of %s: %q; change the text, or check the Page: the post may already be there", who, ge.Text())}
	case code == 1 || code == 2 || code == 341 || code == 368 || ge.Transient || ge.Status >= 500:
		// Meta says: temporary, wait and retry.
		return fmt.Errorf("%s: %s: Meta says to wait and retry: %w", who.Network, ep, ge)
	}
	return perm("Meta refused the request: %q (code %d, subcode %d)", ge.Text(), ge.Code, ge.Subcode)
}

// wait is how long to wait after a rate-limit refusal: what the usage
// headers say (estimated_time_to_regain_access), else Retry-After, else
// DefaultWait.
func (c *Client) wait(h http.Header) time.Duration {
	if u := ParseUsage(h); u.Regain > 0 {
		return u.Regain
	}
	if v, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && v > 0 {
		return time.Duration(v) * time.Second
	}
	return DefaultWait
}

// CheckBlocked returns a RetryAfterError, without a request, while the
// last usage headers said access is cut.
func (c *Client) CheckBlocked(ep string, who Who) error {
	at, header := c.Blocked()
	if at.IsZero() {
		return nil
	}
	d := at.Sub(c.Now()).Round(time.Second) + time.Second
	return &publish.RetryAfterError{After: d, Msg: fmt.Sprintf("%s: %s: Meta's limits are used up for %s until %s (%s said estimated_time_to_regain_access)", who.Network, ep, who, at.UTC().Format("15:04:05 UTC"), header)}
}
