package linkedintest

import (
	"net/http"
	"net/url"
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
	fakeapi.Consent{
		Lock:     &s.mu,
		Who:      fakeapi.Who(s.clients, &s.signedIn),
		HTTPOnly: true,
		Blocked:  "The redirect_uri does not match the registered value",
		Scopes:   strings.Fields,
		Refuse: func(q url.Values, scopes []string, member string) url.Values {
			switch {
			case q.Get("response_type") != "code":
				return fakeapi.OAuthRefusal("invalid_request", "response_type must be code")
			case len(scopes) == 0:
				return fakeapi.OAuthRefusal("invalid_scope_error", "scope is required")
			case member == "":
				return fakeapi.OAuthRefusal("user_cancelled_login", "The user cancelled LogIn")
			}
			return nil
		},
		Known: knownScopes,
		UnknownScope: func(sc string) url.Values {
			return fakeapi.OAuthRefusal("unauthorized_scope_error", "Scope \""+sc+"\" is not authorized for your application")
		},
		Store: func(c string, q url.Values, member string, scopes []string) {
			s.codes[c] = &code{grant: grant{UserID: member, ClientID: q.Get("client_id"), Scopes: scopes, Expiry: s.Now().Add(30 * time.Minute)},
				redirect: q.Get("redirect_uri")}
		},
	}.ServeHTTP(w, r)
}

// token is POST /oauth/v2/accessToken: a code or a refresh token, with
// client_id and client_secret in the form. Refresh tokens do not rotate
// and keep their first expiry.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	f, ok := fakeapi.TokenForm(w, r)
	if !ok {
		return
	}
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
