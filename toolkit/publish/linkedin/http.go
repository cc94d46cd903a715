package linkedin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// Endpoints, as messages name them.
const (
	epCreate = "POST /rest/posts"
	epFind   = "GET /rest/posts"
	epInit   = "POST /rest/images"
	epUpload = "PUT upload URL"
	epImage  = "GET /rest/images"
	epACLs   = "GET /rest/organizationAcls"
	epOrg    = "GET /rest/organizations"
)

const userAgent = "campaignkit (+https://github.com/campaignkit/campaignkit)"

// request is one call; body is made again when the call is resent with a
// renewed token.
type request struct {
	ep, method, url string
	finder          bool
	body            func() (io.Reader, string, error)
}

func jsonBody(v any) func() (io.Reader, string, error) {
	return func() (io.Reader, string, error) {
		b, err := json.Marshal(v)
		return bytes.NewReader(b), "application/json", err
	}
}

// call sends r and returns the 2xx answer with its body read (at most
// 8 MB). A 401 is answered once by renewing the token and sending again:
// LinkedIn refused the request, so nothing was done.
func (p *Publisher) call(ctx context.Context, r request) (*http.Response, []byte, error) {
	tok, err := p.cfg.Tokens.Token(ctx)
	if err != nil {
		return nil, nil, p.tokenError(err)
	}
	for renewed := false; ; renewed = true {
		resp, err := p.send(ctx, r, tok)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, fmt.Errorf("linkedin: %s: %w", r.ep, ctx.Err())
			}
			return nil, nil, fmt.Errorf("linkedin: %s: %w", r.ep, err)
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
		resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized && !renewed {
			if tok, err = p.cfg.Tokens.Refresh(ctx, tok); err != nil {
				return nil, nil, p.tokenError(err)
			}
			continue
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return nil, nil, p.classify(r.ep, resp.StatusCode, resp.Header, b)
		}
		return resp, b, nil
	}
}

