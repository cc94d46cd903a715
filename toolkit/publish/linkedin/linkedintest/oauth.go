package linkedintest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/fakeapi"
)

// knownScopes are LinkedIn permissions the fake knows.
var knownScopes = []string{"openid", "profile", "email", "w_member_social", "r_member_social",
	"w_organization_social", "r_organization_social", "rw_organization_admin", "r_organization_admin", "r_basicprofile"}

// authorize plays LinkedIn's consent page for the signed-in member, who
// always agrees. LinkedIn matches the redirect URL exactly against the
// app's list; the fake takes any loopback one.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	_, known := s.clients[q.Get("client_id")]
	member := s.signedIn
	s.mu.Unlock()
	redirect, ok := fakeapi.Loopback(q.Get("redirect_uri"))
	if !known || !ok || redirect.Scheme != "http" {
		http.Error(w, "The redirect_uri does not match the registered value", http.StatusBadRequest)
		return
	}
	fail := func(code, desc string) {
		fakeapi.Redirect(w, r, redirect, url.Values{"error": {code}, "error_description": {desc}, "state": {q.Get("state")}})
	}
	scopes := strings.Fields(q.Get("scope"))
	switch {
	case q.Get("response_type") != "code":
		fail("invalid_request", "response_type must be code")
		return
	case len(scopes) == 0:
		fail("invalid_scope_error", "scope is required")
		return
	case member == "":
		fail("user_cancelled_login", "The user cancelled LogIn")
		return
	}
	for _, sc := range scopes {
		if !slices.Contains(knownScopes, sc) {
			fail("unauthorized_scope_error", "Scope \""+sc+"\" is not authorized for your application")
			return
		}
	}
	c := fakeapi.RandHex(16)
	s.mu.Lock()
	s.codes[c] = &code{grant: grant{UserID: member, ClientID: q.Get("client_id"), Scopes: scopes, Expiry: s.Now().Add(30 * time.Minute)},
		redirect: q.Get("redirect_uri")}
	s.mu.Unlock()
	back := url.Values{"code": {c}}
	if st := q.Get("state"); st != "" {
		back.Set("state", st)
	}
	fakeapi.Redirect(w, r, redirect, back)
}

// token is POST /oauth/v2/accessToken: a code or a refresh token, with
// client_id and client_secret in the form. Refresh tokens do not rotate
// and keep their first expiry.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		fakeapi.OAuthError(w, http.StatusBadRequest, "invalid_request", "malformed form")
		return
	}
	f := r.PostForm
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clients[f.Get("client_id")]
	if c == nil || f.Get("client_secret") != c.secret {
		fakeapi.OAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	}
	var g grant
	var refresh string
	switch f.Get("grant_type") {
	case "authorization_code":
		cd := s.codes[f.Get("code")]
		switch {
		case cd == nil || cd.used || !s.Now().Before(cd.Expiry) || cd.ClientID != f.Get("client_id"):
			fakeapi.OAuthError(w, http.StatusBadRequest, "invalid_request", "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists")
			return
		case f.Get("redirect_uri") != cd.redirect:
			fakeapi.OAuthError(w, http.StatusBadRequest, "invalid_redirect_uri", "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code")
			return
		}
		cd.used = true
		g = cd.grant
		var access string
		access, refresh = s.issue(grant{UserID: g.UserID, ClientID: g.ClientID, Scopes: g.Scopes})
		s.answer(w, access, refresh, g.Scopes)
	case "refresh_token":
		rt := f.Get("refresh_token")
		old := s.refresh.Get(rt)
		if old == nil || old.ClientID != f.Get("client_id") || !s.Now().Before(old.Expiry) {
			fakeapi.OAuthError(w, http.StatusBadRequest, "invalid_request", "The provided authorization grant or refresh token is invalid, expired or revoked.")
			return
		}
		access := s.access.Issue(&grant{UserID: old.UserID, ClientID: old.ClientID, Scopes: old.Scopes, Expiry: s.Now().Add(s.TokenTTL)})
		s.answer(w, access, rt, old.Scopes)
	default:
		fakeapi.OAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
	}
}

func (s *Server) answer(w http.ResponseWriter, access, refresh string, scopes []string) {
	body := map[string]any{"access_token": access, "expires_in": int(s.TokenTTL / time.Second), "scope": strings.Join(scopes, ",")}
	if g := s.refresh.Get(refresh); g != nil {
		body["refresh_token"] = refresh
		body["refresh_token_expires_in"] = int(g.Expiry.Sub(s.Now()) / time.Second)
	}
	fakeapi.JSON(w, http.StatusOK, body)
}
