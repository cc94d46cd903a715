package threadstest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/fakeapi"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/metatest"
)

var knownScopes = []string{"threads_basic", "threads_content_publish", "threads_manage_replies", "threads_read_replies",
	"threads_manage_insights", "threads_keyword_search", "threads_delete", "threads_location_tagging", "threads_profile_discovery"}

// authorize plays the authorization window for the signed-in profile,
// who always agrees. Threads matches the redirect URI against the app's
// list and appends #_ to the redirect; the fake takes any loopback URI.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	refusal := func(code, reason, desc string) url.Values {
		return url.Values{"error": {code}, "error_reason": {reason}, "error_description": {desc}}
	}
	fakeapi.Consent{
		Lock:    &s.mu,
		Who:     fakeapi.Who(s.clients, &s.signedIn),
		Blocked: "URL blocked: this redirect failed because the redirect URI is not whitelisted in the app's client OAuth settings.",
		Scopes: func(param string) []string {
			return strings.FieldsFunc(param, func(r rune) bool { return r == ',' || r == ' ' })
		},
		Refuse: func(q url.Values, scopes []string, user string) url.Values {
			switch {
			case q.Get("response_type") != "code":
				return refusal("invalid_request", "response_type", "response_type must be code")
			case !slices.Contains(scopes, "threads_basic"):
				return refusal("invalid_scope", "threads_basic", "threads_basic is required for all Threads endpoints")
			case user == "":
				return refusal("access_denied", "user_denied", "Permissions error")
			}
			return nil
		},
		Known:        knownScopes,
		UnknownScope: func(sc string) url.Values { return refusal("invalid_scope", sc, "Invalid Scopes: "+sc) },
		Store: func(c string, q url.Values, user string, scopes []string) {
			s.codes[c] = &code{grant: grant{Grant: fakeapi.Grant{UserID: user, ClientID: q.Get("client_id"), Scopes: scopes, Expiry: s.Now().Add(time.Hour)}}, redirect: q.Get("redirect_uri")}
		},
		Fragment: "_",
	}.ServeHTTP(w, r)
}

// exchangeCode is POST /oauth/access_token: a code for a short-lived
// token and the user's id.
func (s *Server) exchangeCode(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		metatest.Error(w, http.StatusBadRequest, 100, 0, "OAuthException", "malformed form")
		return
	}
	f := r.PostForm
	s.mu.Lock()
	defer s.mu.Unlock()
	secret, known := s.clients[f.Get("client_id")]
	if !known || f.Get("client_secret") != secret {
		metatest.Error(w, http.StatusBadRequest, 101, 0, "OAuthException", "Error validating client secret.")
		return
	}
	c := s.codes[f.Get("code")]
	switch {
	case f.Get("grant_type") != "authorization_code":
		metatest.Error(w, http.StatusBadRequest, 100, 0, "OAuthException", "Unsupported grant_type")
		return
	case c == nil || c.used || !s.Now().Before(c.Expiry) || c.ClientID != f.Get("client_id"):
		metatest.Error(w, http.StatusBadRequest, 100, 36007, "OAuthException", "Invalid verification code format.")
		return
	case f.Get("redirect_uri") != c.redirect:
		metatest.Error(w, http.StatusBadRequest, 100, 36008, "OAuthException", "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request")
		return
	}
	c.used = true
	now := s.Now()
	tok := s.issue(grant{Grant: fakeapi.Grant{UserID: c.UserID, ClientID: c.ClientID, Scopes: c.Scopes, Expiry: now.Add(ShortTTL)}, issued: now})
	id := c.UserID
	w.Header().Set("Content-Type", "application/json")
	// user_id comes back as a JSON number
	w.Write([]byte(`{"access_token":"` + tok + `","user_id":` + id + `}`))
}

// exchangeLong is GET /access_token?grant_type=th_exchange_token: a
// short-lived token for a 60-day one.
func (s *Server) exchangeLong(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.tokens.Get(q.Get("access_token"))
	switch {
	case q.Get("grant_type") != "th_exchange_token":
		metatest.Error(w, http.StatusBadRequest, 100, 0, "OAuthException", "grant_type must be th_exchange_token")
	case g == nil || g.Revoked || !s.Now().Before(g.Expiry):
		metatest.Error(w, http.StatusBadRequest, 190, 0, "OAuthException", "Invalid OAuth access token - Cannot parse access token")
	case s.clients[g.ClientID] != q.Get("client_secret"):
		metatest.Error(w, http.StatusBadRequest, 101, 0, "OAuthException", "Error validating client secret.")
	default:
		now := s.Now()
		tok := s.issue(grant{Grant: fakeapi.Grant{UserID: g.UserID, ClientID: g.ClientID, Scopes: g.Scopes, Expiry: now.Add(LongTTL)}, issued: now, long: true})
		fakeapi.JSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int(LongTTL/time.Second) - 56})
	}
}

// refreshToken is GET /refresh_access_token?grant_type=th_refresh_token:
// a long-lived token at least a day old and not expired, renewed for 60
// days from now.
func (s *Server) refreshToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.tokens.Get(q.Get("access_token"))
	now := s.Now()
	switch {
	case q.Get("grant_type") != "th_refresh_token":
		metatest.Error(w, http.StatusBadRequest, 100, 0, "OAuthException", "grant_type must be th_refresh_token")
	case g == nil || g.Revoked:
		metatest.Error(w, http.StatusBadRequest, 190, 460, "OAuthException", "Error validating access token: the session has been invalidated")
	case !now.Before(g.Expiry):
		metatest.Error(w, http.StatusBadRequest, 190, 463, "OAuthException", "Error validating access token: Session has expired")
	case !g.long || now.Sub(g.issued) < 24*time.Hour:
		metatest.Error(w, http.StatusBadRequest, 190, 0, "OAuthException", "Only long-lived tokens at least 24 hours old can be refreshed")
	default:
		tok := s.issue(grant{Grant: fakeapi.Grant{UserID: g.UserID, ClientID: g.ClientID, Scopes: g.Scopes, Expiry: now.Add(LongTTL)}, issued: now, long: true})
		fakeapi.JSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int(LongTTL / time.Second)})
	}
}
