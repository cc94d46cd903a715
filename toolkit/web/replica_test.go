package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

// TestReplicaSessions runs two servers over one store, as two replicas of
// `serve` behind a load balancer: a session signed in on A, and its CSRF
// token, act on B. A cookie that was tampered with, signed with another
// key, or expired is refused.
func TestReplicaSessions(t *testing.T) {
	clk := toolkittest.NewClock(time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC))
	shared := newFakeStore()
	replica := func(o *Options) {
		o.AdminToken, o.RateBurst, o.Store, o.Now = token, 100, shared, clk.Now
	}
	a, b := newTestServer(t, replica), newTestServer(t, replica)
	cookie, csrf := signIn(t, a)

	get := func(ts *testServer, c *http.Cookie) int {
		req := mustRequest(t, "GET", ts.url+"/admin", "")
		req.AddCookie(c)
		return ts.do(t, req).status
	}
	post := func(ts *testServer, c *http.Cookie, path, csrf string) int {
		form := url.Values{"csrf": {csrf}}
		req := mustRequest(t, "POST", ts.url+path, form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(c)
		return ts.do(t, req).status
	}
	if got := get(b, cookie); got != 200 {
		t.Errorf("A's session on B: %d, want 200", got)
	}
	if got := post(b, cookie, "/admin/posts/p-planned/cancel", csrf); got != 303 {
		t.Errorf("cancel on B with A's cookie and CSRF token: %d, want 303", got)
	}
	if got := post(a, cookie, "/admin/pause", csrf); got != 303 {
		t.Errorf("pause on A: %d, want 303", got)
	}
	if got, want := shared.calls(), "cancelled p-planned,pause"; got != want {
		t.Errorf("store calls %q, want %q", got, want)
	}
	// The CSRF token of another session is worth nothing with this one.
	other, otherCSRF := signIn(t, b)
	if got := post(b, cookie, "/admin/resume", otherCSRF); got != 403 {
		t.Errorf("resume with another session's CSRF token: %d, want 403", got)
	}
	if got := post(a, other, "/admin/resume", csrf); got != 403 {
		t.Errorf("resume with another session's CSRF token: %d, want 403", got)
	}

	// A sign-in form from A signs in on B.
	login := a.get(t, "/admin")
	form := url.Values{"csrf": {csrfOf(t, login.body)}, "token": {token}}
	req := mustRequest(t, "POST", b.url+"/admin/login", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookieOf(t, login.header))
	if got := b.do(t, req).status; got != 303 {
		t.Errorf("A's sign-in form posted to B: %d, want 303", got)
	}
	anonymous := cookieOf(t, login.header)

	parts := strings.Split(cookie.Value, ".")
	if len(parts) != 5 {
		t.Fatalf("cookie %q: want 5 dot-separated parts", cookie.Value)
	}
	tamper := func(i int, v string) *http.Cookie {
		p := append([]string(nil), parts...)
		p[i] = v
		return &http.Cookie{Name: sessionCookie, Value: strings.Join(p, ".")}
	}
	anonParts := strings.Split(anonymous.Value, ".")
	anonParts[1] = "a"
	stranger := newTestServer(t, func(o *Options) { o.AdminToken = "another-admin-token"; o.Now = clk.Now })
	foreign, _ := signInWith(t, stranger, "another-admin-token")
	for _, c := range []struct {
		name   string
		cookie *http.Cookie
	}{
		{"expiry stretched", tamper(2, "9999999999")},
		{"id changed", tamper(3, flipFirst(parts[3]))},
		{"signature changed", tamper(4, flipFirst(parts[4]))},
		{"signature dropped", &http.Cookie{Name: sessionCookie, Value: strings.Join(parts[:4], ".")}},
		{"anonymous made signed-in", &http.Cookie{Name: sessionCookie, Value: strings.Join(anonParts, ".")}},
		{"another version", tamper(0, "v0")},
		{"signed with another key", foreign},
		{"not a session", &http.Cookie{Name: sessionCookie, Value: "hello"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, ts := range []*testServer{a, b} {
				if got := get(ts, c.cookie); got != 401 {
					t.Errorf("GET: %d, want 401", got)
				}
				if got := post(ts, c.cookie, "/admin/resume", csrf); got != 401 {
					t.Errorf("POST: %d, want 401", got)
				}
			}
		})
	}

	// Signing out on B ends the session there and on A at once (the
	// browser drops the cookie too); the other session goes on.
	if got := post(b, other, "/admin/logout", otherCSRF); got != 303 {
		t.Errorf("sign-out: %d", got)
	}
	for name, ts := range map[string]*testServer{"A": a, "B": b} {
		if got := get(ts, other); got != 401 {
			t.Errorf("after sign-out on B, on %s: %d, want 401", name, got)
		}
		if got := get(ts, cookie); got != 200 {
			t.Errorf("another session on %s after the sign-out: %d, want 200", name, got)
		}
	}

	// Sessions expire on every replica.
	clk.Advance(13 * time.Hour)
	for name, ts := range map[string]*testServer{"A": a, "B": b} {
		if got := get(ts, cookie); got != 401 {
			t.Errorf("on %s after 13 h: %d, want 401", name, got)
		}
		if got := post(ts, cookie, "/admin/resume", csrf); got != 401 {
			t.Errorf("resume on %s after 13 h: %d, want 401", name, got)
		}
	}
	if got, want := shared.calls(), "cancelled p-planned,pause"; got != want {
		t.Errorf("store calls %q, want %q: a refused request acted", got, want)
	}
}

