package pubtest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// WantPermanent fails t unless err is a permanent error whose text has
// every one of want.
func WantPermanent(t *testing.T, err error, want ...string) {
	t.Helper()
	if !publish.IsPermanent(err) {
		t.Errorf("got %v, want a permanent error containing %q", err, want)
		return
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q: want it to contain %q", err, w)
		}
	}
}

// Refusal is a row of a network's refusals: a post the network (or the
// publisher, before sending) must refuse for good, and what the error
// must say.
type Refusal struct {
	Name string
	// Env sets up the case (a revoked token, a first copy of the post)
	// and returns the env to publish with.
	Env  func(t *testing.T) Env
	Post publish.Post
	Want []string
	// Quiet says the publisher must refuse without a request.
	Quiet bool
}

// Refusals publishes each row's post, at its first attempt, in the row's
// env, and wants a permanent error that says each of the row's Want.
func Refusals(t *testing.T, rows []Refusal) {
	t.Helper()
	for _, row := range rows {
		t.Run(row.Name, func(t *testing.T) {
			e := row.Env(t)
			_, err := e.Publisher().Publish(Attempt(1), row.Post)
			WantPermanent(t, err, row.Want...)
			if calls := e.Fake.Calls(); row.Quiet && len(calls) != 0 {
				t.Errorf("requests sent for a post refused before sending: %v", calls)
			}
		})
	}
}

// Limit is a row of a network's limits: a post that breaks one, and what
// the error must say.
type Limit struct {
	Name string
	Post publish.Post
	Want []string
}

// LimitsBeforeSending publishes each row's post (with id "limits" at at)
// and wants a permanent error that says the row's Want, and not one
// request to the fake: a publisher checks what the network would refuse
// before it sends anything.
func LimitsBeforeSending(t *testing.T, e Env, at time.Time, rows []Limit) {
	t.Helper()
	for _, row := range rows {
		t.Run(row.Name, func(t *testing.T) {
			row.Post.ID, row.Post.At = "limits", at
			_, err := e.Publisher().Publish(Attempt(1), row.Post)
			WantPermanent(t, err, row.Want...)
		})
	}
	if calls := e.Fake.Calls(); len(calls) != 0 {
		t.Errorf("requests sent for posts the network would refuse: %v", calls)
	}
}

// InterruptedAttempt is the scenario of a lost answer: the network
// publishes post but the answer never comes back; the retry, in a new
// process, finds the post instead of sending it again, with no journal
// (the publisher asks the network) and with one (the journal alone must
// be enough, even at what looks like a first attempt). newEnv makes a
// fresh env for each.
func InterruptedAttempt(t *testing.T, newEnv func(t *testing.T) Env, post func(t *testing.T) publish.Post) {
	t.Helper()
	for _, journal := range []bool{false, true} {
		name := "no journal"
		if journal {
			name = "journal"
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			retry := 2
			if journal {
				*e.Journal = filepath.Join(t.TempDir(), "journal")
				retry = 1
			}
			p := post(t)
			e.Fake.LoseAnswers(1)
			_, err := e.Publisher().Publish(Attempt(1), p)
			if err == nil || publish.IsPermanent(err) {
				t.Fatalf("interrupted attempt: got %v, want a retryable error", err)
			}
			if n := len(e.Posted()); n != 1 {
				t.Fatalf("%d posts after the lost answer, want 1", n)
			}
			made := 0
			if e.Made != nil {
				made = e.Made()
			}
			*e.Now = e.Now.Add(30 * time.Second)
			res, err := e.Publisher().Publish(Attempt(retry), p)
			if err != nil {
				t.Fatalf("retry: %v", err)
			}
			posted := e.Posted()
			if len(posted) != 1 || res.RemoteID != posted[0] {
				t.Fatalf("after the retry: posts %q, result %q; want the one earlier post", posted, res.RemoteID)
			}
			if e.Sent != nil {
				if n := e.Sent(); n != 1 {
					t.Errorf("publishing request sent %d times, want 1", n)
				}
			}
			if e.Made != nil {
				if n := e.Made() - made; n != 0 {
					t.Errorf("the retry made %d new containers, want 0", n)
				}
			}
		})
	}
}

// RetryWithNoEarlierCopy: a retry whose earlier attempt never reached
// the network looks once (lookups counts the reads) and sends the post,
// once.
func RetryWithNoEarlierCopy(t *testing.T, e Env, post publish.Post, lookups func() int) {
	t.Helper()
	res, err := e.Publisher().Publish(Attempt(3), post)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if posted := e.Posted(); len(posted) != 1 || res.RemoteID != posted[0] {
		t.Errorf("posts %q, result %+v; want one new post", posted, res)
	}
	if n := lookups(); n != 1 {
		t.Errorf("earlier posts read %d times, want 1", n)
	}
}

// JournalRemembersPublished: a post the journal knows as published is
// answered from the journal, without a request.
func JournalRemembersPublished(t *testing.T, e Env, post publish.Post) {
	t.Helper()
	*e.Journal = filepath.Join(t.TempDir(), "journal")
	first, err := e.Publisher().Publish(Attempt(1), post)
	if err != nil {
		t.Fatal(err)
	}
	before := len(e.Fake.Calls())
	again, err := e.Publisher().Publish(Attempt(2), post)
	if err != nil || again != first {
		t.Fatalf("second Publish: got %+v, %v; want %+v", again, err, first)
	}
	if after := len(e.Fake.Calls()); after != before {
		t.Errorf("a post the journal knows as published cost %d requests, want 0", after-before)
	}
}

// Expired is a network's env in which the network has expired the
// account's access token, which the store holds with its refresh token,
// for ExpiredTokenIsRefreshed.
type Expired struct {
	Env
	// Access is the expired access token.
	Access string
	// Stored returns the account's token in the store.
	Stored func() account.Token
	// Check, when not nil, looks at the renewed token further with the
	// network's own rules (how long it lasts, what is kept).
	Check func(t *testing.T, renewed account.Token)
}

// ExpiredTokenIsRefreshed is the scenario of an expired access token: the
// publisher refreshes it and publishes, whether the store knows it has
// expired or thinks it valid until the network refuses it. expired sets
// a case up in a fresh env, saving the token with the store's expiry at
// storeExpiry from the env's clock.
func ExpiredTokenIsRefreshed(t *testing.T, network string, expired func(t *testing.T, storeExpiry time.Duration) Expired) {
	t.Helper()
	cases := []struct {
		name        string
		storeExpiry time.Duration
	}{
		{"expired in the store", -time.Minute},
		{"refused by " + network + " though the store thinks it valid", time.Hour},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := expired(t, c.storeExpiry)
			id := fmt.Sprintf("e%d", i+1)
			if _, err := e.Publisher().Publish(Attempt(1), publish.Post{ID: id, At: *e.Now, Text: "after refresh"}); err != nil {
				t.Fatalf("Publish: %v", err)
			}
			if n := len(e.Posted()); n != 1 {
				t.Errorf("%d posts on %s, want 1", n, network)
			}
			tok := e.Stored()
			if tok.Access.Reveal() == e.Access || !tok.Expiry.After(*e.Now) {
				t.Errorf("store: want the renewed token saved, got one expiring %v", tok.Expiry)
			}
			if e.Check != nil {
				e.Check(t, tok)
			}
		})
	}
}
