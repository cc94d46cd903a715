package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/x/xtest"
)

const testAccounts = `accounts:
  - id: un-x-en
    network: x
    handle: "@UNmigration"
    languages: [en]
  - id: onu-x-es
    network: x
    handle: "@ONUmigracion"
    languages: [es]
  - id: iom-linkedin
    network: linkedin
    handle: IOM - UN Migration
`

// fakeX starts a fake X with both accounts and points campaignkit at it.
func fakeX(t *testing.T) (*xtest.Server, string, string) {
	t.Helper()
	fake := xtest.New()
	t.Cleanup(fake.Close)
	fake.AddUser("ONUmigracion")
	fake.AddUser("UNmigration") // the browser's signed-in user
	fake.AddClient("client-1", "")
	t.Setenv("CAMPAIGNKIT_X_CLIENT_ID", "client-1")
	t.Setenv("CAMPAIGNKIT_X_CLIENT_SECRET", "")
	t.Setenv(envXAPI, fake.URL)
	t.Setenv(envXAuthorize, fake.AuthURL())
	path, state := writeAccounts(t, testAccounts)
	return fake, path, state
}

// TestAccountsLoginX runs `campaignkit accounts login x` against the fake
// X, the test playing the browser: it follows the printed link, the fake
// consents and redirects to the loopback server with code and state.
func TestAccountsLoginX(t *testing.T) {
	_, path, state := fakeX(t)
	out, errb := loginThroughBrowser(t, "x", "--account", "un-x-en", "--accounts", path, "--state", state, "--timeout", "20s")
	if !strings.Contains(out, "Signed in as @UNmigration.") {
		t.Errorf("stdout: want it to say who signed in:\n%s", out)
	}
	tokFile := filepath.Join(state, "tokens", "un-x-en.json")
	st, err := os.Stat(tokFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v, mode %v; want it 0600", err, st)
	}
	tok, err := storedToken(state, "un-x-en")
	if err != nil || tok.UserID == "" || tok.Username != "UNmigration" || tok.Refresh.IsZero() {
		t.Errorf("stored token: %v, user %q/%q, refresh %v; want the user and a refresh token", err, tok.UserID, tok.Username, !tok.Refresh.IsZero())
	}
	if strings.Contains(out+errb, tok.Access.Reveal()) {
		t.Errorf("the access token was printed")
	}

	c, stdout, stderr := runCLI(t, "accounts", "check", "x", "--account", "un-x-en", "--accounts", path, "--state", state)
	if c != 0 || !strings.Contains(stdout, "signed in as @UNmigration") || !strings.Contains(stdout, "scopes: tweet.read tweet.write users.read media.write offline.access") || !strings.Contains(stdout, "expires: ") {
		t.Errorf("check: exit %d\n%s%s", c, stdout, stderr)
	}
	c, stdout, _ = runCLI(t, "accounts", "list", "--accounts", path, "--state", state)
	if c != 0 || !strings.Contains(stdout, "yes, as @UNmigration") || !strings.Contains(stdout, "no (campaignkit accounts login x --account onu-x-es)") {
		t.Errorf("list: exit %d\n%s", c, stdout)
	}
	// several X accounts: login without --account must ask which
	c, _, stderr = runCLI(t, "accounts", "login", "x", "--accounts", path, "--state", state)
	if c != 2 || !strings.Contains(stderr, "choose one with --account (un-x-en, onu-x-es)") {
		t.Errorf("login without --account: exit %d, %s", c, stderr)
	}
}

func TestAccountsFileProblems(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "accounts.yaml")
	os.WriteFile(path, []byte("accounts:\n  - id: un\n    network: x\n    handle: \"@UN\"\n    credentials:\n      client_secret: s3cr3tValueThatIsLong123\n"), 0o644)
	c, _, stderr := runCLI(t, "accounts", "list", "--accounts", path, "--state", dir)
	if c != 2 || !strings.Contains(stderr, path+":6: accounts[0].credentials.client_secret: a secret must not be written in this file") {
		t.Errorf("exit %d, stderr %q; want 2 and the problem at file:line", c, stderr)
	}
}

