// Package threadstest is a fake Threads API for tests: the authorization
// window, the code exchange, the long-lived token exchange and refresh,
// GET /me, media containers (POST /{user-id}/threads) with their status
// (IN_PROGRESS, FINISHED, ERROR, PUBLISHED), POST /{user-id}/threads_publish,
// the user's threads and the publishing quota. It is written from the
// Threads API reference and follows it where a publisher can tell the
// difference: parameters, permissions, Graph error bodies ({"error":
// {"message", "type", "code", "error_subcode", "fbtrace_id"}}), the 500
// character limit with emoji counted in UTF-8 bytes, the image fetched
// from its public URL, and a container refused until it is FINISHED.
//
// References followed (2026):
//
//	https://developers.facebook.com/documentation/threads/posts
//	https://developers.facebook.com/documentation/threads/reference/publishing
//	https://developers.facebook.com/docs/threads/troubleshooting
//	https://developers.facebook.com/documentation/threads/overview (rate limits, publishing quota)
//	https://developers.facebook.com/documentation/threads/get-started
//	https://developers.facebook.com/documentation/threads/get-started/get-access-tokens-and-permissions
//	https://developers.facebook.com/docs/threads/get-started/long-lived-tokens/
//
// Where the reference gives no exact wording (a container published
// before it is ready, an image that cannot be fetched, a missing
// permission), the fake's words are its own, shaped as Graph errors.
package threadstest

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/fakeapi"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/metatest"
)

// Limits the fake enforces.
const (
	MaxText  = 500  // characters, emoji counted in UTF-8 bytes
	MaxAlt   = 1000 // characters of alt_text
	Quota    = 250  // API-published posts per 24 hours
	ShortTTL = time.Hour
	LongTTL  = 60 * 24 * time.Hour
)

// User is a Threads profile.
type User struct {
	ID       string
	Username string
}

// Thread is a published post.
type Thread struct {
	ID        string
	UserID    string
	MediaType string // TEXT_POST or IMAGE
	Text      string
	ImageURL  string
	Image     []byte // what the fake fetched from ImageURL
	AltText   string
	Container string
	Timestamp time.Time
}

// grant is what a Threads token allows: what every fake records, and
// when it was issued and whether it is long-lived, on which its refresh
// depends.
type grant struct {
	fakeapi.Grant
	issued time.Time
	long   bool
}

type code struct {
	grant
	redirect string
	used     bool
}

type container struct {
	id, userID, mediaType, text, imageURL, altText string
	status, errorMessage                           string
	polls                                          int
	image                                          []byte
	created                                        time.Time
	published                                      string // thread id
}

// Server is the fake. Create it with New; set its fields before use.
// SetRateLimit ("POST /threads") counts per user per hour, and beyond it
// the fake answers 429 with Graph error code 4; LoseAnswers loses the
// answers to POST /threads_publish.
type Server struct {
	*fakeapi.Server
	fakeapi.Lossy
	fakeapi.Limits
	// Keys gives Expire and Revoke.
	fakeapi.Keys[*grant]

	// Now is the fake's clock (default time.Now).
	Now func() time.Time
	// ProcessingPolls is how many status reads a container answers
	// IN_PROGRESS before FINISHED (default 1).
	ProcessingPolls int
	// Fetch gets an image_url; default http.Get with a 10 s timeout.
	Fetch func(url string) ([]byte, error)

	mu         sync.Mutex
	seq        int64
	users      map[string]*User
	signedIn   string
	clients    map[string]string // app id -> secret
	codes      map[string]*code
	tokens     fakeapi.Tokens[*grant]
	containers map[string]*container
	threads    []*Thread
}

