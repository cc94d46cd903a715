package threads

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/api"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/wire"
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

// graphError is the error body of the Threads API (Meta's Graph API).
type graphError struct {
	Error account.MetaError `json:"error"`
}

func readGraphError(b []byte) graphError {
	var ge graphError
	_ = json.Unmarshal(b, &ge)
	return ge
}

// call sends one request (form values in the body of a POST, the query
// of a GET) and decodes a 2xx JSON answer into out. An answer saying the
// token is not valid (Graph error 190, or a 401) is answered once by
// renewing it and sending again.
func (p *Publisher) call(ctx context.Context, ep, method, path string, params url.Values, out any) error {
	r := api.Request{Endpoint: ep, Method: method, URL: p.base + path}
	if method == http.MethodGet && len(params) > 0 {
		r.URL += "?" + params.Encode()
	} else if len(params) > 0 {
		r.Body = wire.Form(params)
	}
	return p.client.Call(ctx, r, out)
}

func tokenExpired(a *api.Answer) bool {
	return a.Status == http.StatusUnauthorized || readGraphError(a.Body).Error.Code == 190
}

// rate-limit errors of the Graph API: application, user, API and
// policy throttling.
var rateCodes = map[int]bool{4: true, 17: true, 32: true, 613: true}

// classify turns Threads' refusal into the error the runner acts on,
// with Threads' own words and what to do.
func (p *Publisher) classify(ep string, a *api.Answer) error {
	ge := readGraphError(a.Body)
	msg := ge.Error.Message
	if ge.Error.UserMsg != "" {
		msg += " (" + ge.Error.UserMsg + ")"
	}
	if msg == "" {
		msg = wire.Text(a.Status, a.Body)
	}
	if ge.Error.Code != 0 {
		msg = fmt.Sprintf("%s (code %d", msg, ge.Error.Code)
		if ge.Error.Subcode != 0 {
			msg += fmt.Sprintf(", subcode %d", ge.Error.Subcode)
		}
		msg += ")"
	}
	who := p.client.Who
	r := api.Refusal{Who: who, Name: "Threads", Endpoint: ep, Status: a.Status, Msg: msg}
	switch status := a.Status; {
	case status == http.StatusTooManyRequests || rateCodes[ge.Error.Code]:
		now := p.cfg.Now()
		d, ok := wire.RetryAfter(a.Header, now)
		if !ok {
			d = time.Hour
		}
		p.gate.Close(now.Add(d), "")
		return r.Wait(d, "Threads' rate limit for %s is reached: %s; trying again in %s", who, msg, d)
	case ge.Error.Code == 190 || status == http.StatusUnauthorized:
		return r.TokenRefused()
	case ge.Error.Code == 10 || ge.Error.Code == 200 || status == http.StatusForbidden:
		return r.Permanent("Threads refused: %q; the app needs the Threads use case with the permissions %s (approved in App Review for people without a role on the app), and the sign-in must grant them: %s", msg, strings.Join(Scopes, ", "), who.LoginHint())
	case status >= 500:
		return r.Retryable()
	case ge.Error.Code == 100 && ge.Error.Subcode == 33:
		return notFoundError{r.Permanent("Threads has no such object: %q", msg)}
	case status >= 400:
		return r.Refused()
	}
	return r.Retryable()
}

// notFoundError is Threads saying an object does not exist (or cannot
// be seen).
type notFoundError struct{ *publish.PermanentError }

func (e notFoundError) Unwrap() error { return e.PermanentError }

// user returns the profile's Threads user id, asking Threads once.
func (p *Publisher) user(ctx context.Context) (string, error) {
	return p.userID.Get(ctx, func(ctx context.Context) (string, error) {
		me, err := p.Me(ctx)
		return me.ID, err
	})
}

// User is the Threads profile a token belongs to.
type User = api.User

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
	p.userID.Set(out.ID)
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
	now := p.cfg.Now()
	if at, _ := p.gate.Closed(now); !at.IsZero() {
		return &publish.RetryAfterError{After: wire.Until(at, now),
			Msg: fmt.Sprintf("threads: Threads' rate limit for %s is reached until %s", p.client.Who, at.UTC().Format("15:04 UTC"))}
	}
	q, err := p.PublishingLimit(ctx)
	if err != nil {
		return err
	}
	if q.Total > 0 && q.Used >= q.Total {
		// The window moves: the oldest of the last 24 hours' posts frees
		// a place when it ages out, which this call cannot see. An hour
		// is a fair wait.
		p.gate.Close(now.Add(time.Hour), "")
		return &publish.RetryAfterError{After: time.Hour, Msg: fmt.Sprintf("threads: %s has published %d of the %d posts Threads allows through the API in %s; trying again in an hour", p.client.Who, q.Used, q.Total, q.Window)}
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
	for _, t := range out.Data {
		if t.MediaType == kind && publish.SameText(t.Text, text) {
			return publish.Result{RemoteID: t.ID, URL: t.Permalink}, true, nil
		}
	}
	return publish.Result{}, false, nil
}
