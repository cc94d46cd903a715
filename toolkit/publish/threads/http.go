package threads

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// Endpoints, as messages name them.
const (
	epCreate  = "POST /{user-id}/threads"
	epPublish = "POST /{user-id}/threads_publish"
	epStatus  = "GET /{container-id}"
	epList    = "GET /{user-id}/threads"
	epLimit   = "GET /{user-id}/threads_publishing_limit"
	epMe      = "GET /me"
	epThread  = "GET /{thread-id}"
)

const userAgent = "campaignkit (+https://github.com/campaignkit/campaignkit)"

// graphError is the error body of the Threads API (Meta's Graph API).
type graphError struct {
	Error struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Code    int    `json:"code"`
		Subcode int    `json:"error_subcode"`
		UserMsg string `json:"error_user_msg"`
	} `json:"error"`
}

// call sends one request (form values in the body of a POST, the query
// of a GET) and decodes a 2xx JSON answer into out. The token goes in
// the Authorization header, never in the URL, so that it cannot reach a
// log line. An answer saying the token is not valid (Graph error 190) is
// answered once by renewing it and sending again.
func (p *Publisher) call(ctx context.Context, ep, method, path string, params url.Values, out any) error {
	tok, err := p.cfg.Tokens.Token(ctx)
	if err != nil {
		return p.tokenError(err)
	}
	for renewed := false; ; renewed = true {
		u := p.base + path
		var body io.Reader
		if method == http.MethodGet && len(params) > 0 {
			u += "?" + params.Encode()
		} else if len(params) > 0 {
			body = strings.NewReader(params.Encode())
		}
		req, err := http.NewRequestWithContext(ctx, method, u, body)
		if err != nil {
			return err
		}
		req.GetBody = nil // a resend is the journal's decision, not the transport's
		req.Header.Set("Authorization", "Bearer "+tok.Reveal())
		req.Header.Set("User-Agent", userAgent)
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := p.cfg.Client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("threads: %s: %w", ep, ctx.Err())
			}
			return fmt.Errorf("threads: %s: %w", ep, err)
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
		resp.Body.Close()
		if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			if out == nil {
				return nil
			}
			if err := json.Unmarshal(b, out); err != nil {
				return fmt.Errorf("threads: %s: decoding the answer: %w", ep, err)
			}
			return nil
		}
		var ge graphError
		_ = json.Unmarshal(b, &ge)
		if (ge.Error.Code == 190 || resp.StatusCode == http.StatusUnauthorized) && !renewed {
			if tok, err = p.cfg.Tokens.Refresh(ctx, tok); err != nil {
				return p.tokenError(err)
			}
			continue
		}
		return p.classify(ep, resp.StatusCode, resp.Header, ge, b)
	}
}

// tokenError says what to do when no valid token can be had.
func (p *Publisher) tokenError(err error) error {
	return account.TokenError("threads", err, p.loginHint())
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
	return "sign in again: campaignkit accounts login threads --account " + id
}

// rate-limit errors of the Graph API: application, user, API and
// policy throttling.
var rateCodes = map[int]bool{4: true, 17: true, 32: true, 613: true}

// classify turns Threads' refusal into the error the runner acts on,
// with Threads' own words and what to do.
func (p *Publisher) classify(ep string, status int, h http.Header, ge graphError, b []byte) error {
	msg := ge.Error.Message
	if ge.Error.UserMsg != "" {
		msg += " (" + ge.Error.UserMsg + ")"
	}
	if msg == "" {
		msg = strings.TrimSpace(string(b))
		if msg == "" || strings.HasPrefix(msg, "<") || len(msg) > 300 {
			msg = http.StatusText(status)
		}
	}
	if ge.Error.Code != 0 {
		msg = fmt.Sprintf("%s (code %d", msg, ge.Error.Code)
		if ge.Error.Subcode != 0 {
			msg += fmt.Sprintf(", subcode %d", ge.Error.Subcode)
		}
		msg += ")"
	}
	perm := func(format string, args ...any) error {
		return &publish.PermanentError{Status: status, Msg: fmt.Sprintf("threads: %s: ", ep) + fmt.Sprintf(format, args...)}
	}
	switch {
	case status == http.StatusTooManyRequests || rateCodes[ge.Error.Code]:
		d := time.Hour
		if v, err := strconv.Atoi(h.Get("Retry-After")); err == nil && v >= 0 {
			d = time.Duration(v) * time.Second
		}
		p.block(d)
		return &publish.RetryAfterError{After: d, Msg: fmt.Sprintf("threads: %s: Threads' rate limit for %s is reached: %s; trying again in %s", ep, p.who(), msg, d)}
	case ge.Error.Code == 190 || status == http.StatusUnauthorized:
		return perm("Threads refused the access token of %s even after renewing it: %q; %s", p.who(), msg, p.loginHint())
	case ge.Error.Code == 10 || ge.Error.Code == 200 || status == http.StatusForbidden:
		return perm("Threads refused: %q; the app needs the Threads use case with the permissions %s (approved in App Review for people without a role on the app), and the sign-in must grant them: %s", msg, strings.Join(Scopes, ", "), p.loginHint())
	case status >= 500:
		return fmt.Errorf("threads: %s: HTTP %d: %s", ep, status, msg)
	case ge.Error.Code == 100 && ge.Error.Subcode == 33:
		return notFoundError{perm("Threads has no such object: %q", msg).(*publish.PermanentError)}
	case status >= 400:
		return perm("Threads refused the request: %q", msg)
	}
	return fmt.Errorf("threads: %s: HTTP %d: %s", ep, status, msg)
}

