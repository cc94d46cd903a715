package fakeapi

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

func TestConsent(t *testing.T) {
	var mu sync.Mutex
	var stored string
	page := Consent{
		Lock:     &mu,
		Who:      func(id string) (bool, string) { return id == "app", "amy" },
		HTTPOnly: true,
		Blocked:  "blocked",
		Scopes:   strings.Fields,
		Refuse: func(q url.Values, scopes []string, user string) url.Values {
			if q.Get("response_type") != "code" {
				return OAuthRefusal("invalid_request", "response_type must be code")
			}
			return nil
		},
		Known:        []string{"read", "write"},
		UnknownScope: func(sc string) url.Values { return OAuthRefusal("invalid_scope", "unknown "+sc) },
		Store: func(code string, q url.Values, user string, scopes []string) {
			stored = user + ":" + strings.Join(scopes, ",")
		},
	}
	tests := []struct {
		name, query string
		status      int
		want        url.Values // the redirect's query but the code; nil for the error page
		stored      string     // what was stored with the code
	}{
		{"unknown app", "client_id=other&redirect_uri=http://127.0.0.1/cb&response_type=code&scope=read", 400, nil, ""},
		{"not loopback", "client_id=app&redirect_uri=http://example.com/cb&response_type=code&scope=read", 400, nil, ""},
		{"https", "client_id=app&redirect_uri=https://127.0.0.1/cb&response_type=code&scope=read", 400, nil, ""},
		{"refused", "client_id=app&redirect_uri=http://127.0.0.1/cb&response_type=token&scope=read&state=s1", 302,
			url.Values{"error": {"invalid_request"}, "error_description": {"response_type must be code"}, "state": {"s1"}}, ""},
		{"unknown scope", "client_id=app&redirect_uri=http://127.0.0.1/cb&response_type=code&scope=read+admin&state=s2", 302,
			url.Values{"error": {"invalid_scope"}, "error_description": {"unknown admin"}, "state": {"s2"}}, ""},
		{"agreed", "client_id=app&redirect_uri=http://127.0.0.1/cb&response_type=code&scope=read+write&state=s3", 302,
			url.Values{"state": {"s3"}}, "amy:read,write"},
		{"agreed, no state", "client_id=app&redirect_uri=http://127.0.0.1/cb&response_type=code&scope=read", 302,
			url.Values{}, "amy:read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stored = ""
			w := httptest.NewRecorder()
			page.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/authorize?"+tt.query, nil))
			if w.Code != tt.status {
				t.Fatalf("status: got %d, want %d", w.Code, tt.status)
			}
			if tt.want == nil {
				if got := strings.TrimSpace(w.Body.String()); got != "blocked" {
					t.Errorf("page: got %q, want %q", got, "blocked")
				}
				return
			}
			loc, err := url.Parse(w.Header().Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			got := loc.Query()
			if code := got.Get("code"); tt.stored != "" && (len(code) != 32 || stored != tt.stored) {
				t.Errorf("code %q storing %q, want a new code storing %q", code, stored, tt.stored)
			}
			got.Del("code")
			if got, want := got.Encode(), tt.want.Encode(); got != want {
				t.Errorf("redirect query: got %q, want %q", got, want)
			}
		})
	}
}
