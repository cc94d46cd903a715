package account

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// RefreshMargin is how long before its expiry an access token is renewed:
// long enough for a post with four images to finish with the old one.
const RefreshMargin = 5 * time.Minute

// Source hands a publisher a valid access token for one account, renewing
// it through the refresh token when it is about to expire and saving the
// new one in the store, so a restart does not need a new sign-in.
type Source struct {
	ID     string // the account id, the token file's name
	Store  *Store
	Client *Client
	Now    func() time.Time // default: time.Now
	Margin time.Duration    // default: RefreshMargin

	mu  sync.Mutex
	tok Token
	got bool
}

// ErrSignIn wraps every error that only a new sign-in can fix: no token,
// a refresh token the network no longer accepts.
var ErrSignIn = errors.New("sign in again")

// TokenError is the one way a publisher reports that it has no usable
// token: a refusal only a new sign-in can fix is permanent (401) and says
// how to sign in (hint); anything else (a store that cannot be read) is
// an ordinary error, retried.
func TokenError(network string, err error, hint string) error {
	if errors.Is(err, ErrSignIn) {
		return &publish.PermanentError{Status: 401, Msg: fmt.Sprintf("%s: %v (%s)", network, err, hint)}
	}
	return fmt.Errorf("%s: access token: %w", network, err)
}

func (s *Source) now() time.Time { return nowOr(s.Now) }

// Current returns the stored token as it is, without renewing it.
func (s *Source) Current() (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return Token{}, err
	}
	return s.tok, nil
}

func (s *Source) load() error {
	if s.got {
		return nil
	}
	t, err := s.Store.Load(s.ID)
	if err != nil {
		if errors.Is(err, ErrNoToken) {
			return fmt.Errorf("%w: %w", ErrSignIn, err)
		}
		return err
	}
	s.tok, s.got = t, true
	return nil
}

// Token returns an access token valid for at least Margin, refreshing the
// stored one first when needed.
func (s *Source) Token(ctx context.Context) (publish.Secret, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return publish.Secret{}, err
	}
	margin := s.Margin
	if margin <= 0 {
		margin = RefreshMargin
	}
	if s.tok.ExpiresWithin(s.now(), margin) {
		if err := s.refresh(ctx, s.tok); err != nil {
			return publish.Secret{}, err
		}
	}
	return s.tok.Access, nil
}

// Refresh renews the token although it looks valid: the network answered
// 401 to it (revoked, or a clock that disagrees). stale is the access token
// that was refused; when another caller has already replaced it, the new
// one is returned without a second refresh.
func (s *Source) Refresh(ctx context.Context, stale publish.Secret) (publish.Secret, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return publish.Secret{}, err
	}
	if s.tok.Access.Reveal() != stale.Reveal() {
		return s.tok.Access, nil
	}
	if err := s.refresh(ctx, s.tok); err != nil {
		return publish.Secret{}, err
	}
	return s.tok.Access, nil
}

// refresh renews old and stores the result. With refresh-token rotation,
// two processes renewing at once leave one of them holding a spent
// refresh token; that one finds the other's new token in the store.
func (s *Source) refresh(ctx context.Context, old Token) error {
	nt, err := s.Client.Refresh(ctx, old)
	if err != nil {
		var re *RefusedError
		if errors.As(err, &re) {
			if fresh, lerr := s.Store.Load(s.ID); lerr == nil && fresh.Access.Reveal() != old.Access.Reveal() && !fresh.ExpiresWithin(s.now(), time.Minute) {
				s.tok = fresh
				return nil
			}
			return fmt.Errorf("account %s: the refresh token was refused (%w); %w: campaignkit accounts login NETWORK --account %s", s.ID, err, ErrSignIn, s.ID)
		}
		return fmt.Errorf("account %s: renewing the access token: %w", s.ID, err)
	}
	if err := s.Store.Save(s.ID, nt); err != nil {
		// The old refresh token may already be spent: keep the new token
		// in memory so this process goes on, and say why a restart may
		// need a sign-in.
		s.tok = nt
		return fmt.Errorf("account %s: saving the renewed token: %w", s.ID, err)
	}
	s.tok = nt
	return nil
}
