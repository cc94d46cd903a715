package account_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/facebook/facebooktest"
)

// browse plays the browser: it follows the dialog link to the loopback
// redirect and returns the page campaignkit shows.
func browse(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Errorf("browser: %v", err)
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestMetaLogin(t *testing.T) {
	fake := facebooktest.New()
	defer fake.Close()
	fake.AddApp("app-1", "s3cret")
	u := fake.AddUser("Comms Officer")
	page := fake.AddPage(u.ID, "IOM - UN Migration")
	fake.AddPage(u.ID, "Another Page")
	igID := fake.LinkInstagram(page.ID, "iom")
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	fake.Now = func() time.Time { return now }
	c := &account.MetaClient{AppID: "app-1", Secret: publish.NewSecret("s3cret"), DialogURL: fake.DialogURL(), GraphURL: fake.GraphURL(),
		Scopes: append(account.FacebookScopes, "instagram_basic"), Now: func() time.Time { return now }}

	var shown string
	tok, err := c.Login(context.Background(), account.LoginOptions{Timeout: 10 * time.Second, Show: func(link string) error {
		shown = link
		go browse(t, link)
		return nil
	}})
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	for _, want := range []string{"client_id=app-1", "redirect_uri=http%3A%2F%2Flocalhost%3A", "scope=pages_show_list%2Cpages_read_engagement", "state="} {
		if !strings.Contains(shown, want) {
			t.Errorf("dialog link %q: want %q", shown, want)
		}
	}
	if strings.Contains(shown, "s3cret") || strings.Contains(shown, "code_challenge") {
		t.Errorf("dialog link %q: carries the secret or a PKCE challenge", shown)
	}
	if got := tok.Expiry.Sub(now); got < 59*24*time.Hour {
		t.Errorf("token lifetime %s: want the long-lived token (about 60 days)", got)
	}

	pages, err := c.Pages(context.Background(), tok.Access)
	if err != nil || len(pages) != 2 {
		t.Fatalf("Pages: %v, %d pages; want 2", err, len(pages))
	}
	p, err := account.PickPage(pages, "iom - un migration", false)
	if err != nil || p.ID != page.ID || p.Access.IsZero() {
		t.Errorf("PickPage by name: got %+v, %v", p, err)
	}
	if _, err := account.PickPage(pages, "Somebody Else", false); err == nil || !strings.Contains(err.Error(), "IOM - UN Migration (id "+page.ID+")") {
		t.Errorf("PickPage with no match: got %v, want the Pages listed", err)
	}
	ig, err := account.PickPage(pages, "@IOM", true)
	if err != nil || ig.InstagramID != igID {
		t.Errorf("PickPage for Instagram: got %+v, %v", ig, err)
	}

	info, err := c.Debug(context.Background(), p.Access)
	if err != nil || !info.Valid || info.Type != "PAGE" || !info.Expires.IsZero() || info.ProfileID != page.ID {
		t.Errorf("Debug of the Page token: %+v, %v; want a valid PAGE token that does not expire", info, err)
	}
	info, err = c.Debug(context.Background(), tok.Access)
	if err != nil || info.Type != "USER" || info.Expires.IsZero() || !strings.Contains(strings.Join(info.Scopes, " "), "pages_manage_posts") {
		t.Errorf("Debug of the user token: %+v, %v", info, err)
	}
	if id, name, err := c.Me(context.Background(), p.Access); err != nil || id != page.ID || name != page.Name {
		t.Errorf("Me with the Page token: %s %s %v", id, name, err)
	}

	// A wrong secret is refused at the code exchange.
	bad := *c
	bad.Secret = publish.NewSecret("wrong")
	_, err = bad.Login(context.Background(), account.LoginOptions{Timeout: 10 * time.Second, Show: func(link string) error { go browse(t, link); return nil }})
	var re *account.RefusedError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "Error validating client secret.") {
		t.Errorf("wrong secret: got %v, want a RefusedError quoting Meta", err)
	}
	// The person says no.
	fake.DenyNext()
	_, err = c.Login(context.Background(), account.LoginOptions{Timeout: 10 * time.Second, Show: func(link string) error { go browse(t, link); return nil }})
	if !errors.As(err, &re) || re.Code != "access_denied" {
		t.Errorf("denied: got %v, want access_denied", err)
	}
}

func TestStoredExpiry(t *testing.T) {
	store := account.NewStore(filepath.Join(t.TempDir(), "tokens"))
	now := time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)
	src := &account.Stored{ID: "iom-ig", Network: "instagram", Store: store, Now: func() time.Time { return now }}
	if _, err := src.Token(context.Background()); !errors.Is(err, account.ErrSignIn) {
		t.Errorf("no token: got %v, want ErrSignIn", err)
	}
	store.Save("iom-ig", account.Token{Access: publish.NewSecret("EAA1"), Expiry: now.Add(time.Hour)})
	if tok, err := src.Token(context.Background()); err != nil || tok.Reveal() != "EAA1" {
		t.Errorf("valid token: got %v", err)
	}
	store.Save("iom-ig", account.Token{Access: publish.NewSecret("EAA1"), Expiry: now.Add(-time.Hour)})
	_, err := src.Token(context.Background())
	if !errors.Is(err, account.ErrSignIn) || !strings.Contains(err.Error(), "campaignkit accounts login instagram --account iom-ig") {
		t.Errorf("expired token: got %v, want ErrSignIn saying how", err)
	}
}
