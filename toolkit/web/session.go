package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A dashboard session lives in its cookie, signed, rather than in the
// server's memory, so that every replica of `serve` behind one load
// balancer takes the cookie and the CSRF token another replica gave: they
// only need the same key (Options.SessionKey, or the admin token it is
// derived from). The cookie holds
//
//	v1.<a or n>.<expiry, unix seconds>.<random id>.<HMAC-SHA256 of the rest>
//
// so its expiry cannot be stretched nor an anonymous session turned into a
// signed-in one. A session exists before sign-in so the sign-in form
// carries a CSRF token too; signing in makes a new one, so an id seen
// before sign-in is worth nothing after. The CSRF token of a session is
// an HMAC of its id: it needs no storage either, and is worth nothing
// with another session.
//
// Signing out deletes the cookie from the browser and records the
// session's id in the queue store until the session would have expired
// (Store.SignOut): every replica sharing the store looks the id up on each
// signed-in request and refuses a copy of the cookie taken before. The
// replica that signs a session out also remembers it itself (revoked), so
// it refuses the session at once even while there is no queue yet, and
// writes what it remembers to the store when the queue appears. Changing
// the key (or the admin token it is derived from) ends every session on
// every replica.
type session struct {
	id      string
	csrf    string
	authed  bool
	expires time.Time
	value   string // the cookie's value
}

type sessions struct {
	key []byte // signs cookies
	ttl time.Duration

	mu sync.Mutex
	// revoked holds the ids signed out here or found signed out in the
	// store, until their sessions expire: refused without asking the
	// store again.
	revoked map[string]time.Time
}

// maxRevoked bounds the signed-out ids remembered; expired ones go first,
// then those expiring soonest (the store still has them).
const maxRevoked = 10000

// sessionVersion starts every cookie value, so a later format can refuse
// older cookies plainly.
const sessionVersion = "v1"

// sessionKey is the key sessions are signed with: derived from key (the
// admin token, or a session key of the operator's), so that the secret
// itself never signs anything and a key of any length serves.
func sessionKey(secret string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("campaignkit dashboard sessions " + sessionVersion))
	return m.Sum(nil)
}

func newSessions(key []byte, ttl time.Duration) *sessions {
	return &sessions{key: key, ttl: ttl, revoked: map[string]time.Time{}}
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics rather than return an error)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (ss *sessions) mac(parts ...string) string {
	m := hmac.New(sha256.New, ss.key)
	m.Write([]byte(strings.Join(parts, ".")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (ss *sessions) create(authed bool, now time.Time) *session {
	ttl := ss.ttl
	if !authed {
		ttl = min(ttl, time.Hour)
	}
	kind := "n"
	if authed {
		kind = "a"
	}
	// Whole seconds, so that the expiry the cookie carries is the one
	// checked.
	expires := now.Add(ttl).Truncate(time.Second)
	id := randomToken()
	payload := []string{sessionVersion, kind, strconv.FormatInt(expires.Unix(), 10), id}
	return &session{id: id, csrf: ss.mac("csrf", id), authed: authed, expires: expires,
		value: strings.Join(payload, ".") + "." + ss.mac(payload...)}
}

// get checks a cookie's value: signed with this key, not expired, not
// known here to be signed out. Whether another replica signed it out is
// the store's to say (Server.signedOut).
func (ss *sessions) get(value string, now time.Time) (*session, bool) {
	parts := strings.Split(value, ".")
	if len(parts) != 5 || parts[0] != sessionVersion || (parts[1] != "a" && parts[1] != "n") {
		return nil, false
	}
	if !equal(parts[4], ss.mac(parts[:4]...)) {
		return nil, false
	}
	unix, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return nil, false
	}
	s := &session{id: parts[3], csrf: ss.mac("csrf", parts[3]), authed: parts[1] == "a", expires: time.Unix(unix, 0), value: value}
	if !now.Before(s.expires) {
		return nil, false
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if _, out := ss.revoked[s.id]; out {
		return nil, false
	}
	return s, true
}

// revoke remembers that a session is signed out. Anonymous sessions are
// not kept: they grant nothing.
func (ss *sessions) revoke(s *session, now time.Time) {
	if !s.authed {
		return
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if _, ok := ss.revoked[s.id]; !ok && len(ss.revoked) >= maxRevoked {
		soonest := ""
		for id, until := range ss.revoked {
			if !now.Before(until) {
				delete(ss.revoked, id)
			} else if soonest == "" || until.Before(ss.revoked[soonest]) {
				soonest = id
			}
		}
		if len(ss.revoked) >= maxRevoked {
			delete(ss.revoked, soonest)
		}
	}
	ss.revoked[s.id] = s.expires
}

// revokedNow returns the ids remembered as signed out whose sessions have
// not expired, with their expiry.
func (ss *sessions) revokedNow(now time.Time) map[string]time.Time {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	out := make(map[string]time.Time, len(ss.revoked))
	for id, until := range ss.revoked {
		if now.Before(until) {
			out[id] = until
		}
	}
	return out
}

// equal compares secrets in constant time.
func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
