package xtest

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/fakeapi"
)

// knownScopes are the OAuth 2.0 scopes X documents, of which the fake
// checks a few.
var knownScopes = []string{"tweet.read", "tweet.write", "tweet.moderate.write", "users.read", "users.email",
	"follows.read", "follows.write", "offline.access", "space.read", "mute.read", "mute.write", "like.read",
	"like.write", "list.read", "list.write", "block.read", "block.write", "bookmark.read", "bookmark.write",
	"dm.read", "dm.write", "media.write"}

// authorize plays X's consent page for the signed-in user, who always
// agrees: it checks the request and redirects to redirect_uri with a code
// and the state. X refuses a redirect URI that is not registered with the
// app; the fake takes any loopback one.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	fakeapi.Consent{
		Lock:     &s.mu,
		Who:      fakeapi.Who(s.clients, &s.signedIn),
		HTTPOnly: true,
		// X shows an error page and does not redirect.
		Blocked: "Something went wrong: you weren't able to give access to the App. Go back and try logging in again.",
		Scopes:  strings.Fields,
		Refuse: func(q url.Values, scopes []string, user string) url.Values {
			switch {
			case q.Get("response_type") != "code":
				return fakeapi.OAuthRefusal("unsupported_response_type", "response_type must be code")
			case q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256":
				return fakeapi.OAuthRefusal("invalid_request", "code_challenge and code_challenge_method=S256 are required")
			case q.Get("state") == "":
				return fakeapi.OAuthRefusal("invalid_request", "state is required")
			case len(scopes) == 0:
				return fakeapi.OAuthRefusal("invalid_scope", "scope is required")
			case user == "":
				return fakeapi.OAuthRefusal("access_denied", "nobody is signed in")
			}
			return nil
		},
		Known:        knownScopes,
		UnknownScope: func(sc string) url.Values { return fakeapi.OAuthRefusal("invalid_scope", "unknown scope "+sc) },
		Store: func(c string, q url.Values, user string, scopes []string) {
			s.codes[c] = &code{grant: grant{UserID: user, ClientID: q.Get("client_id"), Scopes: scopes, Expiry: s.now().Add(30 * time.Second)},
				redirect: q.Get("redirect_uri"), challenge: q.Get("code_challenge")}
		},
	}.ServeHTTP(w, r)
}

// token exchanges a code (checking the PKCE verifier) or a refresh token.
// Refresh tokens rotate: each is good once.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	f, ok := fakeapi.TokenForm(w, r)
	if !ok {
		return
	}
	clientID := f.Get("client_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, secret, ok := r.BasicAuth(); ok {
		want, known := s.clients[id]
		if !known || want == "" || secret != want {
			fakeapi.OAuthError(w, http.StatusUnauthorized, "unauthorized_client", "Invalid client credentials")
			return
		}
		clientID = id
	} else if secret, known := s.clients[clientID]; !known {
		fakeapi.OAuthError(w, http.StatusBadRequest, "invalid_request", "Missing required parameter [client_id].")
		return
	} else if secret != "" {
		fakeapi.OAuthError(w, http.StatusUnauthorized, "unauthorized_client", "Missing valid authorization header")
		return
	}
	var g grant
	switch f.Get("grant_type") {
	case "authorization_code":
		c := s.codes[f.Get("code")]
		switch {
		case c == nil || c.used || !s.now().Before(c.Expiry) || c.ClientID != clientID:
			fakeapi.OAuthError(w, http.StatusBadRequest, "invalid_request", "Value passed for the authorization code was invalid.")
			return
		case f.Get("redirect_uri") != c.redirect:
			fakeapi.OAuthError(w, http.StatusBadRequest, "invalid_request", "Value passed for the redirect uri did not match the uri of the authorization code.")
			return
		case s256(f.Get("code_verifier")) != c.challenge:
			fakeapi.OAuthError(w, http.StatusBadRequest, "invalid_request", "Value passed for the code verifier did not match the code challenge.")
			return
		}
		c.used = true
		g = c.grant
	case "refresh_token":
		old := s.refresh.Get(f.Get("refresh_token"))
		if old == nil || old.ClientID != clientID {
			fakeapi.OAuthError(w, http.StatusBadRequest, "invalid_request", "Value passed for the token was invalid.")
			return
		}
		s.refresh.Delete(f.Get("refresh_token"))
		g = *old
	default:
		fakeapi.OAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
		return
	}
	access, refresh := s.issue(grant{UserID: g.UserID, ClientID: clientID, Scopes: g.Scopes})
	body := map[string]any{"token_type": "bearer", "expires_in": int(s.TokenTTL / time.Second), "access_token": access, "scope": strings.Join(g.Scopes, " ")}
	if refresh != "" {
		body["refresh_token"] = refresh
	}
	fakeapi.JSON(w, http.StatusOK, body)
}
