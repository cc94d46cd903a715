package account

import "context"

// Flow replaces the steps of the authorization-code flow that a network
// does its own way. A nil field keeps the RFC 6749 step.
//
// Threads is the case in point: its code exchange gives a one-hour token
// that must be traded for a 60-day one, and it renews that token with
// the token itself (grant th_refresh_token), not with a refresh token.
type Flow struct {
	// Exchange trades the authorization code for the token to store.
	Exchange func(ctx context.Context, c *Client, code, redirect string) (Token, error)
	// Refresh renews t. An answer that only a new sign-in can fix is a
	// *RefusedError.
	Refresh func(ctx context.Context, c *Client, t Token) (Token, error)
}
