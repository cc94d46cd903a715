package fakeapi

import (
	"slices"
	"time"
)

// Grant is what a token allows, as every fake records it. A fake whose
// network records more (Meta's Page tokens, Threads' long-lived ones)
// embeds Grant in its own type.
type Grant struct {
	// UserID is whom the token acts for: a user id, a member URN.
	UserID string
	// ClientID is the app the token was issued to.
	ClientID string
	Scopes   []string
	// Expiry is when the token stops working; zero is never (Meta's
	// Page tokens from a long-lived user token).
	Expiry time.Time
	// Revoked says the user withdrew the app's access, for the
	// networks that tell such a token from one they never issued.
	Revoked bool
}

// Common returns g, so that Tokens reaches the Grant a fake's own type
// embeds.
func (g *Grant) Common() *Grant { return g }

// Missing returns those of scopes that g lacks, in order.
func (g *Grant) Missing(scopes ...string) []string {
	var missing []string
	for _, sc := range scopes {
		if !slices.Contains(g.Scopes, sc) {
			missing = append(missing, sc)
		}
	}
	return missing
}

// Granted is a pointer to a fake's grant: *Grant, or a type that embeds
// Grant.
type Granted interface{ Common() *Grant }

// Problem is what is wrong with a token. The networks check in the
// order of the constants; each answers a problem in its own words.
type Problem int

const (
	Valid   Problem = iota
	NoToken         // the request carried none
	Unknown         // never issued, or forgotten
	Revoked         // the user withdrew the app's access
	Expired
)

// Tokens is a fake's store of the tokens it issued, by token. It has no
// lock of its own: the tokens are part of the fake's state, and the fake
// holds its lock around every call.
type Tokens[G Granted] struct {
	// Prefix starts every token, as the network's do ("AT-", "EAA"), so
	// that a token sent to the wrong fake is plainly not its own.
	Prefix string
	// Bytes is how many random bytes follow Prefix, in hex.
	Bytes int

	m map[string]G
}

// Issue stores g under a new token and returns the token.
func (t *Tokens[G]) Issue(g G) string {
	tok := t.Prefix + RandHex(t.Bytes)
	if t.m == nil {
		t.m = map[string]G{}
	}
	t.m[tok] = g
	return tok
}

// Get returns the grant of tok, nil when tok is not in the store.
func (t *Tokens[G]) Get(tok string) G { return t.m[tok] }

// Delete forgets tok, as a rotated refresh token is.
func (t *Tokens[G]) Delete(tok string) { delete(t.m, tok) }

// Check returns the grant of tok at now, and what is wrong with tok if
// anything: then the fake writes its network's refusal.
func (t *Tokens[G]) Check(tok string, now time.Time) (G, Problem) {
	g, ok := t.m[tok]
	switch {
	case tok == "":
		return g, NoToken
	case !ok:
		return g, Unknown
	case g.Common().Revoked:
		return g, Revoked
	case !g.Common().Expiry.IsZero() && !now.Before(g.Common().Expiry):
		return g, Expired
	}
	return g, Valid
}

// Expire makes tok expired at now, as its lifetime running out would.
func (t *Tokens[G]) Expire(tok string, now time.Time) {
	if g, ok := t.m[tok]; ok {
		g.Common().Expiry = now.Add(-time.Second)
	}
}

// Revoke marks every token of userID revoked, for the networks that
// answer a withdrawn token with a refusal of its own (LinkedIn, Meta,
// Threads).
func (t *Tokens[G]) Revoke(userID string) {
	for _, g := range t.m {
		if g.Common().UserID == userID {
			g.Common().Revoked = true
		}
	}
}

// Forget deletes every token of userID, for a network that answers a
// withdrawn token as one it never issued (X), and for refresh tokens,
// which no network renews once access is withdrawn.
func (t *Tokens[G]) Forget(userID string) {
	for tok, g := range t.m {
		if g.Common().UserID == userID {
			delete(t.m, tok)
		}
	}
}
