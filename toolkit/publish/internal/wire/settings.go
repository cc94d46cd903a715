package wire

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Settings points at the settings a publisher's own Config shares with
// the others, so that Check names a wrong one the same way for every
// network and fills in the same defaults. A nil pointer is a setting the
// network does not have.
type Settings struct {
	Network string // as messages start: "x"

	API        *string // base URL of the network's API
	DefaultAPI string
	// Tokens says whether the Config has a token source; checked when
	// NeedTokens.
	NeedTokens, Tokens bool

	LookupCount   *int // recent posts read when looking for an earlier copy
	LookupDefault int
	LookupMin     int // the most is 100, what the networks serve in one page

	PollInterval    *time.Duration // wait between two checks of processing media
	PollDefault     time.Duration
	MaxPolls        *int
	MaxPollsDefault int

	Client  **http.Client // default: a 60 s timeout
	Timeout time.Duration // the default client's timeout, when not 60 s
	Now     *func() time.Time
	Sleep   *func(ctx context.Context, d time.Duration) error
}

// Check checks the settings and fills in the defaults of those left
// empty (Fill).
func (s Settings) Check() error {
	if s.API != nil {
		if *s.API == "" {
			*s.API = s.DefaultAPI
		}
		if !IsURL(*s.API) {
			return fmt.Errorf("%s: API %q: want a URL such as %s", s.Network, *s.API, s.DefaultAPI)
		}
	}
	if s.NeedTokens && !s.Tokens {
		return errors.New(s.Network + ": token source: required")
	}
	if s.LookupCount != nil {
		if *s.LookupCount == 0 {
			*s.LookupCount = s.LookupDefault
		}
		if *s.LookupCount < s.LookupMin || *s.LookupCount > 100 {
			return fmt.Errorf("%s: lookup count %d: want %d to 100", s.Network, *s.LookupCount, s.LookupMin)
		}
	}
	s.Fill()
	return nil
}

// Fill fills in the defaults of the settings left empty, for a
// publisher with nothing to check among them.
func (s Settings) Fill() {
	if s.PollInterval != nil && *s.PollInterval <= 0 {
		*s.PollInterval = s.PollDefault
	}
	if s.MaxPolls != nil && *s.MaxPolls <= 0 {
		*s.MaxPolls = s.MaxPollsDefault
	}
	if s.Client != nil && *s.Client == nil {
		*s.Client = &http.Client{Timeout: cmp.Or(s.Timeout, 60*time.Second)}
	}
	if s.Now != nil && *s.Now == nil {
		*s.Now = time.Now
	}
	if s.Sleep != nil && *s.Sleep == nil {
		*s.Sleep = Sleep
	}
}
