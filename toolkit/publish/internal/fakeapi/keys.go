package fakeapi

import (
	"sync"
	"time"
)

// Withdrawal is how a network answers an access token the user took back
// from the app: a rule of the network, which its fake states once in New.
type Withdrawal int

const (
	// AsRevoked refuses a withdrawn token with a refusal of its own
	// (LinkedIn, Meta, Threads).
	AsRevoked Withdrawal = iota
	// AsUnknown refuses a withdrawn token as one never issued (X).
	AsUnknown
)

// Keys gives a fake the two ways a test ends a token's life, Expire and
// Revoke, which every fake offers alike. It holds no tokens: it reaches
// the fake's stores, under the fake's lock and on the fake's clock, so
// that the fake's handlers keep using their stores as before. A fake
// embeds it, made by NewKeys.
type Keys[G Granted] struct {
	lock     sync.Locker
	now      func() time.Time
	withdraw Withdrawal
	access   *Tokens[G]
	refresh  *Tokens[G]
}

// NewKeys returns the Keys of a fake whose lock is lock and whose clock
// is now, with its access tokens in access and its refresh tokens in
// refresh (nil for a network without them).
func NewKeys[G Granted](lock sync.Locker, now func() time.Time, w Withdrawal, access, refresh *Tokens[G]) Keys[G] {
	return Keys[G]{lock: lock, now: now, withdraw: w, access: access, refresh: refresh}
}

// Expire makes the access token tok expired now, as its lifetime running
// out would.
func (k *Keys[G]) Expire(tok string) {
	k.lock.Lock()
	defer k.lock.Unlock()
	k.access.Expire(tok, k.now())
}

// Revoke withdraws every token of userID, as the user removing the app in
// the network's settings does: its access tokens are then answered as the
// network answers a withdrawn token, and its refresh tokens no longer
// renew.
func (k *Keys[G]) Revoke(userID string) {
	k.lock.Lock()
	defer k.lock.Unlock()
	if k.withdraw == AsUnknown {
		k.access.Forget(userID)
	} else {
		k.access.Revoke(userID)
	}
	if k.refresh != nil {
		k.refresh.Forget(userID)
	}
}