// notFoundError is Threads saying an object does not exist (or cannot
// be seen).
type notFoundError struct{ *publish.PermanentError }

func (e notFoundError) Unwrap() error { return e.PermanentError }

func (p *Publisher) block(d time.Duration) {
	at := p.cfg.Now().Add(d)
	p.mu.Lock()
	if at.After(p.blocked) {
		p.blocked = at
	}
	p.mu.Unlock()
}

// user returns the profile's Threads user id, asking Threads once.
func (p *Publisher) user(ctx context.Context) (string, error) {
	p.mu.Lock()
	id := p.userID
	p.mu.Unlock()
	if id != "" {
		return id, nil
	}
	me, err := p.Me(ctx)
	if err != nil {
		return "", err
	}
	return me.ID, nil
}

// User is the Threads profile a token belongs to.
type User struct {
	ID       string
	Username string
}

// Me asks Threads whose token the publisher holds (GET /me), a read-only
// call that also proves the token works.
func (p *Publisher) Me(ctx context.Context) (User, error) {
	var out struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	}
	if err := p.call(ctx, epMe, http.MethodGet, "/me", url.Values{"fields": {"id,username"}}, &out); err != nil {
		return User{}, err
	}
	if out.ID == "" {
		return User{}, fmt.Errorf("threads: %s: the answer has no id", epMe)
	}
	p.mu.Lock()
	p.userID = out.ID
	p.mu.Unlock()
	return User{ID: out.ID, Username: out.Username}, nil
}

// Quota is the profile's use of its publishing quota.
type Quota struct {
	Used, Total int
	Window      time.Duration
}

// PublishingLimit asks Threads how much of the profile's publishing
// quota (250 posts in a moving 24 hours) is used.
func (p *Publisher) PublishingLimit(ctx context.Context) (Quota, error) {
	uid, err := p.user(ctx)
	if err != nil {
		return Quota{}, err
	}
	var out struct {
		Data []struct {
			QuotaUsage int `json:"quota_usage"`
			Config     struct {
				QuotaTotal    int `json:"quota_total"`
				QuotaDuration int `json:"quota_duration"`
			} `json:"config"`
		} `json:"data"`
	}
	if err := p.call(ctx, epLimit, http.MethodGet, "/"+url.PathEscape(uid)+"/threads_publishing_limit", url.Values{"fields": {"quota_usage,config"}}, &out); err != nil {
		return Quota{}, err
	}
	if len(out.Data) == 0 {
		return Quota{}, fmt.Errorf("threads: %s: the answer has no data", epLimit)
	}
	d := out.Data[0]
	return Quota{Used: d.QuotaUsage, Total: d.Config.QuotaTotal, Window: time.Duration(d.Config.QuotaDuration) * time.Second}, nil
}

// quota refuses to make a container while the last answer said to wait,
// or while the publishing quota is used up: the container could not be
// published.
func (p *Publisher) quota(ctx context.Context, uid string) error {
	p.mu.Lock()
	at := p.blocked
	p.mu.Unlock()
	now := p.cfg.Now()
	if at.After(now) {
		return &publish.RetryAfterError{After: at.Sub(now).Round(time.Second) + time.Second,
			Msg: fmt.Sprintf("threads: Threads' rate limit for %s is reached until %s", p.who(), at.UTC().Format("15:04 UTC"))}
	}
	q, err := p.PublishingLimit(ctx)
	if err != nil {
		return err
	}
	if q.Total > 0 && q.Used >= q.Total {
		// The window moves: the oldest of the last 24 hours' posts frees
		// a place when it ages out, which this call cannot see. An hour
		// is a fair wait.
		p.block(time.Hour)
		return &publish.RetryAfterError{After: time.Hour, Msg: fmt.Sprintf("threads: %s has published %d of the %d posts Threads allows through the API in %s; trying again in an hour", p.who(), q.Used, q.Total, q.Window)}
	}
	return nil
}

