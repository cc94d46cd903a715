// Package metatest is the part of a fake Meta Graph API that Facebook
// Pages and Instagram share: apps, people, Pages and the Instagram
// accounts linked to them; Facebook Login (the OAuth dialog, the code
// exchange, the long-lived token exchange); GET /me, /me/accounts and
// /debug_token; Meta's error body; permissions; and rate limits with the
// usage headers. facebooktest and instagramtest add their network's
// endpoints to its Mux.
//
// References followed (2026):
//
//	https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
//	https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
//	https://developers.facebook.com/docs/facebook-login/guides/access-tokens/debugging
//	https://developers.facebook.com/docs/pages-api/getting-started
//	https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/page
//	https://developers.facebook.com/docs/graph-api/guides/error-handling
//	https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
//
// Where a reference gives the shape but not the wording of a refusal, the
// wording is the fake's own; codes and subcodes follow the error-handling
// reference.
package metatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/fakeapi"
)

// Version is the Graph API version the fake answers under; any "/vNN.N"
// prefix is accepted.
const Version = "v25.0"

// Lifetimes of the tokens Facebook Login gives.
const (
	ShortTTL = 2 * time.Hour
	LongTTL  = 60 * 24 * time.Hour
)

// KnownPermissions are the permissions the fake's login dialog accepts.
var KnownPermissions = []string{"public_profile", "email", "pages_show_list", "pages_read_engagement",
	"pages_manage_posts", "pages_manage_metadata", "pages_manage_engagement", "pages_read_user_engagement",
	"instagram_basic", "instagram_content_publish", "instagram_manage_comments", "business_management",
	"ads_management", "ads_read", "publish_video"}

// User is a person who signs in.
type User struct{ ID, Name string }

// Page is a Facebook Page, and the Instagram professional account linked
// to it when IGUserID is set.
type Page struct {
	ID, Name, Owner      string
	IGUserID, IGUsername string
}

// Grant is what a token allows: what every fake records (ClientID is
// the app id), and what Meta adds: the Page of a Page token, and whether
// the token is long-lived.
type Grant struct {
	fakeapi.Grant
	PageID string // set for a Page token
	Long   bool
}

// Has reports whether the grant has every permission of perms.
func (g *Grant) Has(perms ...string) bool { return len(g.Missing(perms...)) == 0 }

type code struct {
	grant    Grant
	redirect string
	used     bool
	expiry   time.Time
}

// Limit is a rate limit on one endpoint.
type Limit struct {
	PerHour int
	Code    int // 4, 17, 32, 613, 80001...
	Message string
	// Regain is what X-Business-Use-Case-Usage says once it is used up
	// (estimated_time_to_regain_access); 0 sends X-App-Usage only.
	Regain time.Duration
	used   int
	reset  time.Time
}

// Server is the fake. Create it with New; set its fields before use.
type Server struct {
	*fakeapi.Server
	// Mux takes the network's routes ("POST /{ver}/{id}/feed").
	Mux *http.ServeMux
	// Now is the fake's clock (default time.Now).
	Now func() time.Time
	// Keys gives Expire and Revoke.
	fakeapi.Keys[*Grant]

	mu       sync.Mutex
	seq      int64
	apps     map[string]string // id -> secret
	users    map[string]*User
	pages    map[string]*Page
	signedIn string
	denyNext bool
	codes    map[string]*code
	tokens   fakeapi.Tokens[*Grant]
	limits   map[string]*Limit
}

// New starts a fake Graph API on a loopback port.
func New() *Server {
	s := &Server{Now: time.Now, seq: 100000000000000, apps: map[string]string{}, users: map[string]*User{},
		pages: map[string]*Page{}, codes: map[string]*code{}, tokens: fakeapi.Tokens[*Grant]{Prefix: "EAA", Bytes: 20}, limits: map[string]*Limit{}}
	// Meta answers a token whose person removed the app in their Business
	// Integrations settings with subcode 458; it has no
	// refresh tokens.
	s.Keys = fakeapi.NewKeys(&s.mu, s.now, fakeapi.AsRevoked, &s.tokens, nil)
	s.Mux = http.NewServeMux()
	s.Mux.HandleFunc("GET /{ver}/dialog/oauth", s.dialog)
	s.Mux.HandleFunc("GET /{ver}/oauth/access_token", s.accessToken)
	s.Mux.HandleFunc("GET /{ver}/me", s.me)
	s.Mux.HandleFunc("GET /{ver}/me/accounts", s.accounts)
	s.Mux.HandleFunc("GET /{ver}/debug_token", s.debugToken)
	s.Server = fakeapi.Start(s.Mux)
	return s
}

