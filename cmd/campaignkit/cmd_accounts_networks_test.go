package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/linkedin/linkedintest"
	"github.com/campaignkit/campaignkit/toolkit/publish/threads/threadstest"
)

const networkAccounts = `accounts:
  - id: iom-linkedin
    network: linkedin
    handle: IOM - UN Migration
  - id: un-threads
    network: threads
    handle: "@unmigration"
`

// fakeLinkedIn starts a fake LinkedIn with a member who signs in, its
// app (with programmatic refresh tokens or not), and points campaignkit
// at it.
func fakeLinkedIn(t *testing.T, refresh bool) (*linkedintest.Server, linkedintest.Member) {
	t.Helper()
	fake := linkedintest.New()
	t.Cleanup(fake.Close)
	m := fake.AddMember("Amy Pope")
	fake.AddClient("li-client", "li-secret", refresh)
	t.Setenv("CAMPAIGNKIT_LINKEDIN_CLIENT_ID", "li-client")
	t.Setenv("CAMPAIGNKIT_LINKEDIN_CLIENT_SECRET", "li-secret")
	t.Setenv(envLinkedInAPI, fake.URL)
	t.Setenv(envLinkedInOAuth, fake.URL+"/oauth/v2")
	return fake, m
}

func TestAccountsLoginLinkedIn(t *testing.T) {
	path, state := writeAccounts(t, networkAccounts)
	fake, m := fakeLinkedIn(t, true)
	fake.AddOrganization("UN Network on Migration", m.URN, "CONTENT_ADMINISTRATOR")
	org := fake.AddOrganization("IOM - UN Migration", m.URN, "ADMINISTRATOR")

	out, _ := loginThroughBrowser(t, "linkedin", "--accounts", path, "--state", state, "--timeout", "20s")
	// two pages; the one named as the handle is chosen
	if !strings.Contains(out, `go out as the page "IOM - UN Migration" (`+org.URN()+`, role ADMINISTRATOR)`) {
		t.Errorf("stdout: want the page chosen by the account's handle:\n%s", out)
	}
	tok, err := storedToken(state, "iom-linkedin")
	if err != nil || tok.UserID != org.URN() || tok.Refresh.IsZero() || tok.Missing(account.LinkedInScopes) != nil {
		t.Fatalf("stored token: %v, organization %q, refresh %v, scopes %v", err, tok.UserID, !tok.Refresh.IsZero(), tok.Scopes)
	}
	if strings.Contains(out, tok.Access.Reveal()) {
		t.Errorf("the access token was printed")
	}
	c, stdout, stderr := runCLI(t, "accounts", "check", "linkedin", "--accounts", path, "--state", state)
	if c != 0 || !strings.Contains(stdout, `posts as "IOM - UN Migration"`) || !strings.Contains(stdout, "role APPROVED ADMINISTRATOR") ||
		!strings.Contains(stdout, "scopes: w_organization_social r_organization_social rw_organization_admin") {
		t.Errorf("check: exit %d\n%s%s", c, stdout, stderr)
	}

	// `run` publishes linkedin posts through the account
	t.Setenv("CAMPAIGNKIT_THREADS_CLIENT_ID", "unused")
	t.Setenv("CAMPAIGNKIT_THREADS_CLIENT_SECRET", "unused")
	t.Setenv(envAccounts, path)
	pubs, err := publishers(state, os.LookupEnv, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("publishers: %v", err)
	}
	if _, err := pubs["linkedin"].Publish(publish.WithAttempt(context.Background(), 1), publish.Post{ID: "a", Lang: "fr", At: time.Now(), Text: "Bonjour (tout le monde)"}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if posts := fake.Posts(); len(posts) != 1 || posts[0].Author != org.URN() || posts[0].Shown != "Bonjour (tout le monde)" {
		t.Errorf("posts: %+v", posts)
	}
}

func TestAccountsLoginLinkedInChoosesAmongPages(t *testing.T) {
	path, state := writeAccounts(t, networkAccounts)
	fake, m := fakeLinkedIn(t, false)
	fake.AddOrganization("Page one", m.URN, "ADMINISTRATOR")
	two := fake.AddOrganization("Page two", m.URN, "ADMINISTRATOR")
	id := strings.TrimPrefix(two.URN(), "urn:li:organization:")
	out, _ := loginThroughBrowser(t, "linkedin", "--accounts", path, "--state", state, "--timeout", "20s", "--organization", id)
	if !strings.Contains(out, `"Page two"`) || !strings.Contains(out, "gave no refresh token") {
		t.Errorf("stdout: want Page two and a note about the missing refresh token:\n%s", out)
	}
}

func TestAccountsLoginThreads(t *testing.T) {
	path, state := writeAccounts(t, networkAccounts)
	fake := threadstest.New()
	t.Cleanup(fake.Close)
	u := fake.AddUser("unmigration")
	fake.AddClient("990602627938098", "app-secret")
	t.Setenv("CAMPAIGNKIT_THREADS_CLIENT_ID", "990602627938098")
	t.Setenv("CAMPAIGNKIT_THREADS_CLIENT_SECRET", "app-secret")
	t.Setenv(envThreadsAPI, fake.URL)
	t.Setenv(envThreadsAuthorize, fake.AuthURL())
	t.Setenv(envPublicBaseURL, "")

	out, _ := loginThroughBrowser(t, "threads", "--accounts", path, "--state", state, "--timeout", "20s")
	if !strings.Contains(out, "Signed in as @unmigration.") || !strings.Contains(out, "Sign in to Threads as @unmigration") {
		t.Errorf("stdout:\n%s", out)
	}
	tok, err := storedToken(state, "un-threads")
	if err != nil || tok.UserID != u.ID || tok.Expiry.Before(time.Now().Add(59*24*time.Hour)) {
		t.Fatalf("stored token: %v, user %q, expiry %v; want the user and a 60-day token", err, tok.UserID, tok.Expiry)
	}
	c, stdout, stderr := runCLI(t, "accounts", "check", "threads", "--accounts", path, "--state", state)
	if c != 0 || !strings.Contains(stdout, "signed in as @unmigration") || !strings.Contains(stdout, "publishing quota: 0 of 250") ||
		!strings.Contains(stdout, "CAMPAIGNKIT_PUBLIC_BASE_URL is not set") {
		t.Errorf("check: exit %d\n%s%s", c, stdout, stderr)
	}
}
