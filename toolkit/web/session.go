package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"sync"
	"time"
)

// session is a browser's dashboard session. A session exists before sign-in
// so the sign-in form carries a CSRF token too; signing in replaces it with
// a new one, so an id seen before sign-in is worth nothing after.
type session struct {
	id      string
	csrf    string
	authed  bool
	expires time.Time
}

type sessions struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[string]*session
}

// maxSessions bounds the map; anonymous sessions are cheap to make.
const maxSessions = 10000

func newSessions(ttl time.Duration) *sessions {
	return &sessions{ttl: ttl, m: map[string]*session{}}
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics rather than return an error)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (ss *sessions) create(authed bool, now time.Time) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.m) >= maxSessions {
		for k, s := range ss.m {
			if !now.Before(s.expires) || !s.authed {
				delete(ss.m, k)
			}
		}
	}
	ttl := ss.ttl
	if !authed {
		ttl = min(ttl, time.Hour)
	}
	s := &session{id: randomToken(), csrf: randomToken(), authed: authed, expires: now.Add(ttl)}
	ss.m[s.id] = s
	return s
}

func (ss *sessions) get(id string, now time.Time) (*session, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.m[id]
	if !ok {
		return nil, false
	}
	if !now.Before(s.expires) {
		delete(ss.m, id)
		return nil, false
	}
	return s, true
}

func (ss *sessions) remove(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.m, id)
}

// equal compares secrets in constant time.
func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
