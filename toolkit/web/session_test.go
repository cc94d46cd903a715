package web

import (
	"fmt"
	"testing"
	"time"
)

// TestRevokedBounded: the sign-outs a server remembers stay under
// maxRevoked; the expired go first, then those expiring soonest.
func TestRevokedBounded(t *testing.T) {
	now := time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC)
	ss := newSessions(sessionKey("k"), 12*time.Hour)
	for i := range maxRevoked {
		ss.revoke(&session{id: fmt.Sprint("s", i), authed: true, expires: now.Add(time.Hour + time.Duration(i)*time.Second)}, now)
	}
	ss.revoke(&session{id: "new", authed: true, expires: now.Add(12 * time.Hour)}, now)
	got := ss.revokedNow(now)
	if len(got) != maxRevoked {
		t.Fatalf("got %d remembered, want %d", len(got), maxRevoked)
	}
	if _, ok := got["s0"]; ok {
		t.Error("s0, expiring soonest, was kept")
	}
	if _, ok := got["new"]; !ok {
		t.Error("the newest sign-out was not kept")
	}
	// Later, when half of them expired, those go first.
	later := now.Add(time.Hour + maxRevoked/2*time.Second)
	ss.revoke(&session{id: "later", authed: true, expires: later.Add(time.Hour)}, later)
	if got := len(ss.revoked); got != maxRevoked/2+1 {
		t.Errorf("after the expired went: got %d remembered, want %d", got, maxRevoked/2+1)
	}
	ss.revoke(&session{id: "anonymous", expires: later.Add(time.Hour)}, later)
	if _, ok := ss.revokedNow(later)["anonymous"]; ok {
		t.Error("an anonymous session was remembered")
	}
}
