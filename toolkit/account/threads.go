package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// ThreadsGraph is the host of the Threads API and of its token endpoints.
const ThreadsGraph = "https://graph.threads.net"

// ThreadsEndpoint is the Threads authorization window and code exchange
// (https://developers.facebook.com/documentation/threads/get-started/get-access-tokens-and-permissions).
// Threads takes the app secret in the form, knows no PKCE, and wants the
// scopes comma-separated.
var ThreadsEndpoint = Endpoint{
	AuthURL:      "https://threads.net/oauth/authorize",
	TokenURL:     ThreadsGraph + "/oauth/access_token",
	NoPKCE:       true,
	SecretInBody: true,
	ScopeSep:     ",",
}

// ThreadsScopes are what campaignkit asks Threads for: threads_basic
// (every endpoint: the profile, the account's recent posts, the
// publishing quota) and threads_content_publish (containers and
// threads_publish).
var ThreadsScopes = []string{"threads_basic", "threads_content_publish"}

// ThreadsMargin is how long before its expiry a Threads token is renewed.
// A long-lived token lasts 60 days, can be renewed once it is a day old
// and cannot be renewed at all once expired: renewing it in its second
// month, whenever the runner or `accounts check` first needs it, keeps
// it alive through a runner stopped for weeks.
const ThreadsMargin = 30 * 24 * time.Hour

// ThreadsFlow is the Threads token dance against graph (ThreadsGraph, or
// a fake's URL):
//
//   - the code is exchanged (POST /oauth/access_token) for a short-lived
//     token valid one hour, which is at once traded for a long-lived one
//     valid 60 days (GET /access_token, grant th_exchange_token, with the
//     app secret);
//   - a long-lived token is renewed with itself (GET /refresh_access_token,
//     grant th_refresh_token): there is no refresh token.
//
// Reference: https://developers.facebook.com/docs/threads/get-started/long-lived-tokens/
func ThreadsFlow(graph string) *Flow {
	base := strings.TrimRight(graph, "/")
	return &Flow{
		Exchange: func(ctx context.Context, c *Client, code, redirect string) (Token, error) {
			if c.Secret.IsZero() {
				return Token{}, errors.New("oauth: threads: the app secret is required (Threads app secret, App settings > Basic)")
			}
			form := url.Values{"client_id": {c.ID}, "client_secret": {c.Secret.Reveal()}, "code": {code},
				"grant_type": {"authorization_code"}, "redirect_uri": {redirect}}
			var short threadsToken
			if err := c.threadsCall(ctx, http.MethodPost, c.Endpoint.TokenURL, form, &short); err != nil {
				return Token{}, err
			}
			q := url.Values{"grant_type": {"th_exchange_token"}, "client_secret": {c.Secret.Reveal()}, "access_token": {short.AccessToken}}
			var long threadsToken
			if err := c.threadsCall(ctx, http.MethodGet, base+"/access_token?"+q.Encode(), nil, &long); err != nil {
				return Token{}, fmt.Errorf("oauth: threads: trading the one-hour token for a long-lived one: %w", err)
			}
			t := long.token(c)
			t.UserID = strings.Trim(string(short.UserID), `"`)
			return t, nil
		},
		Refresh: func(ctx context.Context, c *Client, t Token) (Token, error) {
			if t.Access.IsZero() {
				return Token{}, &RefusedError{Code: "no_token", Description: "no Threads token to renew"}
			}
			if !t.Expiry.IsZero() && !c.now().Before(t.Expiry) {
				return Token{}, &RefusedError{Code: "expired", Description: "the Threads token expired on " + t.Expiry.UTC().Format(time.DateOnly) + " and Threads renews only unexpired tokens"}
			}
			q := url.Values{"grant_type": {"th_refresh_token"}, "access_token": {t.Access.Reveal()}}
			var out threadsToken
			if err := c.threadsCall(ctx, http.MethodGet, base+"/refresh_access_token?"+q.Encode(), nil, &out); err != nil {
				return Token{}, err
			}
			return out.token(c), nil
		},
	}
}

type threadsToken struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresIn   float64         `json:"expires_in"`
	UserID      json.RawMessage `json:"user_id"`
}

// token makes the stored token. Threads does not say which permissions a
// token carries: the scopes asked for are recorded, and a missing one
// shows as a refusal when publishing.
func (tt threadsToken) token(c *Client) Token {
	now := c.now()
	t := Token{Access: publish.NewSecret(tt.AccessToken), Scopes: append([]string(nil), c.Scopes...), Saved: now}
	if tt.ExpiresIn > 0 {
		t.Expiry = now.Add(time.Duration(tt.ExpiresIn) * time.Second)
	}
	return t
}

// graphError is the error body of Meta's Graph APIs, Threads included.
type graphError struct {
	Error MetaError `json:"error"`
}

// threadsCall sends one token request; a refusal (4xx but 429) is a
// *RefusedError carrying the Graph error's type, code and message.
func (c *Client) threadsCall(ctx context.Context, method, u string, form url.Values, out *threadsToken) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("oauth: %w", err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// The URL carries the token: name the endpoint, not the URL.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("oauth: threads token endpoint: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		var ge graphError
		_ = json.Unmarshal(b, &ge)
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			return fmt.Errorf("oauth: threads token endpoint: HTTP %d: %s", resp.StatusCode, ge.Error.Message)
		}
		code := ge.Error.Type
		if ge.Error.Code != 0 {
			code = fmt.Sprintf("%s %d", ge.Error.Type, ge.Error.Code)
		}
		if code == "" {
			code = http.StatusText(resp.StatusCode)
		}
		return &RefusedError{Status: resp.StatusCode, Code: strings.TrimSpace(code), Description: ge.Error.Message}
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("oauth: threads token endpoint: decoding the answer: %w", err)
	}
	if out.AccessToken == "" {
		return errors.New("oauth: threads token endpoint answered without an access token")
	}
	return nil
}
