// Package xtest is a fake X API v2 for tests: the OAuth 2.0 endpoints
// (authorize, token with PKCE, refresh), GET /2/users/me, POST /2/tweets,
// GET /2/users/:id/tweets, the chunked media upload and media metadata. It
// is written from X's public API reference, and follows it where a
// publisher can tell the difference: request shapes, scopes, error bodies
// ({"title", "detail", "type", "status"}), x-rate-limit-* headers, media
// processing states and the checks X makes before it accepts a post.
//
// References followed (2026):
//
//	https://docs.x.com/x-api/posts/creation-of-a-post
//	https://docs.x.com/x-api/posts/manage-tweets/quickstart
//	https://docs.x.com/x-api/media/quickstart/media-upload-chunked
//	https://docs.x.com/x-api/mediaupload/media-upload-status
//	https://developer.x.com/en/docs/media/upload-media/api-reference/get-media-upload-status
//	https://docs.x.com/x-api/media/create-media-metadata
//	https://docs.x.com/fundamentals/rate-limits
//	https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
//	https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
//
// Where the reference gives no exact wording (the text of a refusal for a
// missing scope or an over-long text) the fake's wording is its own; the
// status codes and body shape are X's.
package xtest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/fakeapi"
)

// User is an account on the fake.
type User struct {
	ID       string
	Username string
	Name     string
}

// Tweet is a post the fake accepted.
type Tweet struct {
	ID        string
	AuthorID  string
	Text      string // as it was sent
	CreatedAt time.Time
	MediaIDs  []string
	Alts      []string // alt text of each medium, in order
}

// grant is what an X token allows; X adds nothing to what every fake
// records.
type grant = fakeapi.Grant

type code struct {
	grant
	redirect  string
	challenge string
	used      bool
}

type medium struct {
	id, owner, mediaType, category string
	total                          int64
	received                       map[int]int64 // segment index -> bytes
	finalized                      bool
	polls                          int // STATUS answers given
	alt                            string
}

// Server is the fake. Create it with New; set its fields before use.
// SetRateLimit counts per user in 15-minute windows, as X does, and
// LoseAnswers loses the answers to POST /2/tweets.
type Server struct {
	*fakeapi.Server
	fakeapi.Lossy
	fakeapi.Limits
	// Keys gives Expire and Revoke.
	fakeapi.Keys[*grant]

	// Now is the fake's clock (default time.Now); token expiry, rate
	// windows and created_at follow it.
	Now func() time.Time
	// TokenTTL is the lifetime of access tokens it issues (X: 2 h).
	TokenTTL time.Duration
	// ProcessingSteps is how many STATUS polls a finalized medium takes:
	// 0 succeeds at FINALIZE; 2 (the default) answers pending at FINALIZE,
	// in_progress at the first STATUS and succeeded at the second.
	ProcessingSteps int

	mu       sync.Mutex
	seq      int64
	users    map[string]*User
	signedIn string            // user the authorize page consents for
	clients  map[string]string // client id -> secret ("" for a public client)
	codes    map[string]*code
	access   fakeapi.Tokens[*grant]
	refresh  fakeapi.Tokens[*grant]
	tweets   []*Tweet // oldest first
	media    map[string]*medium
}

// New starts a fake X on a loopback port. Close it when done.
func New() *Server {
	s := &Server{
		Now:             time.Now,
		TokenTTL:        2 * time.Hour,
		ProcessingSteps: 2,
		seq:             1870000000000000000,
		users:           map[string]*User{},
		clients:         map[string]string{},
		codes:           map[string]*code{},
		access:          fakeapi.Tokens[*grant]{Prefix: "AT-", Bytes: 12},
		refresh:         fakeapi.Tokens[*grant]{Prefix: "RT-", Bytes: 12},
		media:           map[string]*medium{},
		Limits:          fakeapi.Limits{Window: 15 * time.Minute},
	}
	// X answers a token the user withdrew in its settings as one it never
	// issued.
	s.Keys = fakeapi.NewKeys(&s.mu, s.now, fakeapi.AsUnknown, &s.access, &s.refresh)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /i/oauth2/authorize", s.authorize)
	mux.HandleFunc("POST /2/oauth2/token", s.token)
	mux.HandleFunc("GET /2/users/me", s.me)
	mux.HandleFunc("GET /2/users/{id}/tweets", s.userTweets)
	mux.HandleFunc("POST /2/tweets", s.createTweet)
	mux.HandleFunc("POST /2/media/upload", s.upload)
	mux.HandleFunc("GET /2/media/upload", s.uploadStatus)
	mux.HandleFunc("POST /2/media/metadata", s.metadata)
	s.Server = fakeapi.Start(mux)
	return s
}

