package fakeapi

import (
	"net/http"
	"net/url"
	"slices"
	"sync"
)

// Consent is a fake's OAuth consent page, where the signed-in user always
// agrees. What every network's page does alike is here: it shows an error
// page instead of redirecting when the app is unknown or redirect_uri is
// not a loopback URL, redirects back with an error and the state when it
// refuses a request, and with a code and the state when it takes one. Which
// requests a network refuses, and in what words, is in the fields its fake
// fills in.
type Consent struct {
	// Lock is the fake's lock, held around Who and Store.
	Lock sync.Locker
	// Who returns whether clientID is an app the fake knows, and who is
	// signed in ("" when nobody is).
	Who func(clientID string) (known bool, user string)
	// HTTPOnly refuses an https redirect_uri too (X, LinkedIn).
	HTTPOnly bool
	// Blocked is the text of the network's error page for an unknown app
	// or a redirect_uri it does not take.
	Blocked string
	// Scopes splits the scope parameter as the network does.
	Scopes func(param string) []string
	// Refuse returns the error fields of a request the network refuses
	// before it looks at each scope, in the network's order of checks;
	// nil when it goes on.
	Refuse func(q url.Values, scopes []string, user string) url.Values
	// Known are the scopes the network knows; UnknownScope returns the
	// error fields for one that is not among them.
	Known        []string
	UnknownScope func(scope string) url.Values
	// Store records code, a new one, as given to user for the request.
	Store func(code string, q url.Values, user string, scopes []string)
	// Fragment is set on the redirect that carries the code (Threads
	// appends #_).
	Fragment string
}

// ServeHTTP answers a request to the consent page.
func (c Consent) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c.Lock.Lock()
	known, user := c.Who(q.Get("client_id"))
	c.Lock.Unlock()
	redirect, ok := Loopback(q.Get("redirect_uri"))
	if !known || !ok || (c.HTTPOnly && redirect.Scheme != "http") {
		http.Error(w, c.Blocked, http.StatusBadRequest)
		return
	}
	fail := func(v url.Values) {
		v.Set("state", q.Get("state"))
		Redirect(w, r, redirect, v)
	}
	scopes := c.Scopes(q.Get("scope"))
	if v := c.Refuse(q, scopes, user); v != nil {
		fail(v)
		return
	}
	for _, sc := range scopes {
		if !slices.Contains(c.Known, sc) {
			fail(c.UnknownScope(sc))
			return
		}
	}
	code := RandHex(16)
	c.Lock.Lock()
	c.Store(code, q, user, scopes)
	c.Lock.Unlock()
	back := url.Values{"code": {code}}
	if st := q.Get("state"); st != "" {
		back.Set("state", st)
	}
	if c.Fragment != "" {
		redirect.Fragment = c.Fragment
	}
	Redirect(w, r, redirect, back)
}

// OAuthRefusal is the error fields of a consent page's redirect as RFC
// 6749 section 4.1.2.1 shapes them, which X and LinkedIn both follow.
func OAuthRefusal(code, desc string) url.Values {
	return url.Values{"error": {code}, "error_description": {desc}}
}

// Who is a Consent's Who for a fake that keeps its apps by client id in
// apps and whoever is signed in at *signedIn. Consent calls it holding
// the fake's lock.
func Who[A any](apps map[string]A, signedIn *string) func(clientID string) (known bool, user string) {
	return func(clientID string) (bool, string) {
		_, known := apps[clientID]
		return known, *signedIn
	}
}

// TokenForm returns the form of a request to a token endpoint. When the
// body cannot be read it writes the refusal RFC 6749 section 5.2 gives
// (invalid_request), which X and LinkedIn both follow, and returns false.
func TokenForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if err := r.ParseForm(); err != nil {
		OAuthError(w, http.StatusBadRequest, "invalid_request", "malformed form")
		return nil, false
	}
	return r.PostForm, true
}
