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

// GraphVersion is the Graph API version campaignkit is written against.
// Meta keeps a version for about two years after the next one appears.
const GraphVersion = "v25.0"

// MetaEndpoint is Facebook Login: the OAuth dialog and the token endpoint
// (https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow).
var MetaEndpoint = Endpoint{
	AuthURL:  "https://www.facebook.com/" + GraphVersion + "/dialog/oauth",
	TokenURL: "https://graph.facebook.com/" + GraphVersion + "/oauth/access_token",
}

// FacebookScopes are the permissions a Facebook Page account needs:
// listing the Pages the person manages and getting their Page tokens
// (pages_show_list), reading the Page's posts to find a copy an
// interrupted attempt left (pages_read_engagement), and publishing
// (pages_manage_posts).
var FacebookScopes = []string{"pages_show_list", "pages_read_engagement", "pages_manage_posts"}

// InstagramScopes are the permissions an Instagram professional account
// needs through Facebook Login: its id and media (instagram_basic),
// publishing (instagram_content_publish), and finding it through the
// Facebook Page it is linked to (pages_show_list, pages_read_engagement).
var InstagramScopes = []string{"instagram_basic", "instagram_content_publish", "pages_show_list", "pages_read_engagement"}

// WarnBefore is how long before a Meta token expires `accounts check`
// starts warning: Meta's tokens are not renewed by a refresh token, only
// by signing in again.
const WarnBefore = 14 * 24 * time.Hour

// MetaClient is a Meta app signing people in with Facebook Login: the
// authorization code flow with the app secret (Facebook Login offers no
// PKCE to a desktop program that cannot embed its SDK), a long-lived user
// token, and the Page tokens of the Pages the person manages.
type MetaClient struct {
	AppID  string
	Secret publish.Secret
	// DialogURL is the login dialog (default MetaEndpoint.AuthURL);
	// GraphURL the versioned Graph API base (default
	// https://graph.facebook.com/<GraphVersion>).
	DialogURL, GraphURL string
	Scopes              []string
	HTTP                *http.Client     // default: 30 s timeout
	Now                 func() time.Time // default: time.Now
}

func (c *MetaClient) http() *http.Client { return clientOr(c.HTTP) }

func (c *MetaClient) now() time.Time { return nowOr(c.Now) }

func (c *MetaClient) graph() string {
	if c.GraphURL != "" {
		return strings.TrimRight(c.GraphURL, "/")
	}
	return "https://graph.facebook.com/" + GraphVersion
}

// MetaError is Meta's error body, {"error": {"message", "type", "code",
// "error_subcode", ...}}: the one reading of it, for the sign-in here and
// for the Facebook, Instagram and Threads publishers.
type MetaError struct {
	Status    int    `json:"-"`
	Message   string `json:"message"`
	Type      string `json:"type"`
	Code      int    `json:"code"`
	Subcode   int    `json:"error_subcode"`
	UserTitle string `json:"error_user_title"`
	UserMsg   string `json:"error_user_msg"` // meant for people, when there is one
	Transient bool   `json:"is_transient"`
	TraceID   string `json:"fbtrace_id"`
}

func (e *MetaError) Error() string {
	s := fmt.Sprintf("Meta refused (HTTP %d): %s (code %d", e.Status, e.Message, e.Code)
	if e.Subcode != 0 {
		s += fmt.Sprintf(", subcode %d", e.Subcode)
	}
	return s + ")"
}

// Login shows the Facebook Login dialog's link, waits for the loopback
// redirect with the code and the state it sent, exchanges the code for a
// user token and that for a long-lived one (about 60 days). The redirect
// is http://localhost:PORT/callback: Facebook Login takes plain http only
// for localhost, and the app must list that exact URI (with the port) in
// its Valid OAuth Redirect URIs.
func (c *MetaClient) Login(ctx context.Context, o LoginOptions) (Token, error) {
	if c.AppID == "" {
		return Token{}, errors.New("facebook login: app id: required")
	}
	if c.Secret.IsZero() {
		return Token{}, errors.New("facebook login: app secret: required (Facebook Login exchanges the code with it)")
	}
	dialog := c.DialogURL
	if dialog == "" {
		dialog = MetaEndpoint.AuthURL
	}
	code, redirect, err := awaitCode(ctx, o, "localhost", func(redirect, state string) (string, error) {
		u, err := url.Parse(dialog)
		if err != nil || u.Host == "" {
			return "", fmt.Errorf("facebook login: dialog URL %q: not a URL", dialog)
		}
		q := u.Query()
		q.Set("client_id", c.AppID)
		q.Set("redirect_uri", redirect)
		q.Set("state", state)
		q.Set("response_type", "code")
		q.Set("scope", strings.Join(c.Scopes, ","))
		u.RawQuery = q.Encode()
		return u.String(), nil
	})
	if err != nil {
		return Token{}, err
	}
	short, err := c.Exchange(ctx, code, redirect)
	if err != nil {
		return Token{}, err
	}
	return c.LongLived(ctx, short.Access)
}

