package wire

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestText(t *testing.T) {
	long := strings.Repeat("é", 200) // 400 bytes
	tests := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"plain", 400, " bad thing \n", "bad thing"},
		{"empty", 502, "", "Bad Gateway"},
		{"html", 403, "<html>no</html>", "Forbidden"},
		{"not utf-8", 400, "\xff\xfe", "Bad Request"},
		{"long, cut on a character", 400, long, strings.Repeat("é", 150) + "…"},
	}
	for _, tt := range tests {
		if got := Text(tt.status, []byte(tt.body)); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestRetryAfterAndReset(t *testing.T) {
	now := time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)
	h := func(k, v string) http.Header { x := http.Header{}; x.Set(k, v); return x }
	tests := []struct {
		name string
		got  func() (time.Duration, bool)
		want time.Duration
		ok   bool
	}{
		{"seconds", func() (time.Duration, bool) { return RetryAfter(h("Retry-After", "120"), now) }, 2 * time.Minute, true},
		{"http date", func() (time.Duration, bool) {
			return RetryAfter(h("Retry-After", now.Add(90*time.Second).Format(http.TimeFormat)), now)
		}, 90 * time.Second, true},
		{"none", func() (time.Duration, bool) { return RetryAfter(http.Header{}, now) }, 0, false},
		{"garbage", func() (time.Duration, bool) { return RetryAfter(h("Retry-After", "soon"), now) }, 0, false},
		{"unix reset", func() (time.Duration, bool) {
			return Reset(h("X-Rate-Limit-Reset", "1797584460"), "X-Rate-Limit-Reset", now)
		}, time.Unix(1797584460, 0).Sub(now), true},
		{"reset in the past", func() (time.Duration, bool) {
			return Reset(h("X-RateLimit-Reset", now.Add(-time.Hour).Format(time.RFC3339)), "X-RateLimit-Reset", now)
		}, 0, true},
	}
	for _, tt := range tests {
		d, ok := tt.got()
		if d != tt.want || ok != tt.ok {
			t.Errorf("%s: got %s, %v; want %s, %v", tt.name, d, ok, tt.want, tt.ok)
		}
	}
}

func TestSettings(t *testing.T) {
	api, lookup := "ftp://x", 0
	err := Settings{Network: "x", API: &api, DefaultAPI: "https://api.x.com"}.Check()
	if err == nil || !strings.Contains(err.Error(), `x: API "ftp://x": want a URL such as https://api.x.com`) {
		t.Errorf("bad API: got %v", err)
	}
	api = ""
	var c *http.Client
	if err := (Settings{Network: "x", API: &api, DefaultAPI: "https://api.x.com", LookupCount: &lookup, LookupDefault: 20, LookupMin: 5, Client: &c}).Check(); err != nil {
		t.Fatal(err)
	}
	if api != "https://api.x.com" || lookup != 20 || c == nil || c.Timeout != 60*time.Second {
		t.Errorf("defaults: got %q, %d, %v", api, lookup, c)
	}
	lookup = 101
	if err := (Settings{Network: "threads", LookupCount: &lookup, LookupMin: 5}).Check(); err == nil || err.Error() != "threads: lookup count 101: want 5 to 100" {
		t.Errorf("lookup count: got %v", err)
	}
	if err := (Settings{Network: "x", NeedTokens: true}).Check(); err == nil || err.Error() != "x: token source: required" {
		t.Errorf("tokens: got %v", err)
	}
}
