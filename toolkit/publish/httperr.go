package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxErrorBody bounds how much of an error response is read and shown.
const maxErrorBody = 64 << 10

// classifyResponse turns a non-2xx HTTP answer into the error the runner
// acts on. It is the one place where every HTTP publisher's status codes get
// their meaning:
//
//   - 400, 401, 403, 404, 410, 413, 415, 422: *PermanentError (retrying the
//     same request cannot succeed; the server's own message is kept);
//   - 429, and 503 with Retry-After: *RetryAfterError with the delay the
//     server asked for (Retry-After in seconds or as an HTTP date, else the
//     RateLimit-Reset / X-RateLimit-Reset headers Bluesky and Mastodon send);
//   - 429 with no hint, any other 5xx, anything else: a plain error, which
//     the runner retries with backoff.
//
// what names the request ("mastodon: POST /api/v1/statuses").
func classifyResponse(what string, status int, h http.Header, body []byte, now time.Time) error {
	msg := serverMessage(status, body)
	switch status {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden,
		http.StatusNotFound, http.StatusGone, http.StatusRequestEntityTooLarge,
		http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		return &PermanentError{Status: status, Msg: what + ": " + msg}
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		if d, ok := retryDelay(h, now); ok {
			return &RetryAfterError{After: d, Msg: fmt.Sprintf("%s: HTTP %d: %s", what, status, msg)}
		}
	}
	return fmt.Errorf("%s: HTTP %d: %s", what, status, msg)
}

// readError reads (a bounded part of) resp's body and classifies resp.
func readError(what string, resp *http.Response, now time.Time) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	return classifyResponse(what, resp.StatusCode, resp.Header, body, now)
}

// transportError wraps an error from http.Client.Do. Network errors stay
// plain (retryable); a cancelled context is returned as such so the runner
// can tell a shutdown from a failure.
func transportError(ctx context.Context, what string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s: %w", what, ctxErr)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// retryDelay finds how long the server asked the client to wait.
func retryDelay(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return nonNegative(t.Sub(now)), true
		}
	}
	// Bluesky: RateLimit-Reset is a Unix time in seconds. Mastodon:
	// X-RateLimit-Reset is an ISO 8601 time.
	for _, name := range []string{"RateLimit-Reset", "X-RateLimit-Reset"} {
		v := strings.TrimSpace(h.Get(name))
		if v == "" {
			continue
		}
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
			return nonNegative(time.Unix(secs, 0).Sub(now)), true
		}
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return nonNegative(t.Sub(now)), true
		}
	}
	return 0, false
}

func nonNegative(d time.Duration) time.Duration {
	if d < 0 {
		return 0
	}
	return d.Round(time.Second)
}

// serverMessage extracts the human part of an error body: Mastodon sends
// {"error": "..."}, an XRPC server {"error": "Name", "message": "..."}, a
// webhook receiver anything. It falls back to the status text.
func serverMessage(status int, body []byte) string {
	var j struct {
		Error   any    `json:"error"`
		Message string `json:"message"`
		Detail  string `json:"detail"`
	}
	if json.Unmarshal(body, &j) == nil {
		name, _ := j.Error.(string)
		text := j.Message
		if text == "" {
			text = j.Detail
		}
		switch {
		case name != "" && text != "":
			return name + ": " + text
		case text != "":
			return text
		case name != "":
			return name
		}
	}
	s := strings.TrimSpace(string(body))
	if s == "" || !utf8.ValidString(s) || strings.HasPrefix(s, "<") {
		return http.StatusText(status)
	}
	const max = 300
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// xrpcErrorName returns the "error" field of an XRPC error body.
func xrpcErrorName(body []byte) string {
	var j struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(body, &j)
	return j.Error
}

// errorStatus reports the HTTP status a classified error came from, or 0.
func errorStatus(err error) int {
	var pe *PermanentError
	if errors.As(err, &pe) {
		return pe.Status
	}
	return 0
}

// userAgent identifies campaignkit to the servers it posts to.
const userAgent = "campaignkit (+https://github.com/campaignkit/campaignkit)"