func (p *Publisher) send(ctx context.Context, r request, tok publish.Secret) (*http.Response, error) {
	var body io.Reader
	ctype := ""
	if r.body != nil {
		var err error
		if body, ctype, err = r.body(); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return nil, err
	}
	// Without GetBody net/http cannot resend a post whose connection
	// dropped: a resend is the lookup's decision.
	req.GetBody = nil
	req.Header.Set("Authorization", "Bearer "+tok.Reveal())
	req.Header.Set("User-Agent", userAgent)
	if r.ep != epUpload {
		req.Header.Set("LinkedIn-Version", p.cfg.Version)
		req.Header.Set("X-Restli-Protocol-Version", "2.0.0")
		req.Header.Set("Accept", "application/json")
	}
	if r.finder {
		req.Header.Set("X-RestLi-Method", "FINDER")
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	return p.cfg.Client.Do(req)
}

// tokenError says what to do when no valid token can be had.
func (p *Publisher) tokenError(err error) error {
	return account.TokenError("linkedin", err, p.loginHint())
}

func (p *Publisher) who() string {
	switch {
	case p.cfg.Account != "" && p.cfg.Handle != "":
		return fmt.Sprintf("account %s (%s)", p.cfg.Account, p.cfg.Handle)
	case p.cfg.Account != "":
		return "account " + p.cfg.Account
	case p.cfg.Handle != "":
		return p.cfg.Handle
	}
	return "the account"
}

func (p *Publisher) loginHint() string {
	id := p.cfg.Account
	if id == "" {
		id = "ID"
	}
	return "sign in again: campaignkit accounts login linkedin --account " + id
}

// apiError is LinkedIn's error body; the token endpoint's has
// error/error_description instead.
type apiError struct {
	Status      int    `json:"status"`
	ServiceCode int    `json:"serviceErrorCode"`
	Code        string `json:"code"`
	Message     string `json:"message"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func message(status int, b []byte) string {
	var e apiError
	if json.Unmarshal(b, &e) != nil {
		s := strings.TrimSpace(string(b))
		if s == "" || strings.HasPrefix(s, "<") || len(s) > 300 {
			return http.StatusText(status)
		}
		return s
	}
	msg := e.Message
	if msg == "" {
		msg = e.Description
	}
	if msg == "" {
		msg = e.Error
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	if e.Code != "" {
		msg = e.Code + ": " + msg
	}
	return msg
}

// duplicateError is LinkedIn refusing a post as a duplicate of one it
// names.
type duplicateError struct {
	*publish.PermanentError
	urn string
}

func (e duplicateError) Unwrap() error { return e.PermanentError }

var dupRe = regexp.MustCompile(`(?i)duplicate.*?(urn:li:(?:share|ugcPost):[0-9]+)`)

// classify turns LinkedIn's refusal into the error the runner acts on,
// with LinkedIn's own words and what to do.
func (p *Publisher) classify(ep string, status int, h http.Header, b []byte) error {
	msg := message(status, b)
	perm := func(format string, args ...any) *publish.PermanentError {
		return &publish.PermanentError{Status: status, Msg: fmt.Sprintf("linkedin: %s: ", ep) + fmt.Sprintf(format, args...)}
	}
	switch status {
	case http.StatusUnauthorized:
		return perm("LinkedIn refused the access token of %s even after renewing it: %q; %s", p.who(), msg, p.loginHint())
	case http.StatusForbidden:
		return perm("LinkedIn refused: %q; the app needs the Community Management API product and the sign-in must grant %s, and the member who signed in must be an administrator or content administrator of %s: check the page's admins and the app's products in the LinkedIn developer portal, then %s",
			msg, strings.Join(Scopes, " "), p.org(), p.loginHint())
	case http.StatusUpgradeRequired:
		return perm("LinkedIn no longer serves version %s (%q): set CAMPAIGNKIT_LINKEDIN_VERSION to a current one (YYYYMM, see https://learn.microsoft.com/en-us/linkedin/marketing/versioning)", p.cfg.Version, msg)
	case http.StatusUnprocessableEntity:
		if m := dupRe.FindStringSubmatch(msg); m != nil {
			return duplicateError{perm("LinkedIn refused the post as a duplicate of %s on %s: %q; change the text, or check the page: the post may already be there", m[1], p.org(), msg), m[1]}
		}
		return perm("LinkedIn refused the post: %q", msg)
	case http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		return perm("LinkedIn refused the request: %q", msg)
	case http.StatusTooManyRequests:
		d, at := p.rateDelay(h)
		p.mu.Lock()
		if at.After(p.blocked) {
			p.blocked = at
		}
		p.mu.Unlock()
		return &publish.RetryAfterError{After: d, Msg: fmt.Sprintf("linkedin: %s: LinkedIn's rate limit for %s is used up (%s); trying again at %s", ep, p.who(), msg, at.UTC().Format("2006-01-02 15:04 UTC"))}
	case http.StatusServiceUnavailable:
		if v, err := strconv.Atoi(h.Get("Retry-After")); err == nil && v >= 0 {
			return &publish.RetryAfterError{After: time.Duration(v) * time.Second, Msg: fmt.Sprintf("linkedin: %s: HTTP 503: %s", ep, msg)}
		}
	}
	return fmt.Errorf("linkedin: %s: HTTP %d: %s", ep, status, msg)
}

func (p *Publisher) org() string {
	if p.cfg.Handle != "" {
		return fmt.Sprintf("%s (%s)", p.cfg.Handle, p.cfg.Organization)
	}
	return p.cfg.Organization
}

// rateDelay is how long to wait after a 429: Retry-After when LinkedIn
// sends one, else until its daily limits reset, at midnight UTC.
func (p *Publisher) rateDelay(h http.Header) (time.Duration, time.Time) {
	now := p.cfg.Now()
	var at time.Time
	if v, err := strconv.Atoi(h.Get("Retry-After")); err == nil && v >= 0 {
		at = now.Add(time.Duration(v) * time.Second)
	} else {
		y, m, d := now.UTC().Date()
		at = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	}
	d := at.Sub(now).Round(time.Second) + time.Second
	return d, at
}

// rateCheck refuses to send while an earlier 429 said to wait.
func (p *Publisher) rateCheck() error {
	p.mu.Lock()
	at := p.blocked
	p.mu.Unlock()
	now := p.cfg.Now()
	if !at.After(now) {
		return nil
	}
	return &publish.RetryAfterError{After: at.Sub(now).Round(time.Second) + time.Second,
		Msg: fmt.Sprintf("linkedin: LinkedIn's rate limit for %s is used up until %s", p.who(), at.UTC().Format("2006-01-02 15:04 UTC"))}
}

type mediaRef struct {
	ID      string `json:"id"`
	AltText string `json:"altText,omitempty"`
}

// create sends POST /rest/posts and returns the new post's URN, which
// LinkedIn gives in the x-restli-id header.
func (p *Publisher) create(ctx context.Context, commentary string, refs []mediaRef) (string, error) {
	body := map[string]any{
		"author":                    p.cfg.Organization,
		"commentary":                commentary,
		"visibility":                "PUBLIC",
		"distribution":              map[string]any{"feedDistribution": "MAIN_FEED", "targetEntities": []any{}, "thirdPartyDistributionChannels": []any{}},
		"lifecycleState":            "PUBLISHED",
		"isReshareDisabledByAuthor": false,
	}
	switch len(refs) {
	case 0:
	case 1:
		body["content"] = map[string]any{"media": refs[0]}
	default:
		body["content"] = map[string]any{"multiImage": map[string]any{"images": refs}}
	}
	resp, _, err := p.call(ctx, request{ep: epCreate, method: http.MethodPost, url: p.base + "/rest/posts", body: jsonBody(body)})
	if err != nil {
		return "", err
	}
	urn := resp.Header.Get("x-restli-id")
	if urn == "" {
		urn = resp.Header.Get("x-linkedin-id")
	}
	if urn == "" {
		return "", fmt.Errorf("linkedin: %s: the answer has no x-restli-id header", epCreate)
	}
	return urn, nil
}

// lookup reads the page's recent posts for one made since since with
// commentary and as many images: the copy an earlier attempt made.
func (p *Publisher) lookup(ctx context.Context, commentary string, images int, since time.Time) (string, bool, error) {
	q := url.Values{"author": {p.cfg.Organization}, "q": {"author"}, "count": {strconv.Itoa(p.cfg.LookupCount)}, "sortBy": {"LAST_MODIFIED"}}
	_, b, err := p.call(ctx, request{ep: epFind, method: http.MethodGet, url: p.base + "/rest/posts?" + q.Encode(), finder: true})
	if err != nil {
		return "", false, err
	}
	var out struct {
		Elements []struct {
			ID         string `json:"id"`
			Commentary string `json:"commentary"`
			CreatedAt  int64  `json:"createdAt"`
			Content    struct {
				Media *struct {
					ID string `json:"id"`
				} `json:"media"`
				MultiImage *struct {
					Images []struct {
						ID string `json:"id"`
					} `json:"images"`
				} `json:"multiImage"`
			} `json:"content"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return "", false, fmt.Errorf("linkedin: %s: decoding the answer: %w", epFind, err)
	}
	want := normalize(commentary)
	for _, e := range out.Elements {
		if e.CreatedAt != 0 && time.UnixMilli(e.CreatedAt).Before(since) {
			continue
		}
		n := 0
		if e.Content.Media != nil {
			n = 1
		} else if e.Content.MultiImage != nil {
			n = len(e.Content.MultiImage.Images)
		}
		if n == images && normalize(e.Commentary) == want {
			return e.ID, true, nil
		}
	}
	return "", false, nil
}

func normalize(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}
