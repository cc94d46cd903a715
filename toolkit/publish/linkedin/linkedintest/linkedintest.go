// Package linkedintest is a fake LinkedIn for tests: the OAuth 2.0
// 3-legged flow (authorization page, code exchange with the client
// secret, programmatic refresh tokens), the versioned REST API's Posts
// (create, find by author), Images (initializeUpload, the upload URL,
// image status) and Organization Access Control, written from LinkedIn's
// public reference and following it where a publisher can tell the
// difference: the LinkedIn-Version and X-Restli-Protocol-Version headers,
// the scopes, URNs, the post's URN in the x-restli-id header, the error
// body ({"status", "serviceErrorCode", "code", "message"}), 429 for a
// used-up daily limit, and commentary in the "little" text format, where
// an unescaped reserved character cuts the text short.
//
// References followed (2026):
//
//	https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
//	https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api
//	https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format
//	https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-access-control-by-role
//	https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
//	https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens
//	https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling
//	https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits
//	https://learn.microsoft.com/en-us/linkedin/marketing/versioning
//
// Where the reference gives no exact wording (the refusal of a duplicate
// or of an over-long commentary, a missing version header), the fake's
// words are its own; the status codes and body shape are LinkedIn's.
package linkedintest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/fakeapi"
)

// Limits the fake enforces, from the Posts and Images references.
const (
	MaxCommentary = 3000     // characters of commentary
	MaxAltText    = 4086     // characters of an image's altText
	MaxImages     = 20       // images of a multiImage post (2 to 20)
	MaxPixels     = 36152320 // width × height of an image
)

// Member is a LinkedIn member who can sign in.
type Member struct {
	URN  string // urn:li:person:…
	Name string
}

// Organization is a LinkedIn page.
type Organization struct {
	ID   int64
	Name string
}

// URN returns urn:li:organization:ID.
func (o Organization) URN() string { return "urn:li:organization:" + strconv.FormatInt(o.ID, 10) }

// Post is a post the fake accepted.
type Post struct {
	URN        string // urn:li:share:…
	Author     string
	Commentary string // as sent, in the little text format
	Shown      string // what members see: unescaped, cut at the first unescaped reserved character
	Images     []string
	AltTexts   []string
	CreatedAt  time.Time
}

// grant is what a LinkedIn token allows; LinkedIn adds nothing to what
// every fake records. UserID is the member's URN.
type grant = fakeapi.Grant

type code struct {
	grant
	redirect string
	used     bool
}

type client struct {
	secret  string
	refresh bool // LinkedIn gives programmatic refresh tokens to approved partners only
}

type upload struct {
	urn, owner string
	uploaded   bool
	data       []byte
	polls      int
}

// Server is the fake. Create it with New; set its fields before use.
// SetRateLimit counts per member per UTC day, as LinkedIn's daily limits
// do, and LoseAnswers loses the answers to POST /rest/posts.
type Server struct {
	*fakeapi.Server
	fakeapi.Lossy
	fakeapi.Limits
	// Keys gives Expire and Revoke (of a member's URN).
	fakeapi.Keys[*grant]

	// Now is the fake's clock (default time.Now).
	Now func() time.Time
	// TokenTTL is the lifetime of access tokens (LinkedIn: 60 days).
	TokenTTL time.Duration
	// OldestVersion is the oldest LinkedIn-Version still served; older
	// ones are sunset and answered 426.
	OldestVersion string
	// ProcessingPolls is how many image status reads answer PROCESSING
	// before AVAILABLE (default 1).
	ProcessingPolls int

	mu       sync.Mutex
	seq      int64
	members  map[string]*Member
	signedIn string
	orgs     map[int64]*Organization
	roles    map[string]map[string]string // member -> org URN -> role
	clients  map[string]*client
	codes    map[string]*code
	access   fakeapi.Tokens[*grant]
	refresh  fakeapi.Tokens[*grant]
	images   map[string]*upload
	uploads  map[string]string // upload token -> image URN
	posts    []*Post
}

