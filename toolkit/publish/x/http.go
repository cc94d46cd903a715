package x

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
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

const userAgent = "campaignkit (+https://github.com/campaignkit/campaignkit)"

// body makes a request body; it is called again when a request is resent
// with a renewed token.
type body func() (io.Reader, string, error)

func jsonBody(v any) body {
	return func() (io.Reader, string, error) {
		b, err := json.Marshal(v)
		return bytes.NewReader(b), "application/json", err
	}
}

// call sends one request to endpoint ep and decodes a 2xx JSON answer
// into out (nil: ignore it). A 401 is answered once by renewing the token
// and sending again: X refused the request, so nothing was done.
func (p *Publisher) call(ctx context.Context, ep, method, path string, mk body, out any) error {
	tok, err := p.cfg.Tokens.Token(ctx)
	if err != nil {
		return p.tokenError(err)
	}
	for renewed := false; ; renewed = true {
		resp, err := p.send(ctx, method, path, mk, tok)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("x: %s: %w", ep, ctx.Err())
			}
			return fmt.Errorf("x: %s: %w", ep, err)
		}
		p.noteRate(ep, resp.Header)
		if resp.StatusCode == http.StatusUnauthorized && !renewed {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			if tok, err = p.cfg.Tokens.Refresh(ctx, tok); err != nil {
				return p.tokenError(err)
			}
			continue
		}
		defer resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
			return p.classify(ep, resp.StatusCode, resp.Header, b)
		}
		if out == nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			return nil
		}
		if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(out); err != nil {
			return fmt.Errorf("x: %s: decoding the answer: %w", ep, err)
		}
		return nil
	}
}

func (p *Publisher) send(ctx context.Context, method, path string, mk body, tok publish.Secret) (*http.Response, error) {
	var r io.Reader
	ctype := ""
	if mk != nil {
		var err error
		if r, ctype, err = mk(); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, p.base+path, r)
	if err != nil {
		return nil, err
	}
	// Without GetBody net/http cannot silently resend a post whose
	// connection dropped: a resend is the lookup's decision, not the
	// transport's.
	req.GetBody = nil
	req.Header.Set("Authorization", "Bearer "+tok.Reveal())
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "application/json")
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	return p.cfg.Client.Do(req)
}

// tokenError says what to do when no valid token can be had.
func (p *Publisher) tokenError(err error) error {
	return account.TokenError("x", err, p.loginHint())
}

func (p *Publisher) who() string {
	switch {
	case p.cfg.Account != "" && p.cfg.Handle != "":
		return fmt.Sprintf("account %s (@%s)", p.cfg.Account, p.cfg.Handle)
	case p.cfg.Handle != "":
		return "@" + p.cfg.Handle
	case p.cfg.Account != "":
		return "account " + p.cfg.Account
	}
	return "the account"
}

func (p *Publisher) loginHint() string {
	id := p.cfg.Account
	if id == "" {
		id = "ID"
	}
	return "sign in again: campaignkit accounts login x --account " + id
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
		s := strings.TrimSpace(string(b))
		if s == "" || strings.HasPrefix(s, "<") || len(s) > 300 {
			return http.StatusText(status)
		}
		return s
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
func (p *Publisher) classify(ep string, status int, h http.Header, b []byte) error {
	msg := xMessage(status, b)
	perm := func(format string, args ...any) error {
		return &publish.PermanentError{Status: status, Msg: fmt.Sprintf("x: %s: ", ep) + fmt.Sprintf(format, args...)}
	}
	switch status {
	case http.StatusUnauthorized:
		return perm("X refused the access token of %s even after renewing it: %q; %s", p.who(), msg, p.loginHint())
	case http.StatusForbidden:
		low := strings.ToLower(msg)
		switch {
		case strings.Contains(low, "duplicate"):
			return duplicateError{perm("X refused the post as a duplicate of a recent post of %s: %q; change the text, or check the account: the post may already be there", p.who(), msg).(*publish.PermanentError)}
		case strings.Contains(low, "scope") || strings.Contains(low, "permission"):
			return perm("X refused: %q; the app needs Read and write permission and the sign-in must grant %s: fix the app's settings in the X developer console, then %s", msg, strings.Join(Scopes, " "), p.loginHint())
		}
		return perm("X refused: %q; check that the app is attached to a Project with API access and that %s is not locked or suspended", msg, p.who())
	case http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge,
		http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		return perm("X refused the request: %q", msg)
	case http.StatusTooManyRequests:
		d, at := p.rateDelay(h)
		return &publish.RetryAfterError{After: d, Msg: fmt.Sprintf("x: %s: X's rate limit for %s is used up until %s: %s", ep, p.who(), at.UTC().Format("15:04:05 UTC"), msg)}
	case http.StatusServiceUnavailable:
		if v, err := strconv.Atoi(h.Get("Retry-After")); err == nil && v >= 0 {
			return &publish.RetryAfterError{After: time.Duration(v) * time.Second, Msg: fmt.Sprintf("x: %s: HTTP 503: %s", ep, msg)}
		}
	}
	return fmt.Errorf("x: %s: HTTP %d: %s", ep, status, msg)
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
	return &publish.RetryAfterError{After: w.reset.Sub(now).Round(time.Second) + time.Second,
		Msg: fmt.Sprintf("x: %s: X's rate limit for %s is used up until %s (x-rate-limit-remaining was 0)", ep, p.who(), w.reset.UTC().Format("15:04:05 UTC"))}
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
		if v, err := strconv.Atoi(h.Get("Retry-After")); err == nil && v >= 0 {
			at = now.Add(time.Duration(v) * time.Second)
		} else {
			at = now.Add(15 * time.Minute)
		}
	}
	d := at.Sub(now).Round(time.Second) + time.Second
	if d < time.Second {
		d = time.Second
	}
	return d, at
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
	if err := p.call(ctx, epCreate, http.MethodPost, "/2/tweets", jsonBody(req), &out); err != nil {
		return "", err
	}
	if out.Data.ID == "" {
		return "", fmt.Errorf("x: %s: the answer has no post id", epCreate)
	}
	return out.Data.ID, nil
}

// user returns the account's X user id, asking X once.
func (p *Publisher) user(ctx context.Context) (string, error) {
	p.mu.Lock()
	id := p.userID
	p.mu.Unlock()
	if id != "" {
		return id, nil
	}
	var out struct {
		Data struct {
			ID       string `json:"id"`
			Username string `json:"username"`
		} `json:"data"`
	}
	if err := p.call(ctx, epMe, http.MethodGet, "/2/users/me", nil, &out); err != nil {
		return "", err
	}
	if out.Data.ID == "" {
		return "", fmt.Errorf("x: %s: the answer has no user id", epMe)
	}
	p.mu.Lock()
	p.userID = out.Data.ID
	p.mu.Unlock()
	return out.Data.ID, nil
}

// User is the X account a token belongs to.
type User struct {
	ID       string
	Username string
}

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
	p.mu.Lock()
	p.userID = out.Data.ID
	p.mu.Unlock()
	return User{ID: out.Data.ID, Username: out.Data.Username}, nil
}