// TestSignOutEveryReplica runs two servers over one SQLite queue, each
// with a handle of its own as two `serve` processes have: a session signed
// in on A and signed out on A is refused on B, and on a replica started
// after the sign-out; a session signed in on B is untouched.
func TestSignOutEveryReplica(t *testing.T) {
	file := filepath.Join(t.TempDir(), queue.FileName)
	clk := toolkittest.NewClock(time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC))
	replica := func(o *Options) {
		st, err := queue.OpenSQLite(context.Background(), file)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		o.AdminToken, o.RateBurst, o.Now = token, 100, clk.Now
		o.Store = Queue{Store: st, Source: o.Campaign.Slug, Now: clk.Now}
	}
	a, b := newTestServer(t, replica), newTestServer(t, replica)
	cookie, csrf := signIn(t, a)
	other, _ := signIn(t, b)
	status := func(ts *testServer, method, path string, c *http.Cookie) int {
		t.Helper()
		req := mustRequest(t, method, ts.url+path, url.Values{"csrf": {csrf}}.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(c)
		return ts.do(t, req).status
	}
	if got := status(b, "GET", "/admin", cookie); got != 200 {
		t.Fatalf("A's session on B before the sign-out: %d, want 200", got)
	}
	if got := status(a, "POST", "/admin/logout", cookie); got != 303 {
		t.Fatalf("sign-out on A: %d, want 303", got)
	}
	c := newTestServer(t, replica)
	for name, ts := range map[string]*testServer{"A": a, "B": b, "C, started after": c} {
		if got := status(ts, "GET", "/admin", cookie); got != 401 {
			t.Errorf("signed-out session on %s: GET %d, want 401", name, got)
		}
		if got := status(ts, "GET", "/admin/live", cookie); got != 401 {
			t.Errorf("signed-out session on %s: live part %d, want 401", name, got)
		}
		if got := status(ts, "POST", "/admin/pause", cookie); got != 401 {
			t.Errorf("signed-out session on %s: pause %d, want 401", name, got)
		}
		if got := status(ts, "GET", "/admin", other); got != 200 {
			t.Errorf("B's session on %s after A's sign-out: %d, want 200", name, got)
		}
	}
	if p, err := a.o.Store.(Queue).Store.Paused(t.Context()); err != nil || p.On {
		t.Errorf("pause after the refused requests: %+v, %v, want none", p, err)
	}
}

