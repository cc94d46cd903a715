package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
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

// Endpoint is where a network's OAuth 2.0 server answers.
type Endpoint struct {
	AuthURL  string // the page the user signs in on
	TokenURL string // code exchange and refresh

	// NoPKCE leaves the PKCE challenge and verifier out, for a server
	// that enables PKCE per app only (LinkedIn) or not at all (Threads):
	// a confidential client's secret then proves the exchange.
	NoPKCE bool
	// SecretInBody sends the client secret as the client_secret form
	// field, as LinkedIn and Threads want, instead of HTTP Basic.
	SecretInBody bool
	// ScopeSep joins the scopes in the authorization URL: " " (the
	// default, RFC 6749) or "," (Threads).
	ScopeSep string
}

// XEndpoint is X's OAuth 2.0 server
// (https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token).
var XEndpoint = Endpoint{AuthURL: "https://x.com/i/oauth2/authorize", TokenURL: "https://api.x.com/2/oauth2/token"}

// XScopes are what campaignkit asks X for: reading the account's own posts
// (to find a copy an interrupted attempt left) and its id, writing posts
// and media, and offline.access for a refresh token, without which the
// access token dies after two hours.
var XScopes = []string{"tweet.read", "tweet.write", "users.read", "media.write", "offline.access"}

// Client is an app registered with a network's OAuth 2.0 server.
type Client struct {
	ID       string
	Secret   publish.Secret // zero for a public client (PKCE alone)
	Endpoint Endpoint
	Scopes   []string
	HTTP     *http.Client     // default: 30 s timeout
	Now      func() time.Time // default: time.Now
	// Flow replaces the steps a network does its own way (flow.go);
	// nil: RFC 6749 throughout.
	Flow *Flow
}

func (c *Client) http() *http.Client { return clientOr(c.HTTP) }

func (c *Client) now() time.Time { return nowOr(c.Now) }

// LoginOptions steer an interactive sign-in.
type LoginOptions struct {
	// Port of the loopback redirect (http://127.0.0.1:PORT/callback); 0
	// picks a free one. Networks that match the redirect URI exactly, as X
	// does, need the port the app was registered with.
	Port int
	// Show is given the URL the user must open to sign in. It is called
	// once the loopback server listens.
	Show func(authURL string) error
	// Timeout bounds the wait for the browser to come back (default 5 min).
	Timeout time.Duration
}

// RefusedError is a refusal from the token endpoint: a code or refresh
// token the server does not accept, a client it does not know. Retrying
// cannot help; signing in again can.
type RefusedError struct {
	Status      int
	Code        string // OAuth error code: invalid_request, invalid_grant, ...
	Description string
}

func (e *RefusedError) Error() string {
	msg := e.Code
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return fmt.Sprintf("token endpoint refused (HTTP %d): %s", e.Status, msg)
}

// Login runs the authorization-code flow with PKCE (S256): it listens on
// 127.0.0.1, shows the authorization URL, waits for the one redirect that
// carries the code and the state it sent, and exchanges the code for a
// token. The loopback server serves that single redirect and is shut down
// before Login returns.
func (c *Client) Login(ctx context.Context, o LoginOptions) (Token, error) {
	if c.ID == "" {
		return Token{}, errors.New("oauth: client id: required")
	}
	verifier, err := randomString(32)
	if err != nil {
		return Token{}, err
	}
	code, redirect, err := awaitCode(ctx, o, "127.0.0.1", func(redirect, state string) (string, error) {
		return c.AuthCodeURL(redirect, state, challengeS256(verifier))
	})
	if err != nil {
		return Token{}, err
	}
	return c.Exchange(ctx, code, redirect, verifier)
}