// New starts a fake LinkedIn on a loopback port. Close it when done.
func New() *Server {
	s := &Server{
		Now: time.Now, TokenTTL: 60 * 24 * time.Hour, OldestVersion: "202506", ProcessingPolls: 1,
		seq:     7400000000000000000,
		members: map[string]*Member{}, orgs: map[int64]*Organization{}, roles: map[string]map[string]string{},
		clients: map[string]*client{}, codes: map[string]*code{},
		access: fakeapi.Tokens[*grant]{Prefix: "AQV", Bytes: 16}, refresh: fakeapi.Tokens[*grant]{Prefix: "AQX", Bytes: 16},
		images: map[string]*upload{}, uploads: map[string]string{},
		Limits: fakeapi.Limits{Window: 24 * time.Hour, Aligned: true},
	}
	// LinkedIn answers a token the member withdrew in their settings 401
	// REVOKED_ACCESS_TOKEN.
	s.Keys = fakeapi.NewKeys(&s.mu, func() time.Time { return s.Now() }, fakeapi.AsRevoked, &s.access, &s.refresh)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/v2/authorization", s.authorize)
	mux.HandleFunc("POST /oauth/v2/accessToken", s.token)
	mux.HandleFunc("POST /rest/posts", s.createPost)
	mux.HandleFunc("GET /rest/posts", s.findPosts)
	mux.HandleFunc("POST /rest/images", s.initializeUpload)
	mux.HandleFunc("GET /rest/images/{urn}", s.getImage)
	mux.HandleFunc("PUT /upload/{token}", s.upload)
	mux.HandleFunc("GET /rest/organizationAcls", s.acls)
	mux.HandleFunc("GET /rest/organizations/{id}", s.organization)
	s.Server = fakeapi.Start(mux)
	return s
}

// AuthURL and TokenURL are the fake's OAuth endpoints.
func (s *Server) AuthURL() string  { return s.URL + "/oauth/v2/authorization" }
func (s *Server) TokenURL() string { return s.URL + "/oauth/v2/accessToken" }

func (s *Server) next() int64 {
	s.seq += 1 + s.seq%5
	return s.seq
}

// AddMember creates a member and makes it the one the authorization page
// signs in.
func (s *Server) AddMember(name string) Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := &Member{URN: "urn:li:person:" + fakeapi.RandHex(5), Name: name}
	s.members[m.URN] = m
	s.signedIn = m.URN
	return *m
}

// AddOrganization creates a page; member gets role on it (ADMINISTRATOR,
// CONTENT_ADMINISTRATOR, DIRECT_SPONSORED_CONTENT_POSTER, ANALYST, …).
func (s *Server) AddOrganization(name, member, role string) Organization {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := &Organization{ID: 10000000 + s.next()%9000000, Name: name}
	s.orgs[o.ID] = o
	if s.roles[member] == nil {
		s.roles[member] = map[string]string{}
	}
	s.roles[member][o.URN()] = role
	return *o
}

// AddClient registers an app with its secret; refresh says whether it
// gets programmatic refresh tokens.
func (s *Server) AddClient(id, secret string, refresh bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[id] = &client{secret: secret, refresh: refresh}
}

// Issue gives member a token as a completed sign-in would.
func (s *Server) Issue(member, clientID string, scopes []string) (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issue(grant{UserID: member, ClientID: clientID, Scopes: scopes})
}

func (s *Server) issue(g grant) (access, refresh string) {
	ag := g
	ag.Expiry = s.Now().Add(s.TokenTTL)
	access = s.access.Issue(&ag)
	if c := s.clients[g.ClientID]; c != nil && c.refresh {
		rg := g
		rg.Expiry = s.Now().Add(365 * 24 * time.Hour)
		refresh = s.refresh.Issue(&rg)
	}
	return access, refresh
}

