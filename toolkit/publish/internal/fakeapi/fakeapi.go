// Package fakeapi is the machinery the fakes of the networks' public APIs
// (xtest, linkedintest, threadstest, metatest and the fakes built on it,
// mastodontest) have in common, so that each fake holds only the rules of
// its own network: a loopback server that logs the calls it gets, a lost
// answer after the post was stored, the loopback redirect of an OAuth
// consent page, a bearer token, a JSON body, a rate-limit window and the
// fetch of an image from a public URL. What a network refuses, and the
// shape of its refusal, stays in that network's fake.
package fakeapi

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Server is a fake's loopback server and the log of the requests it got.
// A fake embeds it, so that URL, Close, Calls, Count and LastHeaders are
// the fake's own.
type Server struct {
	*httptest.Server

	mu    sync.Mutex
	calls []string
	last  http.Header
}

// Start serves h on a loopback port, logging every request before h sees
// it. Close the server when done.
func Start(h http.Handler) *Server {
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls = append(s.calls, r.Method+" "+r.URL.Path)
		s.last = r.Header.Clone()
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	return s
}

// Calls returns "METHOD /path" of every request so far.
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

// Count returns how many requests so far began with prefix
// ("POST /2/tweets", "GET /api/v1/accounts").
func (s *Server) Count(prefix string) int {
	n := 0
	for _, c := range s.Calls() {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

// LastHeaders returns the headers of the last request.
func (s *Server) LastHeaders() http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last.Clone()
}

// JSON writes v as the body of an answer with status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// OAuthError writes the token endpoint's refusal as RFC 6749 section 5.2
// shapes it, which X and LinkedIn both follow.
func OAuthError(w http.ResponseWriter, status int, code, desc string) {
	JSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// Bearer returns the token of an "Authorization: Bearer" header, and
// whether there was one.
func Bearer(r *http.Request) (string, bool) {
	return strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
}

// RandHex returns n random bytes in hex, for tokens and codes no test can
// guess.
func RandHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Copies returns a copy of each of *items, oldest first, holding lock:
// the accessors (Tweets, Posts, Threads, Media) through which a test
// reads what a fake recorded, without racing its handlers.
func Copies[T any](lock sync.Locker, items *[]*T) []T {
	lock.Lock()
	defer lock.Unlock()
	out := make([]T, len(*items))
	for i, it := range *items {
		out[i] = *it
	}
	return out
}