// TestSignOutBeforeQueueExists signs out on A while there is no queue yet:
// A refuses the session at once, and gives the sign-out to the queue when
// it appears, so that B refuses it too.
func TestSignOutBeforeQueueExists(t *testing.T) {
	file := filepath.Join(t.TempDir(), queue.FileName)
	clk := toolkittest.NewClock(time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC))
	replica := func(o *Options) {
		o.AdminToken, o.RateBurst, o.Now = token, 100, clk.Now
		o.Store, o.OpenStore = nil, QueueFile(file, o.Campaign.Slug, clk.Now)
	}
	a, b := newTestServer(t, replica), newTestServer(t, replica)
	cookie, csrf := signIn(t, a)
	req := mustRequest(t, "POST", a.url+"/admin/logout", url.Values{"csrf": {csrf}}.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookie)
	if got := a.do(t, req).status; got != 303 {
		t.Fatalf("sign-out on A without a queue: %d, want 303", got)
	}
	get := func(ts *testServer) int {
		req := mustRequest(t, "GET", ts.url+"/admin", "")
		req.AddCookie(cookie)
		return ts.do(t, req).status
	}
	if got := get(a); got != 401 {
		t.Errorf("on A after the sign-out: %d, want 401", got)
	}

	st, err := queue.OpenSQLite(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a.dashboard(t, "/admin") // A finds the queue
	if got := get(b); got != 401 {
		t.Errorf("on B once the queue exists: %d, want 401", got)
	}
}

// TestSignOutStoreDown: while the store cannot say whether a session was
// signed out, the session is refused (503, not the dashboard); signing
// out still ends it on this server and says it could not be recorded for
// the others.
func TestSignOutStoreDown(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.AdminToken, o.RateBurst = token, 100 })
	cookie, csrf := signIn(t, ts)
	ts.store.mu.Lock()
	ts.store.signErr = errors.New("connection refused")
	ts.store.mu.Unlock()
	req := mustRequest(t, "GET", ts.url+"/admin", "")
	req.AddCookie(cookie)
	if res := ts.do(t, req); res.status != 503 || !strings.Contains(string(res.body), "connection refused") {
		t.Errorf("dashboard while the store is down: %d, want 503 naming the error:\n%s", res.status, res.body)
	}
	req = mustRequest(t, "POST", ts.url+"/admin/logout", url.Values{"csrf": {csrf}}.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookie)
	res := ts.do(t, req)
	if res.status != 503 || !strings.Contains(string(res.body), "could not be recorded") {
		t.Errorf("sign-out while the store is down: %d, want 503 saying it was not recorded:\n%s", res.status, res.body)
	}
	if c := cookieOf(t, res.header); c.MaxAge >= 0 {
		t.Errorf("sign-out while the store is down: cookie %+v not deleted", c)
	}
	ts.store.mu.Lock()
	ts.store.signErr = nil
	ts.store.mu.Unlock()
	req = mustRequest(t, "GET", ts.url+"/admin", "")
	req.AddCookie(cookie)
	if got := ts.do(t, req).status; got != 401 {
		t.Errorf("on this server after the sign-out: %d, want 401", got)
	}
}

// TestSessionKey: servers given the same SessionKey take each other's
// sessions even with different admin tokens (the key is what signs), and
// with different keys they do not.
func TestSessionKey(t *testing.T) {
	key := "a-session-key-shared-by-every-replica"
	a := newTestServer(t, func(o *Options) { o.AdminToken, o.SessionKey = token, key })
	b := newTestServer(t, func(o *Options) { o.AdminToken, o.SessionKey = token, key })
	c := newTestServer(t, func(o *Options) { o.AdminToken, o.SessionKey = token, key+"!" })
	cookie, _ := signIn(t, a)
	for _, tt := range []struct {
		name string
		ts   *testServer
		want int
	}{{"same key", b, 200}, {"another key", c, 401}} {
		req := mustRequest(t, "GET", tt.ts.url+"/admin", "")
		req.AddCookie(cookie)
		if got := tt.ts.do(t, req).status; got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

// flipFirst changes the first character of a base64 string.
func flipFirst(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}
