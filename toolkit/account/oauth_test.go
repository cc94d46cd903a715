package account

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/x/xtest"
)

// browse plays the user's browser: it opens the authorization URL, lets the
// fake's consent page redirect to the loopback server, and returns what
// the loopback server answered.
func browse(t *testing.T, authURL string) {
	resp, err := http.Get(authURL)
	if err != nil {
		t.Errorf("browser: %v", err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("browser: the loopback page answered HTTP %d, want 200", resp.StatusCode)
	}
}

func TestLoginPKCE(t *testing.T) {
	for _, secret := range []string{"", "client-secret-1"} {
		name := "public client"
		if secret != "" {
			name = "confidential client"
		}
		t.Run(name, func(t *testing.T) {
			fake := xtest.New()
			defer fake.Close()
			fake.AddUser("UNmigration")
			fake.AddClient("client-1", secret)
			c := &Client{ID: "client-1", Secret: publish.NewSecret(secret), Scopes: XScopes,
				Endpoint: Endpoint{AuthURL: fake.AuthURL(), TokenURL: fake.TokenURL()}}
			var shown string
			browsed := make(chan struct{})
			tok, err := c.Login(context.Background(), LoginOptions{Timeout: 10 * time.Second, Show: func(u string) error {
				shown = u
				// the browser runs beside the waiting command
				go func() { defer close(browsed); browse(t, u) }()
				return nil
			}})
			if err != nil {
				t.Fatalf("Login: %v", err)
			}
			<-browsed
			u, _ := url.Parse(shown)
			q := u.Query()
			for k, want := range map[string]string{"response_type": "code", "client_id": "client-1", "code_challenge_method": "S256",
				"scope": "tweet.read tweet.write users.read media.write offline.access"} {
				if got := q.Get(k); got != want {
					t.Errorf("authorization URL %s: got %q, want %q", k, got, want)
				}
			}
			if r := q.Get("redirect_uri"); !strings.HasPrefix(r, "http://127.0.0.1:") || !strings.HasSuffix(r, "/callback") {
				t.Errorf("redirect_uri: got %q, want http://127.0.0.1:PORT/callback", r)
			}
			if len(q.Get("code_challenge")) != 43 || len(q.Get("state")) < 16 {
				t.Errorf("code_challenge %q / state %q: want a 43-character S256 challenge and a random state", q.Get("code_challenge"), q.Get("state"))
			}
			if tok.Access.IsZero() || tok.Refresh.IsZero() || tok.Expiry.IsZero() {
				t.Errorf("token: got access %v refresh %v expiry %v, want all three", !tok.Access.IsZero(), !tok.Refresh.IsZero(), tok.Expiry)
			}
			if got := tok.Missing(XScopes); len(got) != 0 {
				t.Errorf("token scopes: missing %v", got)
			}
		})
	}
}

func TestLoginRefusesWrongState(t *testing.T) {
	fake := xtest.New()
	defer fake.Close()
	fake.AddUser("UNmigration")
	fake.AddClient("client-1", "")
	c := &Client{ID: "client-1", Scopes: XScopes, Endpoint: Endpoint{AuthURL: fake.AuthURL(), TokenURL: fake.TokenURL()}}
	ctx, cancel := context.WithCancel(context.Background())
	_, err := c.Login(ctx, LoginOptions{Timeout: 10 * time.Second, Show: func(u string) error {
		go func() {
			// A forged redirect with another state must be refused and
			// must not end the wait; the test then gives up.
			pu, _ := url.Parse(u)
			redirect := pu.Query().Get("redirect_uri")
			resp, err := http.Get(redirect + "?code=stolen&state=forged")
			if err != nil {
				t.Errorf("forged redirect: %v", err)
			} else {
				resp.Body.Close()
				if resp.StatusCode != http.StatusBadRequest {
					t.Errorf("forged redirect: got HTTP %d, want 400", resp.StatusCode)
				}
			}
			cancel()
		}()
		return nil
	}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Login after a forged redirect: got %v, want it still waiting until cancelled", err)
	}
}

func TestLoginTimeout(t *testing.T) {
	c := &Client{ID: "client-1", Scopes: XScopes, Endpoint: Endpoint{AuthURL: "http://127.0.0.1:1/authorize", TokenURL: "http://127.0.0.1:1/token"}}
	_, err := c.Login(context.Background(), LoginOptions{Timeout: 50 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "no sign-in within") {
		t.Errorf("got %v, want a timeout saying no sign-in came", err)
	}
}

// TestSourceRefresh: a token about to expire is renewed before use and the
// renewed one is saved; a refused refresh token asks for a new sign-in.
func TestSourceRefresh(t *testing.T) {
	fake := xtest.New()
	defer fake.Close()
	now := time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)
	fake.Now = func() time.Time { return now }
	u := fake.AddUser("UNmigration")
	fake.AddClient("client-1", "")
	access, refresh := fake.Issue(u.ID, "client-1", XScopes)
	store := NewStore(filepath.Join(t.TempDir(), "tokens"))
	if err := store.Save("un-x-en", Token{Access: publish.NewSecret(access), Refresh: publish.NewSecret(refresh),
		Expiry: now.Add(3 * time.Minute), Scopes: XScopes, UserID: u.ID}); err != nil {
		t.Fatal(err)
	}
	c := &Client{ID: "client-1", Scopes: XScopes, Endpoint: Endpoint{AuthURL: fake.AuthURL(), TokenURL: fake.TokenURL()}, Now: func() time.Time { return now }}
	src := &Source{ID: "un-x-en", Store: store, Client: c, Now: func() time.Time { return now }}
	got, err := src.Token(context.Background())
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if got.Reveal() == access {
		t.Errorf("Token: got the old access token, want it renewed (3 min left < 5 min margin)")
	}
	saved, _ := store.Load("un-x-en")
	if saved.Access.Reveal() != got.Reveal() || saved.Refresh.Reveal() == refresh || saved.UserID != u.ID {
		t.Errorf("store after refresh: got access %q refresh rotated=%v user %q, want the new token saved with the user id kept",
			saved.Access.Reveal(), saved.Refresh.Reveal() != refresh, saved.UserID)
	}
	// a second call within the margin does not refresh again
	again, _ := src.Token(context.Background())
	if again.Reveal() != got.Reveal() {
		t.Errorf("second Token: refreshed again")
	}

	fake.Revoke(u.ID)
	_, err = src.Refresh(context.Background(), got)
	if !errors.Is(err, ErrSignIn) {
		t.Errorf("Refresh after the user revoked the app: got %v, want ErrSignIn", err)
	}
}
