package fakeapi

import (
	"net/http"
	"sync"
)

// Lossy loses answers on purpose: the fake stores the post, then drops
// the connection, as a network failure after the network has published
// does. It is how the tests prove a retry does not post twice. A fake
// embeds it, which gives it LoseAnswers.
type Lossy struct {
	mu   sync.Mutex
	next int
}

// LoseAnswers makes the fake store the next n posts and drop the
// connection instead of answering.
func (l *Lossy) LoseAnswers(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.next = n
}

// Drop is called once a post is stored: when an answer is to be lost it
// drops the connection and returns true, and the handler writes nothing
// more.
func (l *Lossy) Drop(w http.ResponseWriter) bool {
	l.mu.Lock()
	lose := l.next > 0
	if lose {
		l.next--
	}
	l.mu.Unlock()
	if !lose {
		return false
	}
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return true
		}
	}
	// Without a connection to close, abort the answer: the client still
	// hears nothing.
	panic(http.ErrAbortHandler)
}
