package linkedin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/api"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/wire"
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

// request is one call; finder marks a Rest.li finder (X-RestLi-Method).
type request struct {
	ep, method, url string
	finder          bool
	body            wire.Body
}

// call sends r and returns the 2xx answer, renewing the token once on a
// 401.
func (p *Publisher) call(ctx context.Context, r request) (*api.Answer, error) {
	h := http.Header{}
	// The upload URL is not the Rest.li API: it takes only the bytes.
	if r.ep != epUpload {
		h.Set("LinkedIn-Version", p.cfg.Version)
		h.Set("X-Restli-Protocol-Version", "2.0.0")
	}
	if r.finder {
		h.Set("X-RestLi-Method", "FINDER")
	}
	return p.client.Do(ctx, api.Request{Endpoint: r.ep, Method: r.method, URL: r.url, Body: r.body, Header: h})
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
		return wire.Text(status, b)
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
func (p *Publisher) classify(ep string, a *api.Answer) error {
	who := p.client.Who
	r := api.Refusal{Who: who, Name: "LinkedIn", Endpoint: ep, Status: a.Status, Msg: message(a.Status, a.Body)}
	switch a.Status {
	case http.StatusUnauthorized:
		return r.TokenRefused()
	case http.StatusForbidden:
		return r.Permanent("LinkedIn refused: %q; the app needs the Community Management API product and the sign-in must grant %s, and the member who signed in must be an administrator or content administrator of %s: check the page's admins and the app's products in the LinkedIn developer portal, then %s",
			r.Msg, strings.Join(Scopes, " "), p.org(), who.LoginHint())
	case http.StatusUpgradeRequired:
		return r.Permanent("LinkedIn no longer serves version %s (%q): set CAMPAIGNKIT_LINKEDIN_VERSION to a current one (YYYYMM, see https://learn.microsoft.com/en-us/linkedin/marketing/versioning)", p.cfg.Version, r.Msg)
	case http.StatusUnprocessableEntity:
		if m := dupRe.FindStringSubmatch(r.Msg); m != nil {
			return duplicateError{r.Permanent("LinkedIn refused the post as a duplicate of %s on %s: %q; change the text, or check the page: the post may already be there", m[1], p.org(), r.Msg), m[1]}
		}
		return r.Permanent("LinkedIn refused the post: %q", r.Msg)
	case http.StatusTooManyRequests:
		d, at := p.rateDelay(a.Header)
		p.gate.Close(at, "429")
		return r.Wait(d, "LinkedIn's rate limit for %s is used up (%s); trying again at %s", who, r.Msg, at.UTC().Format("2006-01-02 15:04 UTC"))
	}
	return r.Default(a.Header, p.cfg.Now())
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
	if d, ok := wire.RetryAfter(h, now); ok {
		at = now.Add(d)
	} else {
		y, m, d := now.UTC().Date()
		at = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	}
	return wire.Until(at, now), at
}

// rateCheck refuses to send while an earlier 429 said to wait.
func (p *Publisher) rateCheck() error {
	now := p.cfg.Now()
	at, _ := p.gate.Closed(now)
	if at.IsZero() {
		return nil
	}
	return &publish.RetryAfterError{After: wire.Until(at, now),
		Msg: fmt.Sprintf("linkedin: LinkedIn's rate limit for %s is used up until %s", p.client.Who, at.UTC().Format("2006-01-02 15:04 UTC"))}
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
	a, err := p.call(ctx, request{ep: epCreate, method: http.MethodPost, url: p.base + "/rest/posts", body: wire.JSON(body)})
	if err != nil {
		return "", err
	}
	urn := a.Header.Get("x-restli-id")
	if urn == "" {
		urn = a.Header.Get("x-linkedin-id")
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
	a, err := p.call(ctx, request{ep: epFind, method: http.MethodGet, url: p.base + "/rest/posts?" + q.Encode(), finder: true})
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
	if err := p.client.Decode(epFind, a, &out); err != nil {
		return "", false, err
	}
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
		if n == images && publish.SameText(e.Commentary, commentary) {
			return e.ID, true, nil
		}
	}
	return "", false, nil
}