// TestAccountsRunPublishers: `campaignkit run` publishes x posts through
// the account of each post's language.
func TestAccountsRunPublishers(t *testing.T) {
	fake, path, state := fakeX(t)
	t.Setenv(envAccounts, path)
	t.Setenv("CAMPAIGNKIT_LINKEDIN_CLIENT_ID", "li-client")
	t.Setenv("CAMPAIGNKIT_LINKEDIN_CLIENT_SECRET", "li-secret")
	store := account.NewStore(filepath.Join(state, "tokens"))
	for id, name := range map[string]string{"un-x-en": "UNmigration", "onu-x-es": "ONUmigracion"} {
		access, refresh := fake.Issue(userID(t, fake, name), "client-1", account.XScopes)
		if err := store.Save(id, account.Token{Access: publish.NewSecret(access), Refresh: publish.NewSecret(refresh),
			Expiry: time.Now().Add(time.Hour), Scopes: account.XScopes}); err != nil {
			t.Fatal(err)
		}
	}
	pubs, err := publishers(state, os.LookupEnv, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("publishers: %v", err)
	}
	if pubs["x"] == nil || pubs["x"].Name() != "x" {
		t.Fatalf("x channel: got %v, want the accounts' publisher", pubs["x"])
	}
	if pubs["linkedin"].Name() != "linkedin" {
		t.Errorf("linkedin: got %s, want the account's publisher", pubs["linkedin"].Name())
	}
	ctx := publish.WithAttempt(context.Background(), 1)
	for _, p := range []publish.Post{{ID: "a", Lang: "en", At: time.Now(), Text: "hello"}, {ID: "b", Lang: "es", At: time.Now(), Text: "hola"}} {
		if _, err := pubs["x"].Publish(ctx, p); err != nil {
			t.Fatalf("publish %s: %v", p.Lang, err)
		}
	}
	_, err = pubs["x"].Publish(ctx, publish.Post{ID: "c", Lang: "fr", At: time.Now(), Text: "bonjour"})
	if !publish.IsPermanent(err) || !strings.Contains(err.Error(), `no x account serves language "fr"`) {
		t.Errorf("fr: got %v, want a permanent error saying no account serves it", err)
	}
	byAuthor := map[string]string{}
	for _, tw := range fake.Tweets() {
		byAuthor[tw.Text] = tw.AuthorID
	}
	if byAuthor["hello"] != userID(t, fake, "UNmigration") || byAuthor["hola"] != userID(t, fake, "ONUmigracion") {
		t.Errorf("posts by author: %v; want hello from @UNmigration and hola from @ONUmigracion", byAuthor)
	}
}

func userID(t *testing.T, fake *xtest.Server, name string) string {
	t.Helper()
	u, ok := fake.User(name)
	if !ok {
		t.Fatalf("no user %s on the fake", name)
	}
	return u.ID
}

func TestOtherUser(t *testing.T) {
	for _, tt := range []struct {
		handle, username string
		want             bool
	}{
		{"@UNmigration", "UNmigration", false},
		{"unmigration", "UNmigration", false},
		{"", "UNmigration", false},
		{"@IOM", "UNmigration", true},
	} {
		if got := otherUser(tt.handle, tt.username); got != tt.want {
			t.Errorf("otherUser(%q, %q) = %v, want %v", tt.handle, tt.username, got, tt.want)
		}
	}
}

func TestPrintExpiry(t *testing.T) {
	old := account.Token{Access: publish.NewSecret("a1"), Expiry: time.Now().Add(time.Hour)}
	renewed := account.Token{Access: publish.NewSecret("a2"), Expiry: time.Now().Add(2 * time.Hour)}
	for _, tt := range []struct {
		name          string
		before, after account.Token
		note          string
		want, not     string
	}{
		{"never", account.Token{}, account.Token{}, "", "  expires: never\n", "in "},
		{"kept", old, old, "", "  expires: ", "just renewed"},
		{"renewed", old, renewed, " (a note)", "(just renewed) (a note)\n", "never"},
	} {
		var b strings.Builder
		printExpiry(&b, tt.before, tt.after, tt.note)
		if got := b.String(); !strings.Contains(got, tt.want) || strings.Contains(got, tt.not) {
			t.Errorf("%s: got %q, want %q and not %q", tt.name, got, tt.want, tt.not)
		}
	}
}