// DialogURL is the fake's login dialog; GraphURL its versioned API base.
func (s *Server) DialogURL() string { return s.URL + "/" + Version + "/dialog/oauth" }
func (s *Server) GraphURL() string  { return s.URL + "/" + Version }

func (s *Server) now() time.Time { return s.Now() }

// NextID returns a fresh numeric id.
func (s *Server) NextID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextID()
}

func (s *Server) nextID() string {
	s.seq += 1 + s.seq%13
	return strconv.FormatInt(s.seq, 10)
}

// AddApp registers a Meta app.
func (s *Server) AddApp(id, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[id] = secret
}

// AddUser creates a person and makes them the one the dialog signs in.
func (s *Server) AddUser(name string) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := &User{ID: s.nextID(), Name: name}
	s.users[u.ID] = u
	s.signedIn = u.ID
	return *u
}

// AddPage creates a Page that userID manages.
func (s *Server) AddPage(userID, name string) Page {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := &Page{ID: s.nextID(), Name: name, Owner: userID}
	s.pages[p.ID] = p
	return *p
}

// LinkInstagram links a new Instagram professional account to the Page
// and returns its id.
func (s *Server) LinkInstagram(pageID, username string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pages[pageID]
	p.IGUserID, p.IGUsername = "1784"+s.nextID(), username
	return p.IGUserID
}

// PageOf returns the Page with id, or the one linked to the Instagram
// account with that id.
func (s *Server) PageOf(id string) (Page, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.pages {
		if p.ID == id || p.IGUserID == id {
			return *p, true
		}
	}
	return Page{}, false
}

// DenyNext makes the dialog's next visitor refuse the app.
func (s *Server) DenyNext() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denyNext = true
}

// IssueUser gives userID a user token of appID with scopes, long-lived
// (60 days) or not (2 hours).
func (s *Server) IssueUser(userID, appID string, scopes []string, long bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issue(Grant{Grant: fakeapi.Grant{UserID: userID, ClientID: appID, Scopes: scopes}, Long: long})
}

// IssuePage gives a Page token derived from the user token userTok, as
// GET /me/accounts does.
func (s *Server) IssuePage(pageID, userTok string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ug := s.tokens.Get(userTok)
	return s.issue(Grant{Grant: fakeapi.Grant{UserID: ug.UserID, ClientID: ug.ClientID, Scopes: ug.Scopes}, PageID: pageID, Long: ug.Long})
}

func (s *Server) issue(g Grant) string {
	switch {
	case g.PageID != "" && g.Long:
		// a Page token from a long-lived user token does not expire
	case g.Long:
		g.Expiry = s.now().Add(LongTTL)
	default:
		g.Expiry = s.now().Add(ShortTTL)
	}
	return s.tokens.Issue(&g)
}

// SetLimit limits endpoint ("POST /{id}/feed") to l.PerHour calls per hour.
func (s *Server) SetLimit(endpoint string, l Limit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits[endpoint] = &l
}

// Error writes Meta's error body.
func Error(w http.ResponseWriter, status, code, subcode int, typ, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	e := map[string]any{"message": message, "type": typ, "code": code, "fbtrace_id": "A" + fakeapi.RandHex(8)}
	if subcode != 0 {
		e["error_subcode"] = subcode
	}
	json.NewEncoder(w).Encode(map[string]any{"error": e})
}

// Invalid writes Meta's refusal of a parameter (code 100).
func Invalid(w http.ResponseWriter, subcode int, message string) {
	Error(w, http.StatusBadRequest, 100, subcode, "OAuthException", message)
}

// RefuseToken writes Graph API's refusal of a request whose token is
// missing or unknown, which Facebook, Instagram and Threads answer alike,
// and reports whether it wrote one. A revoked or expired token each
// network refuses in its own words.
func RefuseToken(w http.ResponseWriter, bad fakeapi.Problem) bool {
	switch bad {
	case fakeapi.NoToken:
		Error(w, http.StatusBadRequest, 2500, 0, "OAuthException", "An active access token must be used to query information about the current user.")
		return true
	case fakeapi.Unknown:
		Error(w, http.StatusBadRequest, 190, 0, "OAuthException", "Invalid OAuth access token - Cannot parse access token")
		return true
	}
	return false
}

// tokenOf reads the access token as Graph API takes it: the
// Authorization header or the access_token parameter.
func tokenOf(r *http.Request) string {
	if t, ok := fakeapi.Bearer(r); ok {
		return t
	}
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "OAuth "); ok {
		return t
	}
	if t := r.URL.Query().Get("access_token"); t != "" {
		return t
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		r.ParseForm()
		return r.PostForm.Get("access_token")
	}
	return ""
}