// New starts a fake Threads on a loopback port. Close it when done.
func New() *Server {
	s := &Server{Now: time.Now, ProcessingPolls: 1, seq: 17841400000000000,
		users: map[string]*User{}, clients: map[string]string{}, codes: map[string]*code{}, tokens: fakeapi.Tokens[*grant]{Prefix: "THAA", Bytes: 20},
		containers: map[string]*container{}, Limits: fakeapi.Limits{Window: time.Hour, Aligned: true}}
	// Threads answers a token the user withdrew in its settings with
	// Graph's subcode 460; it has no refresh tokens.
	s.Keys = fakeapi.NewKeys(&s.mu, func() time.Time { return s.Now() }, fakeapi.AsRevoked, &s.tokens, nil)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/authorize", s.authorize)
	mux.HandleFunc("POST /oauth/access_token", s.exchangeCode)
	mux.HandleFunc("GET /access_token", s.exchangeLong)
	mux.HandleFunc("GET /refresh_access_token", s.refreshToken)
	mux.HandleFunc("GET /v1.0/me", s.me)
	mux.HandleFunc("POST /v1.0/{uid}/threads", s.createContainer)
	mux.HandleFunc("GET /v1.0/{uid}/threads", s.listThreads)
	mux.HandleFunc("POST /v1.0/{uid}/threads_publish", s.publish)
	mux.HandleFunc("GET /v1.0/{uid}/threads_publishing_limit", s.publishingLimit)
	mux.HandleFunc("GET /v1.0/{id}", s.object)
	s.Server = fakeapi.Start(mux)
	return s
}

// AuthURL and TokenURL are the fake's authorization window and code
// exchange; the fake's URL is the Graph host.
func (s *Server) AuthURL() string  { return s.URL + "/oauth/authorize" }
func (s *Server) TokenURL() string { return s.URL + "/oauth/access_token" }

func (s *Server) next() string {
	s.seq += 1 + s.seq%3
	return strconv.FormatInt(s.seq, 10)
}

// AddUser creates a profile and makes it the one the authorization window
// signs in.
func (s *Server) AddUser(username string) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := &User{ID: s.next(), Username: username}
	s.users[u.ID] = u
	s.signedIn = u.ID
	return *u
}

// AddClient registers a Threads app id and secret.
func (s *Server) AddClient(id, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[id] = secret
}

// Issue gives userID a long-lived token issued at issued, as a completed
// sign-in and exchange would have.
func (s *Server) Issue(userID, clientID string, scopes []string, issued time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issue(grant{Grant: fakeapi.Grant{UserID: userID, ClientID: clientID, Scopes: scopes, Expiry: issued.Add(LongTTL)}, issued: issued, long: true})
}

func (s *Server) issue(g grant) string { return s.tokens.Issue(&g) }

// AddThreads records n posts published now by userID (to use up the
// quota).
func (s *Server) AddThreads(userID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.threads = append(s.threads, &Thread{ID: s.next(), UserID: userID, MediaType: "TEXT_POST", Text: "earlier " + s.next(), Timestamp: s.Now()})
	}
}

// Threads returns the published posts, oldest first.
func (s *Server) Threads() []Thread { return fakeapi.Copies(&s.mu, &s.threads) }

// auth checks the token (the access_token parameter or a bearer header)
// and the permissions, and counts the call against endpoint's limit.
func (s *Server) auth(w http.ResponseWriter, r *http.Request, endpoint string, perms ...string) *grant {
	tok := r.URL.Query().Get("access_token")
	if tok == "" {
		tok = r.PostFormValue("access_token")
	}
	if tok == "" {
		tok, _ = fakeapi.Bearer(r)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, bad := s.tokens.Check(tok, s.Now())
	switch {
	case metatest.RefuseToken(w, bad):
		return nil
	case bad == fakeapi.Revoked:
		metatest.Error(w, http.StatusBadRequest, 190, 460, "OAuthException", "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.")
		return nil
	case bad == fakeapi.Expired:
		metatest.Error(w, http.StatusBadRequest, 190, 463, "OAuthException", "Error validating access token: Session has expired on "+g.Expiry.UTC().Format("Monday, 02-Jan-06 15:04:05 MST")+".")
		return nil
	}
	if missing := g.Missing(perms...); len(missing) > 0 {
		metatest.Error(w, http.StatusForbidden, 10, 0, "OAuthException", "Application does not have permission for this action: the user has not granted "+missing[0])
		return nil
	}
	if _, _, over := s.Take(endpoint, g.UserID, s.Now()); over {
		metatest.Error(w, http.StatusTooManyRequests, 4, 0, "OAuthException", "Application request limit reached")
		return nil
	}
	gg := *g
	return &gg
}