// Posts returns the accepted posts, oldest first.
func (s *Server) Posts() []Post { return fakeapi.Copies(&s.mu, &s.posts) }

// apiError writes LinkedIn's error body.
func apiError(w http.ResponseWriter, status, serviceCode int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	body := map[string]any{"status": status, "message": msg}
	if serviceCode != 0 {
		body["serviceErrorCode"] = serviceCode
	}
	if code != "" {
		body["code"] = code
	}
	json.NewEncoder(w).Encode(body)
}

var versionRe = regexp.MustCompile(`^\d{6}(\.\d{2})?$`)

// auth checks the versioning headers, the bearer token and its scopes
// (any one of scopes suffices), and counts the call against endpoint's
// daily limit. It writes the refusal and returns nil when the request
// may not go on.
func (s *Server) auth(w http.ResponseWriter, r *http.Request, endpoint, resource string, scopes ...string) *grant {
	v := r.Header.Get("LinkedIn-Version")
	switch {
	case v == "":
		apiError(w, http.StatusBadRequest, 0, "VERSION_MISSING", "A version must be present. Please specify a version by adding the LinkedIn-Version header.")
		return nil
	case !versionRe.MatchString(v):
		apiError(w, http.StatusBadRequest, 0, "INVALID_VERSION", "Invalid version format "+v+": use YYYYMM")
		return nil
	case v[:6] < s.OldestVersion:
		apiError(w, http.StatusUpgradeRequired, 0, "NONEXISTENT_VERSION", "Requested version "+v+" is not active")
		return nil
	}
	if r.Header.Get("X-Restli-Protocol-Version") != "2.0.0" {
		apiError(w, http.StatusBadRequest, 0, "", "Rest.li protocol version 2.0.0 is required: send X-Restli-Protocol-Version: 2.0.0")
		return nil
	}
	tok, _ := fakeapi.Bearer(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	g, bad := s.access.Check(tok, s.Now())
	switch bad {
	case fakeapi.NoToken:
		apiError(w, http.StatusUnauthorized, 401, "", "Empty oauth2_access_token")
		return nil
	case fakeapi.Unknown:
		apiError(w, http.StatusUnauthorized, 65600, "INVALID_ACCESS_TOKEN", "Invalid access token")
		return nil
	case fakeapi.Revoked:
		apiError(w, http.StatusUnauthorized, 65601, "REVOKED_ACCESS_TOKEN", "The token used in the request has been revoked by the user")
		return nil
	case fakeapi.Expired:
		apiError(w, http.StatusUnauthorized, 65602, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired")
		return nil
	}
	// any one of scopes suffices
	if len(scopes) > 0 && len(g.Missing(scopes...)) == len(scopes) {
		apiError(w, http.StatusForbidden, 100, "ACCESS_DENIED", "Not enough permissions to access: "+resource+"."+v)
		return nil
	}
	if _, _, over := s.Take(endpoint, g.UserID, s.Now()); over {
		apiError(w, http.StatusTooManyRequests, 0, "", "Resource level throttle MEMBER DAY limit for calls to this resource is reached.")
		return nil
	}
	gg := *g
	return &gg
}

// canPost reports whether member's role on org allows posting as it:
// w_organization_social is restricted to these roles.
func (s *Server) canPost(member, org string) bool {
	switch s.roles[member][org] {
	case "ADMINISTRATOR", "CONTENT_ADMINISTRATOR", "DIRECT_SPONSORED_CONTENT_POSTER":
		return true
	}
	return false
}

func (s *Server) orgByURN(urn string) *Organization {
	id, err := strconv.ParseInt(strings.TrimPrefix(urn, "urn:li:organization:"), 10, 64)
	if err != nil || !strings.HasPrefix(urn, "urn:li:organization:") {
		return nil
	}
	return s.orgs[id]
}

func (s *Server) String() string { return fmt.Sprintf("linkedintest at %s", s.URL) }