// Auth checks the request's token, counts it against endpoint's limit,
// and checks perms. It writes Meta's refusal and returns nil when the
// request may not go on.
func (s *Server) Auth(w http.ResponseWriter, r *http.Request, endpoint string, perms ...string) *Grant {
	tok := tokenOf(r)
	s.mu.Lock()
	now := s.now()
	g, bad := s.tokens.Check(tok, now)
	var gg Grant
	if g != nil {
		gg = *g
	}
	if bad != fakeapi.Valid {
		s.mu.Unlock()
		switch {
		case RefuseToken(w, bad):
		case bad == fakeapi.Revoked:
			Error(w, http.StatusBadRequest, 190, 458, "OAuthException", "Error validating access token: The user has not authorized application "+gg.ClientID+".")
		case bad == fakeapi.Expired:
			Error(w, http.StatusBadRequest, 190, 463, "OAuthException", fmt.Sprintf("Error validating access token: Session has expired on %s. The current time is %s.",
				gg.Expiry.UTC().Format("Monday, 02-Jan-06 15:04:05 MST"), now.UTC().Format("Monday, 02-Jan-06 15:04:05 MST")))
		}
		return nil
	}
	if l := s.limits[endpoint]; l != nil {
		if l.reset.IsZero() || !now.Before(l.reset) {
			l.used, l.reset = 0, now.Add(time.Hour)
		}
		l.used++
		pct := 100 * l.used / l.PerHour
		over := l.used > l.PerHour
		if l.Regain > 0 {
			regain := 0
			if over {
				regain = int(l.Regain / time.Minute)
			}
			buc, _ := json.Marshal(map[string]any{"1234567890": []any{map[string]any{"type": "pages", "call_count": pct,
				"total_cputime": pct / 4, "total_time": pct / 3, "estimated_time_to_regain_access": regain}}})
			w.Header().Set("X-Business-Use-Case-Usage", string(buc))
		} else {
			au, _ := json.Marshal(map[string]int{"call_count": pct, "total_cputime": pct / 4, "total_time": pct / 3})
			w.Header().Set("X-App-Usage", string(au))
		}
		if over {
			code, msg := l.Code, l.Message
			s.mu.Unlock()
			Error(w, http.StatusBadRequest, code, 0, "OAuthException", msg)
			return nil
		}
	}
	s.mu.Unlock()
	return &gg
}

// dialog plays the login dialog for the signed-in person, who agrees to
// everything asked unless DenyNext was called. Facebook Login matches
// redirect_uri against the app's Valid OAuth Redirect URIs; the fake
// takes any loopback one.
func (s *Server) dialog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	_, known := s.apps[q.Get("client_id")]
	user, deny := s.signedIn, s.denyNext
	s.denyNext = false
	s.mu.Unlock()
	redirect, ok := fakeapi.Loopback(q.Get("redirect_uri"))
	if !known || !ok || redirect.Scheme != "http" {
		http.Error(w, "URL blocked: This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings.", http.StatusBadRequest)
		return
	}
	back := func(v url.Values) {
		v.Set("state", q.Get("state"))
		fakeapi.Redirect(w, r, redirect, v)
	}
	if deny || user == "" {
		back(url.Values{"error": {"access_denied"}, "error_code": {"200"}, "error_description": {"Permissions error"}, "error_reason": {"user_denied"}})
		return
	}
	var scopes []string
	for _, f := range strings.FieldsFunc(q.Get("scope"), func(r rune) bool { return r == ',' || r == ' ' }) {
		known := false
		for _, k := range KnownPermissions {
			known = known || k == f
		}
		if !known {
			http.Error(w, "Invalid Scopes: "+f+". This message is only shown to developers.", http.StatusBadRequest)
			return
		}
		scopes = append(scopes, f)
	}
	c := fakeapi.RandHex(24)
	s.mu.Lock()
	s.codes[c] = &code{grant: Grant{Grant: fakeapi.Grant{UserID: user, ClientID: q.Get("client_id"), Scopes: append([]string{"public_profile"}, scopes...)}},
		redirect: q.Get("redirect_uri"), expiry: s.now().Add(10 * time.Minute)}
	s.mu.Unlock()
	back(url.Values{"code": {c}})
}