// AuthCodeURL returns the authorization URL for the code flow with a PKCE
// S256 challenge.
func (c *Client) AuthCodeURL(redirect, state, challenge string) (string, error) {
	u, err := url.Parse(c.Endpoint.AuthURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("oauth: authorization URL %q: not a URL", c.Endpoint.AuthURL)
	}
	q := u.Query()
	q.Set("response_type", "code")
	q.Set("client_id", c.ID)
	q.Set("redirect_uri", redirect)
	sep := c.Endpoint.ScopeSep
	if sep == "" {
		sep = " "
	}
	q.Set("scope", strings.Join(c.Scopes, sep))
	q.Set("state", state)
	if !c.Endpoint.NoPKCE {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Exchange trades an authorization code for a token.
func (c *Client) Exchange(ctx context.Context, code, redirect, verifier string) (Token, error) {
	if c.Flow != nil && c.Flow.Exchange != nil {
		return c.Flow.Exchange(ctx, c, code, redirect)
	}
	form := url.Values{
		"grant_type":   {"authorization_code"},
		"code":         {code},
		"redirect_uri": {redirect},
	}
	if !c.Endpoint.NoPKCE {
		form.Set("code_verifier", verifier)
	}
	return c.token(ctx, form, publish.Secret{})
}

// Refresh trades t's refresh token for a new token. Networks that rotate
// refresh tokens (X does) send a new one; when none comes back the old one
// is kept.
func (c *Client) Refresh(ctx context.Context, t Token) (Token, error) {
	nt, err := c.refresh(ctx, t)
	if err != nil {
		return Token{}, err
	}
	// The token endpoint does not say whose token it is, and may leave
	// out the scopes when they did not change.
	nt.UserID, nt.Username = t.UserID, t.Username
	if len(nt.Scopes) == 0 {
		nt.Scopes = t.Scopes
	}
	return nt, nil
}

// refresh is the network's own refresh step when its Flow has one, else
// RFC 6749's refresh_token grant.
func (c *Client) refresh(ctx context.Context, t Token) (Token, error) {
	if c.Flow != nil && c.Flow.Refresh != nil {
		return c.Flow.Refresh(ctx, c, t)
	}
	if t.Refresh.IsZero() {
		return Token{}, &RefusedError{Code: "no_refresh_token", Description: "the sign-in gave no refresh token (was offline.access granted?)"}
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {t.Refresh.Reveal()}}
	return c.token(ctx, form, t.Refresh)
}

func (c *Client) token(ctx context.Context, form url.Values, oldRefresh publish.Secret) (Token, error) {
	form.Set("client_id", c.ID)
	if !c.Secret.IsZero() && c.Endpoint.SecretInBody {
		form.Set("client_secret", c.Secret.Reveal())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Endpoint.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return Token{}, fmt.Errorf("oauth: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if !c.Secret.IsZero() && !c.Endpoint.SecretInBody {
		// confidential client: HTTP Basic with the client id and secret
		req.SetBasicAuth(c.ID, c.Secret.Reveal())
	}
	resp, err := c.http().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return Token{}, ctx.Err()
		}
		return Token{}, fmt.Errorf("oauth: token endpoint: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var tr struct {
		AccessToken  string  `json:"access_token"`
		RefreshToken string  `json:"refresh_token"`
		ExpiresIn    float64 `json:"expires_in"`
		Scope        string  `json:"scope"`
		TokenType    string  `json:"token_type"`
		Error        string  `json:"error"`
		Description  string  `json:"error_description"`
	}
	_ = json.Unmarshal(body, &tr)
	if resp.StatusCode != http.StatusOK {
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			return Token{}, fmt.Errorf("oauth: token endpoint: HTTP %d", resp.StatusCode)
		}
		if tr.Error == "" {
			tr.Error = http.StatusText(resp.StatusCode)
		}
		return Token{}, &RefusedError{Status: resp.StatusCode, Code: tr.Error, Description: tr.Description}
	}
	if tr.AccessToken == "" {
		return Token{}, errors.New("oauth: token endpoint answered without an access token")
	}
	now := c.now()
	t := Token{Access: publish.NewSecret(tr.AccessToken), Scopes: scopeList(tr.Scope), Saved: now}
	if tr.ExpiresIn > 0 {
		t.Expiry = now.Add(time.Duration(tr.ExpiresIn) * time.Second)
	}
	t.Refresh = oldRefresh
	if tr.RefreshToken != "" {
		t.Refresh = publish.NewSecret(tr.RefreshToken)
	}
	return t, nil
}

// randomString returns n random bytes, base64url without padding: with
// n = 32 a 43-character PKCE verifier (RFC 7636 §4.1).
func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("oauth: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// challengeS256 is the PKCE S256 code challenge of verifier
// (RFC 7636 §4.2): base64url(SHA-256(verifier)).
func challengeS256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