// create makes the post's media container and returns its id.
func (p *Publisher) create(ctx context.Context, uid, text, imageURL string, img *image) (string, error) {
	v := url.Values{"media_type": {"TEXT"}}
	if text != "" {
		v.Set("text", text)
	}
	if img != nil {
		v.Set("media_type", "IMAGE")
		v.Set("image_url", imageURL)
		if img.alt != "" {
			v.Set("alt_text", img.alt)
		}
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := p.call(ctx, epCreate, http.MethodPost, "/"+url.PathEscape(uid)+"/threads", v, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("threads: %s: the answer has no container id", epCreate)
	}
	return out.ID, nil
}

type containerStatus struct {
	Status       string `json:"status"`
	ErrorMessage string `json:"error_message"`
}

// status reads a container's status. A container Threads no longer knows
// reads as "" (it was never published, or this post's thread would be
// found by its text).
func (p *Publisher) status(ctx context.Context, id string) (containerStatus, error) {
	var st containerStatus
	err := p.call(ctx, epStatus, http.MethodGet, "/"+url.PathEscape(id), url.Values{"fields": {"status,error_message"}}, &st)
	var nf notFoundError
	if errors.As(err, &nf) {
		return containerStatus{}, nil
	}
	return st, err
}

// await waits until the container is FINISHED.
func (p *Publisher) await(ctx context.Context, id string) error {
	for polls := 0; ; polls++ {
		st, err := p.status(ctx, id)
		if err != nil {
			return err
		}
		switch st.Status {
		case "FINISHED":
			return nil
		case "PUBLISHED":
			return fmt.Errorf("threads: container %s is already published: not publishing it again", id)
		case "ERROR":
			hint := ""
			if strings.Contains(st.ErrorMessage, "DOWNLOAD") {
				hint = ": Threads could not fetch the image; check that CAMPAIGNKIT_PUBLIC_BASE_URL serves the state folder's public/ folder to the internet"
			}
			return &publish.PermanentError{Msg: fmt.Sprintf("threads: Threads could not prepare the post (container %s: %s)%s", id, st.ErrorMessage, hint)}
		case "EXPIRED", "":
			return fmt.Errorf("threads: container %s expired before it was published; a new one will be made", id)
		}
		if polls >= p.cfg.MaxPolls {
			return fmt.Errorf("threads: container %s still %s after %d checks", id, st.Status, polls+1)
		}
		if err := p.cfg.Sleep(ctx, p.cfg.PollInterval); err != nil {
			return err
		}
	}
}

// publishContainer publishes a FINISHED container and returns the
// thread's id.
func (p *Publisher) publishContainer(ctx context.Context, uid, container string) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	if err := p.call(ctx, epPublish, http.MethodPost, "/"+url.PathEscape(uid)+"/threads_publish", url.Values{"creation_id": {container}}, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("threads: %s: the answer has no id", epPublish)
	}
	return out.ID, nil
}

// permalink asks for the thread's link; the post is out either way.
func (p *Publisher) permalink(ctx context.Context, id string) string {
	var out struct {
		Permalink string `json:"permalink"`
	}
	if p.call(ctx, epThread, http.MethodGet, "/"+url.PathEscape(id), url.Values{"fields": {"permalink"}}, &out) != nil {
		return ""
	}
	return out.Permalink
}

// lookup reads the profile's threads since since for one with text and
// kind (TEXT_POST or IMAGE): the copy an earlier attempt made.
func (p *Publisher) lookup(ctx context.Context, uid, text, kind string, since time.Time) (publish.Result, bool, error) {
	v := url.Values{"fields": {"id,media_type,text,timestamp,permalink"}, "since": {strconv.FormatInt(since.Unix(), 10)},
		"limit": {strconv.Itoa(p.cfg.LookupCount)}}
	var out struct {
		Data []struct {
			ID        string `json:"id"`
			MediaType string `json:"media_type"`
			Text      string `json:"text"`
			Permalink string `json:"permalink"`
		} `json:"data"`
	}
	if err := p.call(ctx, epList, http.MethodGet, "/"+url.PathEscape(uid)+"/threads", v, &out); err != nil {
		return publish.Result{}, false, err
	}
	want := normalize(text)
	for _, t := range out.Data {
		if t.MediaType == kind && normalize(t.Text) == want {
			return publish.Result{RemoteID: t.ID, URL: t.Permalink}, true, nil
		}
	}
	return publish.Result{}, false, nil
}

func normalize(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}
