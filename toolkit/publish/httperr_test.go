package publish

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestClassifyResponse(t *testing.T) {
	now := time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	tests := []struct {
		name      string
		status    int
		header    http.Header
		body      string
		permanent bool
		after     time.Duration
		retryHint bool
		msg       string
	}{
		{"mastodon 401", 401, nil, `{"error":"The access token is invalid"}`, true, 0, false, "The access token is invalid"},
		{"mastodon 422", 422, nil, `{"error":"Validation failed: Text character limit of 500 exceeded"}`, true, 0, false, "character limit of 500"},
		{"xrpc 400", 400, nil, `{"error":"InvalidRequest","message":"Record/text must not be longer than 300 graphemes"}`, true, 0, false, "InvalidRequest: Record/text must not be longer"},
		{"403 plain text", 403, nil, "forbidden here", true, 0, false, "forbidden here"},
		{"400 html", 400, nil, "<html>bad</html>", true, 0, false, "Bad Request"},
		{"429 seconds", 429, hdr("Retry-After", "120"), `{"error":"Too many requests"}`, false, 2 * time.Minute, true, "Too many requests"},
		{"503 http date", 503, hdr("Retry-After", now.Add(90*time.Second).Format(http.TimeFormat)), "", false, 90 * time.Second, true, "Service Unavailable"},
		{"503 date in the past", 503, hdr("Retry-After", now.Add(-time.Hour).Format(http.TimeFormat)), "", false, 0, true, ""},
		{"429 bluesky reset", 429, hdr("RateLimit-Reset", "1797584460"), `{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}`, false, time.Unix(1797584460, 0).Sub(now), true, "RateLimitExceeded"},
		{"429 mastodon reset", 429, hdr("X-RateLimit-Reset", now.Add(5*time.Minute).Format(time.RFC3339Nano)), `{"error":"Too many requests"}`, false, 5 * time.Minute, true, ""},
		{"429 no hint", 429, nil, "", false, 0, false, "HTTP 429"},
		{"503 no hint", 503, nil, "", false, 0, false, "HTTP 503"},
		{"500", 500, nil, `{"error":"InternalServerError","message":"boom"}`, false, 0, false, "HTTP 500: InternalServerError: boom"},
		{"502", 502, nil, "", false, 0, false, "Bad Gateway"},
		{"409 idempotency conflict", 409, nil, "", false, 0, false, "HTTP 409"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			err := classifyResponse("test: POST /x", tt.status, h, []byte(tt.body), now)
			if got := IsPermanent(err); got != tt.permanent {
				t.Errorf("IsPermanent = %v, want %v (err %v)", got, tt.permanent, err)
			}
			after, ok := RetryAfter(err)
			if ok != tt.retryHint || after != tt.after {
				t.Errorf("RetryAfter = %v, %v; want %v, %v", after, ok, tt.after, tt.retryHint)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), "test: POST /x") {
				t.Errorf("error %q: want it to name the request and contain %q", err, tt.msg)
			}
			if tt.permanent && errorStatus(err) != tt.status {
				t.Errorf("status = %d, want %d", errorStatus(err), tt.status)
			}
		})
	}
}

func TestTransportError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := transportError(ctx, "x", errors.New("dial tcp: refused"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}
	err = transportError(context.Background(), "x", errors.New("dial tcp: refused"))
	if IsPermanent(err) {
		t.Errorf("network error: got permanent %v, want retryable", err)
	}
	if _, ok := RetryAfter(err); ok {
		t.Errorf("network error: got a retry-after hint, want none")
	}
}

// wantFailure fails t unless err is a failure that is permanent or not
// as permanent says, asks to wait after (0: no wait), says msg, and
// keeps secret (a password, a token) out of its text.
func wantFailure(t *testing.T, err error, permanent bool, after time.Duration, msg, secret string) {
	t.Helper()
	if err == nil {
		t.Fatal("Publish: got nil error")
	}
	if got := IsPermanent(err); got != permanent {
		t.Errorf("IsPermanent(%v) = %v, want %v", err, got, permanent)
	}
	if got, _ := RetryAfter(err); got != after {
		t.Errorf("RetryAfter = %v, want %v", got, after)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("err = %q, want it to contain %q", err, msg)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("err = %q leaks a secret", err)
	}
}
