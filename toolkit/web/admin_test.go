package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const token = "s3cret-admin-token-for-tests"

func TestAdminOffWithoutToken(t *testing.T) {
	ts := newTestServer(t, nil)
	res := ts.get(t, "/admin")
	if res.status != 404 || !bytes.Contains(res.body, []byte("switched off")) {
		t.Errorf("status %d, want 404 saying the dashboard is off:\n%s", res.status, res.body)
	}
	res = ts.do(t, mustRequest(t, "POST", ts.url+"/admin/login", "token=", "Content-Type", "application/x-www-form-urlencoded"))
	if res.status != 404 {
		t.Errorf("login: status %d, want 404", res.status)
	}
}

func TestAdminBearer(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.AdminToken = token })
	cases := []struct {
		name, method, path, auth string
		want                     int
	}{
		{"no token", "GET", "/admin", "", 401},
		{"wrong token", "GET", "/admin", "Bearer nope", 401},
		{"not bearer", "GET", "/admin", "Basic " + token, 401},
		{"right token", "GET", "/admin", "Bearer " + token, 200},
		{"post without token", "POST", "/admin/posts/p-planned/cancel", "", 401},
		{"post with wrong token", "POST", "/admin/posts/p-planned/cancel", "Bearer x" + token, 401},
		{"cancel with token", "POST", "/admin/posts/p-planned/cancel", "Bearer " + token, 303},
		{"unknown post", "POST", "/admin/posts/nope/cancel", "Bearer " + token, 404},
		{"unknown action", "POST", "/admin/posts/p-failed/explode", "Bearer " + token, 404},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := mustRequest(t, c.method, ts.url+c.path, "")
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			res := ts.do(t, req)
			if res.status != c.want {
				t.Errorf("status %d, want %d", res.status, c.want)
			}
			if bytes.Contains(res.body, []byte(token)) {
				t.Errorf("the token appears in the page")
			}
		})
	}
	if got, want := ts.store.calls(), "cancelled p-planned"; got != want {
		t.Errorf("store calls %q, want %q", got, want)
	}
}

// signIn goes through the form and returns the session cookie and the
// dashboard's CSRF token.
func signIn(t *testing.T, ts *testServer) (*http.Cookie, string) {
	t.Helper()
	return signInWith(t, ts, token)
}

// signInWith signs in with the admin token tok.
func signInWith(t *testing.T, ts *testServer, tok string) (*http.Cookie, string) {
	t.Helper()
	login := ts.get(t, "/admin")
	if login.status != 401 {
		t.Fatalf("GET /admin unsigned: %d", login.status)
	}
	pre := cookieOf(t, login.header)
	form := url.Values{"csrf": {csrfOf(t, login.body)}, "token": {tok}}
	req := mustRequest(t, "POST", ts.url+"/admin/login", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(pre)
	res := ts.do(t, req)
	if res.status != 303 {
		t.Fatalf("login: status %d:\n%s", res.status, res.body)
	}
	c := cookieOf(t, res.header)
	if c.Value == pre.Value {
		t.Error("the session id did not change at sign-in")
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/admin" {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Strict, Path=/admin", c)
	}
	req = mustRequest(t, "GET", ts.url+"/admin", "")
	req.AddCookie(c)
	dash := ts.do(t, req)
	if dash.status != 200 {
		t.Fatalf("dashboard: %d", dash.status)
	}
	return c, csrfOf(t, dash.body)
}

func cookieOf(t *testing.T, h http.Header) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", sessionCookie, h)
	return nil
}

func TestAdminSignInAndCSRF(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.AdminToken = token; o.RateBurst = 100 })
	cookie, csrf := signIn(t, ts)

	req := mustRequest(t, "GET", ts.url+"/admin", "")
	req.AddCookie(cookie)
	dash := ts.do(t, req)
	for _, want := range []string{"2026-12-18", "2026-12-17", "bluesky: 401 invalid credentials", "p-planned", "Pause publishing", "/admin/posts/p-planned/cancel", "/admin/posts/p-failed/retry"} {
		if !strings.Contains(string(dash.body), want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if strings.Contains(string(dash.body), token) {
		t.Error("the token appears on the dashboard")
	}
	// a published post links to where it is, or says so when a browser
	// cannot open it from here (the outbox's files)
	for _, want := range []string{`<a href="https://mastodon.example/@iom/1" rel="noreferrer">link</a>`, `<code class="where">file:///srv/state/outbox/p-outbox</code>`} {
		if !strings.Contains(string(dash.body), want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if strings.Contains(string(dash.body), "ZgotmplZ") {
		t.Error("the dashboard has a URL html/template refused")
	}

	post := func(path string, form url.Values) int {
		req := mustRequest(t, "POST", ts.url+path, form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(cookie)
		return ts.do(t, req).status
	}
	cases := []struct {
		name, path string
		form       url.Values
		want       int
	}{
		{"cancel without CSRF token", "/admin/posts/p-planned/cancel", url.Values{}, 403},
		{"cancel with a wrong CSRF token", "/admin/posts/p-planned/cancel", url.Values{"csrf": {"x" + csrf}}, 403},
		{"pause without CSRF token", "/admin/pause", nil, 403},
		{"cancel", "/admin/posts/p-planned/cancel", url.Values{"csrf": {csrf}}, 303},
		{"retry", "/admin/posts/p-failed/retry", url.Values{"csrf": {csrf}}, 303},
		{"pause", "/admin/pause", url.Values{"csrf": {csrf}}, 303},
		{"resume", "/admin/resume", url.Values{"csrf": {csrf}}, 303},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := post(c.path, c.form); got != c.want {
				t.Errorf("status %d, want %d", got, c.want)
			}
		})
	}
	if got, want := ts.store.calls(), "cancelled p-planned,planned p-failed,pause,resume"; got != want {
		t.Errorf("store calls %q, want %q", got, want)
	}
	if got := post("/admin/logout", url.Values{"csrf": {csrf}}); got != 303 {
		t.Errorf("logout: %d", got)
	}
	req = mustRequest(t, "GET", ts.url+"/admin", "")
	req.AddCookie(cookie)
	if got := ts.do(t, req).status; got != 401 {
		t.Errorf("after logout: %d, want 401", got)
	}
}

func TestAdminLoginRefusals(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.AdminToken = token; o.RateBurst = 100 })
	login := ts.get(t, "/admin")
	pre := cookieOf(t, login.header)
	csrf := csrfOf(t, login.body)
	cases := []struct {
		name   string
		form   url.Values
		cookie bool
		want   int
	}{
		{"no CSRF token", url.Values{"token": {token}}, true, 403},
		{"no session cookie", url.Values{"csrf": {csrf}, "token": {token}}, false, 403},
		{"wrong token", url.Values{"csrf": {csrf}, "token": {"guess"}}, true, 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := mustRequest(t, "POST", ts.url+"/admin/login", c.form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
			if c.cookie {
				req.AddCookie(pre)
			}
			res := ts.do(t, req)
			if res.status != c.want {
				t.Errorf("status %d, want %d", res.status, c.want)
			}
			if bytes.Contains(res.body, []byte(token)) {
				t.Error("the token appears in the page")
			}
		})
	}
	// the sessions expire
	cookie, _ := signIn(t, ts)
	ts.clock.Advance(13 * 60 * 60 * 1e9)
	req := mustRequest(t, "GET", ts.url+"/admin", "")
	req.AddCookie(cookie)
	if got := ts.do(t, req).status; got != 401 {
		t.Errorf("after 13 h: %d, want 401", got)
	}
}
