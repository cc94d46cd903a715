package account

import (
	"net/http"
	"time"
)

// callTimeout bounds one call to a network's sign-in or token endpoint
// when the caller gave no client of its own: a person is waiting at the
// terminal, and a hung endpoint must not hang `accounts` with it.
const callTimeout = 30 * time.Second

// clientOr is c, or a client with callTimeout when c is nil.
func clientOr(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{Timeout: callTimeout}
}

// nowOr is now(), or the wall clock when now is nil: the clients and the
// token source take an injected clock for their tests.
func nowOr(now func() time.Time) time.Time {
	if now != nil {
		return now()
	}
	return time.Now()
}