// Exchange trades a code for a (short-lived) user token.
func (c *MetaClient) Exchange(ctx context.Context, code, redirect string) (Token, error) {
	return c.tokenCall(ctx, url.Values{"client_id": {c.AppID}, "client_secret": {c.Secret.Reveal()}, "redirect_uri": {redirect}, "code": {code}})
}

// LongLived trades a valid user token for a long-lived one
// (https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived).
func (c *MetaClient) LongLived(ctx context.Context, user publish.Secret) (Token, error) {
	return c.tokenCall(ctx, url.Values{"grant_type": {"fb_exchange_token"}, "client_id": {c.AppID},
		"client_secret": {c.Secret.Reveal()}, "fb_exchange_token": {user.Reveal()}})
}

func (c *MetaClient) tokenCall(ctx context.Context, q url.Values) (Token, error) {
	var out struct {
		AccessToken string  `json:"access_token"`
		ExpiresIn   float64 `json:"expires_in"`
	}
	if err := c.get(ctx, "/oauth/access_token", q, publish.Secret{}, &out); err != nil {
		var me *MetaError
		if errors.As(err, &me) && me.Status < 500 {
			return Token{}, &RefusedError{Status: me.Status, Code: fmt.Sprintf("code %d", me.Code), Description: me.Message}
		}
		return Token{}, fmt.Errorf("facebook login: token endpoint: %w", err)
	}
	if out.AccessToken == "" {
		return Token{}, errors.New("facebook login: the token endpoint answered without an access token")
	}
	now := c.now()
	t := Token{Access: publish.NewSecret(out.AccessToken), Scopes: c.Scopes, Saved: now}
	if out.ExpiresIn > 0 {
		t.Expiry = now.Add(time.Duration(out.ExpiresIn) * time.Second)
	}
	return t, nil
}

