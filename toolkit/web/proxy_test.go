package web

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestClientIPBehindProxy(t *testing.T) {
	off := newTestServer(t, nil)
	on := newTestServer(t, func(o *Options) { o.TrustProxy = true })
	cases := []struct {
		name   string
		trust  bool
		peer   string
		header []string
		want   string
	}{
		{"no proxy", true, "203.0.113.7:5000", nil, "203.0.113.7"},
		{"headers ignored without trust", false, "127.0.0.1:5000", []string{"X-Forwarded-For", "203.0.113.9"}, "127.0.0.1"},
		{"X-Forwarded-For from the proxy", true, "127.0.0.1:5000", []string{"X-Forwarded-For", "203.0.113.9"}, "203.0.113.9"},
		{"rightmost untrusted: the client's own entries are skipped", true, "127.0.0.1:5000", []string{"X-Forwarded-For", "198.51.100.1, 203.0.113.9, 10.0.0.2"}, "203.0.113.9"},
		{"a peer that is not a proxy cannot forward", true, "203.0.113.50:5000", []string{"X-Forwarded-For", "198.51.100.1"}, "203.0.113.50"},
		{"Forwarded, IPv6 with a port", true, "[::1]:5000", []string{"Forwarded", `for=192.0.2.60;proto=https, for="[2001:db8:cafe::17]:4711"`}, "2001:db8:cafe::17"},
		{"Forwarded wins over X-Forwarded-For", true, "127.0.0.1:5000", []string{"Forwarded", "for=192.0.2.60", "X-Forwarded-For", "198.51.100.1"}, "192.0.2.60"},
		{"a client on our own network", true, "127.0.0.1:5000", []string{"X-Forwarded-For", "10.1.2.3, 10.0.0.2"}, "10.1.2.3"},
		{"IPv4 with a port", true, "127.0.0.1:5000", []string{"X-Forwarded-For", "203.0.113.9:61000"}, "203.0.113.9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := off
			if c.trust {
				s = on
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = c.peer
			for i := 0; i+1 < len(c.header); i += 2 {
				r.Header.Set(c.header[i], c.header[i+1])
			}
			if got := s.clientIP(r); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestRateLimitBehindProxy sends uploads through a "proxy" on loopback:
// with TrustProxy each client has its own bucket, and writing addresses
// into X-Forwarded-For does not make a new one; without it every client
// shares the proxy's.
func TestRateLimitBehindProxy(t *testing.T) {
	cases := []struct {
		name  string
		trust bool
		xff   []string
		want  []int
	}{
		{"trusted: two clients", true, []string{"203.0.113.1", "203.0.113.2"}, []int{422, 422}},
		{"trusted: one client, spoofed entries", true, []string{"198.51.100.1, 203.0.113.1", "198.51.100.2, 203.0.113.1"}, []int{422, 429}},
		{"not trusted: one bucket", false, []string{"203.0.113.1", "203.0.113.2"}, []int{422, 429}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := newTestServer(t, func(o *Options) { o.TrustProxy = c.trust; o.RateBurst = 1 })
			var got []int
			for _, xff := range c.xff {
				body, ctype := multipartBody(t, []byte("not an image"), "P")
				got = append(got, ts.do(t, mustRequest(t, "POST", ts.url+"/cobrand", string(body), "Content-Type", ctype, "X-Forwarded-For", xff)).status)
			}
			if len(got) != len(c.want) || got[0] != c.want[0] || got[1] != c.want[1] {
				t.Errorf("statuses %v, want %v", got, c.want)
			}
		})
	}
}

// TestSessionCookieSecureBehindProxy: the dashboard's cookie is Secure
// when a trusted proxy says the client came over HTTPS, and only then.
func TestSessionCookieSecureBehindProxy(t *testing.T) {
	cases := []struct {
		name   string
		trust  bool
		header []string
		want   bool
	}{
		{"plain HTTP", false, nil, false},
		{"X-Forwarded-Proto ignored without trust", false, []string{"X-Forwarded-Proto", "https"}, false},
		{"X-Forwarded-Proto https", true, []string{"X-Forwarded-Proto", "https"}, true},
		{"X-Forwarded-Proto http", true, []string{"X-Forwarded-Proto", "http"}, false},
		{"Forwarded proto=https", true, []string{"Forwarded", "for=203.0.113.1;proto=https"}, true},
		{"trusted, no header", true, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := newTestServer(t, func(o *Options) { o.TrustProxy = c.trust; o.AdminToken = token })
			res := ts.get(t, "/admin", c.header...)
			set := res.header.Get("Set-Cookie")
			if !strings.HasPrefix(set, sessionCookie+"=") {
				t.Fatalf("no session cookie: %q", set)
			}
			if got := strings.Contains(set, "; Secure"); got != c.want {
				t.Errorf("Set-Cookie %q: Secure %v, want %v", set, got, c.want)
			}
		})
	}
}