// accessToken answers GET /oauth/access_token: a code exchange, or
// grant_type=fb_exchange_token for a long-lived token.
func (s *Server) accessToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	secret, known := s.apps[q.Get("client_id")]
	if !known {
		Error(w, http.StatusBadRequest, 101, 0, "OAuthException", "Error validating application. Cannot get application info due to a system error.")
		return
	}
	if q.Get("client_secret") != secret {
		Error(w, http.StatusBadRequest, 1, 0, "OAuthException", "Error validating client secret.")
		return
	}
	if q.Get("grant_type") == "fb_exchange_token" {
		g := s.tokens.Get(q.Get("fb_exchange_token"))
		if g == nil || g.Revoked || g.PageID != "" || g.ClientID != q.Get("client_id") || (!g.Expiry.IsZero() && !s.now().Before(g.Expiry)) {
			Error(w, http.StatusBadRequest, 190, 0, "OAuthException", "Invalid OAuth access token - Cannot parse access token")
			return
		}
		ng := *g
		ng.Long = true
		tok := s.issue(ng)
		fakeapi.JSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int(LongTTL / time.Second)})
		return
	}
	c := s.codes[q.Get("code")]
	switch {
	case c == nil || !s.now().Before(c.expiry):
		Error(w, http.StatusBadRequest, 100, 36007, "OAuthException", "Invalid verification code format.")
		return
	case c.used:
		Error(w, http.StatusBadRequest, 100, 36009, "OAuthException", "This authorization code has been used.")
		return
	case c.redirect != q.Get("redirect_uri"):
		Error(w, http.StatusBadRequest, 100, 36008, "OAuthException", "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request")
		return
	case c.grant.ClientID != q.Get("client_id"):
		Error(w, http.StatusBadRequest, 100, 36008, "OAuthException", "Error validating verification code.")
		return
	}
	c.used = true
	tok := s.issue(c.grant)
	fakeapi.JSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int(ShortTTL / time.Second)})
}

// me answers GET /me: the person of a user token, the Page of a Page
// token.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	g := s.Auth(w, r, "GET /me")
	if g == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if g.PageID != "" {
		p := s.pages[g.PageID]
		fakeapi.JSON(w, http.StatusOK, map[string]string{"id": p.ID, "name": p.Name})
		return
	}
	u := s.users[g.UserID]
	fakeapi.JSON(w, http.StatusOK, map[string]string{"id": u.ID, "name": u.Name})
}

// accounts answers GET /me/accounts (pages_show_list): the Pages the
// person manages, each with a Page token, and the linked Instagram account
// when the fields ask for instagram_business_account.
func (s *Server) accounts(w http.ResponseWriter, r *http.Request) {
	g := s.Auth(w, r, "GET /me/accounts")
	if g == nil {
		return
	}
	if g.PageID != "" {
		Invalid(w, 0, "(#100) Tried accessing nonexisting field (accounts) on node type (Page)")
		return
	}
	if !g.Has("pages_show_list") {
		Error(w, http.StatusForbidden, 200, 0, "OAuthException", "(#200) Requires pages_show_list permission to manage the object")
		return
	}
	fields := r.URL.Query().Get("fields")
	userTok := tokenOf(r)
	s.mu.Lock()
	var pages []*Page
	for _, p := range s.pages {
		if p.Owner == g.UserID {
			pages = append(pages, p)
		}
	}
	s.mu.Unlock()
	data := []map[string]any{}
	for _, p := range pages {
		d := map[string]any{"id": p.ID, "name": p.Name, "category": "Nonprofit organization",
			"access_token": s.IssuePage(p.ID, userTok), "tasks": []string{"ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"}}
		if strings.Contains(fields, "instagram_business_account") && p.IGUserID != "" && g.Has("instagram_basic") {
			d["instagram_business_account"] = map[string]string{"id": p.IGUserID, "username": p.IGUsername}
		}
		data = append(data, d)
	}
	fakeapi.JSON(w, http.StatusOK, map[string]any{"data": data})
}

// debugToken answers GET /debug_token?input_token=&access_token=, the
// access_token being the app's own (app-id|app-secret).
func (s *Server) debugToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	appID, secret, _ := strings.Cut(q.Get("access_token"), "|")
	if want, ok := s.apps[appID]; !ok || want != secret {
		Error(w, http.StatusBadRequest, 190, 0, "OAuthException", "Invalid OAuth access token signature.")
		return
	}
	g := s.tokens.Get(q.Get("input_token"))
	if g == nil {
		fakeapi.JSON(w, http.StatusOK, map[string]any{"data": map[string]any{"is_valid": false, "error": map[string]any{"code": 190, "message": "Invalid OAuth access token."}, "scopes": []string{}}})
		return
	}
	d := map[string]any{"app_id": g.ClientID, "type": "USER", "application": "campaignkit test app",
		"is_valid": !g.Revoked && (g.Expiry.IsZero() || s.now().Before(g.Expiry)), "scopes": g.Scopes, "user_id": g.UserID,
		"expires_at": 0, "data_access_expires_at": s.now().Add(90 * 24 * time.Hour).Unix()}
	if !g.Expiry.IsZero() {
		d["expires_at"] = g.Expiry.Unix()
	}
	if g.PageID != "" {
		d["type"], d["profile_id"] = "PAGE", g.PageID
	}
	fakeapi.JSON(w, http.StatusOK, map[string]any{"data": d})
}
