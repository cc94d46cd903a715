// Package wire is how every publisher's request goes out and its answer
// comes back, whatever the network: the headers a request carries, no
// resend behind the publisher's back, bounded reads, a cancellation told
// from a failure, the server's words kept short, and the delay a server
// asks for. What an answer means is each network's own and stays with its
// publisher; this package has no campaignkit dependency so that package
// publish itself can use it.
package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// UserAgent identifies campaignkit to the servers it posts to.
const UserAgent = "campaignkit (+https://github.com/campaignkit/campaignkit)"

// Bounds on what is read of an answer: an error body is only quoted, a
// 2xx answer is decoded.
const (
	MaxErrorBody = 64 << 10
	MaxAnswer    = 8 << 20
)

// Body makes a request body and its content type. It is called again for
// each send, so that a request resent with a renewed token has its body.
type Body func() (io.Reader, string, error)

// JSON is v as an application/json body.
func JSON(v any) Body {
	return func() (io.Reader, string, error) {
		b, err := json.Marshal(v)
		return bytes.NewReader(b), "application/json", err
	}
}

// Form is v as an application/x-www-form-urlencoded body.
func Form(v url.Values) Body {
	return func() (io.Reader, string, error) {
		return strings.NewReader(v.Encode()), "application/x-www-form-urlencoded", nil
	}
}

// Bytes is b as a body of type ctype.
func Bytes(b []byte, ctype string) Body {
	return func() (io.Reader, string, error) { return bytes.NewReader(b), ctype, nil }
}

// File is a file part of a multipart body.
type File struct {
	Field, Name, Type string
	Data              []byte
}

// Multipart is a multipart/form-data body of fields, in the order of their
// names so that the same request has the same bytes, then files.
func Multipart(fields url.Values, files ...File) Body {
	return func() (io.Reader, string, error) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			for _, v := range fields[k] {
				if err := mw.WriteField(k, v); err != nil {
					return nil, "", err
				}
			}
		}
		for _, f := range files {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.Field, f.Name))
			h.Set("Content-Type", f.Type)
			part, err := mw.CreatePart(h)
			if err != nil {
				return nil, "", err
			}
			if _, err := part.Write(f.Data); err != nil {
				return nil, "", err
			}
		}
		if err := mw.Close(); err != nil {
			return nil, "", err
		}
		return &buf, mw.FormDataContentType(), nil
	}
}

// NewRequest makes a request of method to url with body (nil for none)
// and bearer in the Authorization header ("" for none). The token goes in
// a header, never in the URL, so that it cannot reach a log line.
func NewRequest(ctx context.Context, method, url string, body Body, bearer string) (*http.Request, error) {
	var r io.Reader
	ctype := ""
	if body != nil {
		var err error
		if r, ctype, err = body(); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return nil, err
	}
	// Without GetBody net/http cannot silently resend a post whose
	// connection dropped: whether to send again is the publisher's
	// decision, after looking for the copy the first send may have made.
	req.GetBody = nil
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "application/json")
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	return req, nil
}

// TransportError wraps an error from http.Client.Do for the request
// named what ("x: POST /2/tweets"). Both outcomes are retryable; a
// cancelled context is returned as such so that the runner can tell a
// shutdown from a failure.
func TransportError(ctx context.Context, what string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s: %w", what, ctxErr)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Read reads resp's body, at most MaxAnswer bytes of a 2xx answer and
// MaxErrorBody of any other, and closes it.
func Read(resp *http.Response) []byte {
	defer resp.Body.Close()
	limit := int64(MaxErrorBody)
	if OK(resp.StatusCode) {
		limit = MaxAnswer
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, limit))
	return b
}

// IsURL reports whether s is an absolute http or https URL with a host:
// what every publisher takes as the address of a server.
func IsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// OK reports whether status is a 2xx.
func OK(status int) bool { return status >= 200 && status <= 299 }

// Text is the server's words from a body that the network's own error
// shape did not explain: its text, cut to 300 characters, or the status
// text when it is empty, not UTF-8 or an HTML page.
func Text(status int, body []byte) string {
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

// Permanent reports whether a refusal with status cannot succeed when the
// same request is sent again: bad credentials, no permission, no such
// thing, refused content. Every network's publisher makes these
// permanent failures, in its own words.
func Permanent(status int) bool {
	switch status {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden,
		http.StatusNotFound, http.StatusGone, http.StatusRequestEntityTooLarge,
		http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// RetryAfter is the delay the Retry-After header of h asks for, in
// seconds or as an HTTP date; false when there is none.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return nonNegative(t.Sub(now)), true
	}
	return 0, false
}

// Reset is the delay until the time header name of h gives, as Unix
// seconds or an RFC 3339 time (networks' X-RateLimit-Reset and
// RateLimit-Reset); false when there is none.
func Reset(h http.Header, name string, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return nonNegative(time.Unix(secs, 0).Sub(now)), true
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return nonNegative(t.Sub(now)), true
	}
	return 0, false
}

func nonNegative(d time.Duration) time.Duration {
	if d < 0 {
		return 0
	}
	return d.Round(time.Second)
}

// Until is how long to wait for at, a time a network said its limit
// resets: rounded to the second, and a second more so that the retry
// comes after the reset, not on it.
func Until(at, now time.Time) time.Duration {
	return at.Sub(now).Round(time.Second) + time.Second
}

// Sleep waits d or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Memo is a value asked of the network once and kept: the account's own
// id, which a lookup needs and which does not change. The zero value is
// empty.
type Memo struct {
	mu sync.Mutex
	v  string
}

// Set keeps v, a value known without asking ("" keeps nothing).
func (m *Memo) Set(v string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.v = v
}

// Get returns the kept value, or asks for it and keeps what ask returns.
// Two callers at once may both ask; the answer is the same.
func (m *Memo) Get(ctx context.Context, ask func(context.Context) (string, error)) (string, error) {
	m.mu.Lock()
	v := m.v
	m.mu.Unlock()
	if v != "" {
		return v, nil
	}
	v, err := ask(ctx)
	if err != nil {
		return "", err
	}
	m.Set(v)
	return v, nil
}