// get sends GET path?q to the Graph API, with tok as bearer when given.
func (c *MetaClient) get(ctx context.Context, path string, q url.Values, tok publish.Secret, out any) error {
	u := c.graph() + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	if !tok.IsZero() {
		req.Header.Set("Authorization", "Bearer "+tok.Reveal())
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// The URL may carry the app secret: say where, not what.
		return fmt.Errorf("GET %s: %w", path, errors.Unwrap(err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		var eb struct {
			Error *MetaError `json:"error"`
		}
		if json.Unmarshal(body, &eb) == nil && eb.Error != nil {
			eb.Error.Status = resp.StatusCode
			return eb.Error
		}
		return fmt.Errorf("GET %s: HTTP %d", path, resp.StatusCode)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("GET %s: decoding the answer: %w", path, err)
	}
	return nil
}

// Page is a Facebook Page the signed-in person manages, with its Page
// token and the Instagram professional account linked to it, if any.
type Page struct {
	ID, Name          string
	Access            publish.Secret
	Tasks             []string
	InstagramID       string
	InstagramUsername string
}

// Pages lists the Pages the person behind the user token manages (GET
// /me/accounts, permission pages_show_list). A Page token obtained from a
// long-lived user token does not expire.
func (c *MetaClient) Pages(ctx context.Context, user publish.Secret) ([]Page, error) {
	var out struct {
		Data []struct {
			ID          string   `json:"id"`
			Name        string   `json:"name"`
			AccessToken string   `json:"access_token"`
			Tasks       []string `json:"tasks"`
			IG          *struct {
				ID       string `json:"id"`
				Username string `json:"username"`
			} `json:"instagram_business_account"`
		} `json:"data"`
	}
	q := url.Values{"fields": {"id,name,access_token,tasks,instagram_business_account{id,username}"}, "limit": {"100"}}
	if err := c.get(ctx, "/me/accounts", q, user, &out); err != nil {
		return nil, fmt.Errorf("listing the Pages (GET /me/accounts): %w", err)
	}
	pages := make([]Page, 0, len(out.Data))
	for _, d := range out.Data {
		p := Page{ID: d.ID, Name: d.Name, Access: publish.NewSecret(d.AccessToken), Tasks: d.Tasks}
		if d.IG != nil {
			p.InstagramID, p.InstagramUsername = d.IG.ID, d.IG.Username
		}
		pages = append(pages, p)
	}
	return pages, nil
}

// TokenInfo is what Meta says of a token (GET /debug_token).
type TokenInfo struct {
	Valid     bool
	Type      string // USER, PAGE
	AppID     string
	UserID    string
	ProfileID string // the Page of a Page token
	Scopes    []string
	// Expires is zero for a token that does not expire (a Page token from
	// a long-lived user token). DataAccessExpires is when the person's
	// consent to the app's data access lapses (90 days after the last
	// sign-in), whatever the token.
	Expires, DataAccessExpires time.Time
}

// Debug asks Meta about tok with the app's own token (app id|secret), as
// the access-token debugging reference describes.
func (c *MetaClient) Debug(ctx context.Context, tok publish.Secret) (TokenInfo, error) {
	var out struct {
		Data struct {
			AppID             string   `json:"app_id"`
			Type              string   `json:"type"`
			IsValid           bool     `json:"is_valid"`
			ExpiresAt         int64    `json:"expires_at"`
			DataAccessExpires int64    `json:"data_access_expires_at"`
			Scopes            []string `json:"scopes"`
			UserID            string   `json:"user_id"`
			ProfileID         string   `json:"profile_id"`
		} `json:"data"`
	}
	q := url.Values{"input_token": {tok.Reveal()}, "access_token": {c.AppID + "|" + c.Secret.Reveal()}}
	if err := c.get(ctx, "/debug_token", q, publish.Secret{}, &out); err != nil {
		return TokenInfo{}, fmt.Errorf("GET /debug_token: %w", err)
	}
	d := out.Data
	ti := TokenInfo{Valid: d.IsValid, Type: d.Type, AppID: d.AppID, UserID: d.UserID, ProfileID: d.ProfileID, Scopes: d.Scopes}
	if d.ExpiresAt > 0 {
		ti.Expires = time.Unix(d.ExpiresAt, 0)
	}
	if d.DataAccessExpires > 0 {
		ti.DataAccessExpires = time.Unix(d.DataAccessExpires, 0)
	}
	return ti, nil
}

// Me asks whose token tok is (GET /me?fields=id,name): a person for a
// user token, the Page for a Page token.
func (c *MetaClient) Me(ctx context.Context, tok publish.Secret) (id, name string, err error) {
	var out struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if err := c.get(ctx, "/me", url.Values{"fields": {"id,name"}}, tok, &out); err != nil {
		return "", "", fmt.Errorf("GET /me: %w", err)
	}
	return out.ID, out.Name, nil
}

// PickPage returns the Page of pages that handle names: its name (without
// a leading @, case ignored) or its id; when instagram is set, the Page
// whose linked Instagram account has that username. With a single
// candidate and no match, it is taken.
func PickPage(pages []Page, handle string, instagram bool) (Page, error) {
	want := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(handle), "@"))
	var cands []Page
	for _, p := range pages {
		if instagram && p.InstagramID == "" {
			continue
		}
		cands = append(cands, p)
		name := strings.ToLower(p.Name)
		if instagram {
			name = strings.ToLower(p.InstagramUsername)
		}
		if want != "" && (name == want || p.ID == want || (instagram && p.InstagramID == want)) {
			return p, nil
		}
	}
	if len(cands) == 1 {
		return cands[0], nil
	}
	var names []string
	for _, p := range cands {
		if instagram {
			names = append(names, fmt.Sprintf("@%s (Page %s)", p.InstagramUsername, p.Name))
		} else {
			names = append(names, fmt.Sprintf("%s (id %s)", p.Name, p.ID))
		}
	}
	switch {
	case len(cands) == 0 && instagram:
		return Page{}, errors.New("none of the Pages this sign-in manages has an Instagram professional account linked: link it in the Page's settings (Linked accounts), and grant the Page when Facebook asks which Pages the app may use")
	case len(cands) == 0:
		return Page{}, errors.New("this sign-in manages no Page, or did not grant any to the app: sign in again and tick the Page when Facebook asks which Pages the app may use")
	}
	return Page{}, fmt.Errorf("no Page matches the handle %q; this sign-in manages %s: set the account's handle to one of them", handle, strings.Join(names, ", "))
}

// Stored hands a publisher the stored token as it is. Meta's tokens are
// not renewed with a refresh token: a Page token does not expire, a
// long-lived user token lasts about 60 days, and only a new sign-in gives
// another. Once the stored expiry has passed, Token says to sign in again
// instead of sending a token Meta will refuse.
type Stored struct {
	ID      string
	Network string // for the message
	Store   *Store
	Now     func() time.Time
}

// Token returns the stored access token, or an error wrapping ErrSignIn.
func (s *Stored) Token(ctx context.Context) (publish.Secret, error) {
	t, err := s.Store.Load(s.ID)
	if err != nil {
		if errors.Is(err, ErrNoToken) {
			return publish.Secret{}, fmt.Errorf("%w: %w", ErrSignIn, err)
		}
		return publish.Secret{}, err
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	if !t.Expiry.IsZero() && !t.Expiry.After(now()) {
		return publish.Secret{}, fmt.Errorf("account %s: its %s token expired on %s; %w: campaignkit accounts login %s --account %s",
			s.ID, s.Network, t.Expiry.UTC().Format(time.RFC3339), ErrSignIn, s.Network, s.ID)
	}
	return t.Access, nil
}