// AuthURL and TokenURL are the fake's OAuth endpoints.
func (s *Server) AuthURL() string  { return s.URL + "/i/oauth2/authorize" }
func (s *Server) TokenURL() string { return s.URL + "/2/oauth2/token" }

func (s *Server) now() time.Time { return s.Now() }

func (s *Server) nextID() string {
	s.seq += 1 + s.seq%7
	return strconv.FormatInt(s.seq, 10)
}

// AddUser creates an account and makes it the one the authorize page
// signs in.
func (s *Server) AddUser(username string) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := &User{ID: s.nextID(), Username: username, Name: username}
	s.users[u.ID] = u
	s.signedIn = u.ID
	return *u
}

// AddClient registers an app; secret "" makes it a public client.
func (s *Server) AddClient(id, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[id] = secret
}

// Issue gives userID an access token (and a refresh token when scopes has
// offline.access) as a completed sign-in would.
func (s *Server) Issue(userID, clientID string, scopes []string) (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issue(grant{UserID: userID, ClientID: clientID, Scopes: scopes})
}

func (s *Server) issue(g grant) (access, refresh string) {
	ag := g
	ag.Expiry = s.now().Add(s.TokenTTL)
	access = s.access.Issue(&ag)
	if slices.Contains(g.Scopes, "offline.access") {
		rg := g
		refresh = s.refresh.Issue(&rg)
	}
	return access, refresh
}

// Tweets returns the posts the fake accepted, oldest first.
func (s *Server) Tweets() []Tweet { return fakeapi.Copies(&s.mu, &s.tweets) }

// problem writes an X API v2 error body.
func problem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"title": title, "detail": detail, "type": "about:blank", "status": status})
}

// invalid writes X's 400 for a bad parameter.
func invalid(w http.ResponseWriter, param, value, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{"parameters": map[string][]string{param: {value}}, "message": message}},
		"title":  "Invalid Request", "detail": "One or more parameters to your request was invalid.",
		"type": "https://api.twitter.com/2/problems/invalid-request",
	})
}

// auth checks the bearer token and its scopes, and counts the request
// against endpoint's rate limit. It writes the refusal and returns nil
// when the request may not go on.
func (s *Server) auth(w http.ResponseWriter, r *http.Request, endpoint string, scopes ...string) *grant {
	tok, _ := fakeapi.Bearer(r)
	s.mu.Lock()
	g, bad := s.access.Check(tok, s.now())
	if bad != fakeapi.Valid {
		s.mu.Unlock()
		problem(w, http.StatusUnauthorized, "Unauthorized", "Unauthorized")
		return nil
	}
	missing := g.Missing(scopes...)
	gg := *g
	s.mu.Unlock()
	if len(missing) > 0 {
		problem(w, http.StatusForbidden, "Forbidden", "Missing required OAuth 2.0 scope(s): "+strings.Join(missing, ", "))
		return nil
	}
	if win, limited, over := s.Take(endpoint, gg.UserID, s.now()); limited {
		w.Header().Set("x-rate-limit-limit", strconv.Itoa(win.Limit))
		w.Header().Set("x-rate-limit-remaining", strconv.Itoa(win.Limit-win.Used))
		w.Header().Set("x-rate-limit-reset", strconv.FormatInt(win.Reset.Unix(), 10))
		if over {
			problem(w, http.StatusTooManyRequests, "Too Many Requests", "Too Many Requests")
			return nil
		}
	}
	return &gg
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// User returns the account with username.
func (s *Server) User(username string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.Username == username {
			return *u, true
		}
	}
	return User{}, false
}
