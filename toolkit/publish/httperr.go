package publish

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/wire"
)

// classifyResponse turns a non-2xx HTTP answer of Mastodon, a PDS or a
// webhook receiver into the error the runner acts on:
//
//   - a status that cannot succeed again (wire.Permanent: 400, 401, 403,
//     404, 410, 413, 415, 422): *PermanentError, with the server's own
//     message;
//   - 429, and 503 with Retry-After: *RetryAfterError with the delay the
//     server asked for (Retry-After in seconds or as an HTTP date, else the
//     RateLimit-Reset / X-RateLimit-Reset headers Bluesky and Mastodon send);
//   - 429 with no hint, any other 5xx, anything else: a plain error, which
//     the runner retries with backoff.
//
// what names the request ("mastodon: POST /api/v1/statuses").
func classifyResponse(what string, status int, h http.Header, body []byte, now time.Time) error {
	msg := serverMessage(status, body)
	if wire.Permanent(status) {
		return &PermanentError{Status: status, Msg: what + ": " + msg}
	}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		if d, ok := retryDelay(h, now); ok {
			return &RetryAfterError{After: d, Msg: fmt.Sprintf("%s: HTTP %d: %s", what, status, msg)}
		}
	}
	return fmt.Errorf("%s: HTTP %d: %s", what, status, msg)
}

// readError reads (a bounded part of) resp's body and classifies resp.
func readError(what string, resp *http.Response, now time.Time) error {
	return classifyResponse(what, resp.StatusCode, resp.Header, wire.Read(resp), now)
}

// transportError wraps an error from http.Client.Do (wire.TransportError).
var transportError = wire.TransportError

// retryDelay finds how long the server asked the client to wait:
// Retry-After, else Bluesky's RateLimit-Reset, else Mastodon's
// X-RateLimit-Reset.
func retryDelay(h http.Header, now time.Time) (time.Duration, bool) {
	if d, ok := wire.RetryAfter(h, now); ok {
		return d, true
	}
	for _, name := range []string{"RateLimit-Reset", "X-RateLimit-Reset"} {
		if d, ok := wire.Reset(h, name, now); ok {
			return d, true
		}
	}
	return 0, false
}

// serverMessage extracts the human part of an error body: Mastodon sends
// {"error": "..."}, an XRPC server {"error": "Name", "message": "..."}, a
// webhook receiver anything.
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
	return wire.Text(status, body)
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
