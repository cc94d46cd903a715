package main

import (
	"context"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/facebook/facebooktest"
	"github.com/campaignkit/campaignkit/toolkit/publish/instagram/instagramtest"
)

const testMetaAccounts = `accounts:
  - id: iom-fb
    network: facebook
    handle: IOM - UN Migration
  - id: iom-ig
    network: instagram
    handle: "@iom"
`

// metaFake is the part of both Meta fakes the command tests use.
type metaFake interface {
	AddApp(id, secret string)
	AddUser(name string) facebooktest.User
	AddPage(userID, name string) facebooktest.Page
	LinkInstagram(pageID, username string) string
	DialogURL() string
	Close()
}

// fakeMeta points campaignkit at fake (a facebooktest or instagramtest
// server) with a person who manages two Pages, one linked to @iom.
func fakeMeta(t *testing.T, fake metaFake, url string) (accountsPath, state string) {
	t.Helper()
	t.Cleanup(fake.Close)
	fake.AddApp("meta-app-1", "meta-secret")
	u := fake.AddUser("Comms Officer")
	fake.AddPage(u.ID, "Another Page")
	p := fake.AddPage(u.ID, "IOM - UN Migration")
	fake.LinkInstagram(p.ID, "iom")
	for _, n := range []string{"FACEBOOK", "INSTAGRAM"} {
		t.Setenv("CAMPAIGNKIT_"+n+"_CLIENT_ID", "meta-app-1")
		t.Setenv("CAMPAIGNKIT_"+n+"_CLIENT_SECRET", "meta-secret")
	}
	t.Setenv(envMetaAPI, url)
	t.Setenv(envMetaDialog, fake.DialogURL())
	t.Setenv(envPublicBaseURL, "")
	return writeAccounts(t, testMetaAccounts)
}

// loginAsBrowser signs account id of network in through the fake's
// dialog, and wants the app secret kept out of what the command prints.
func loginAsBrowser(t *testing.T, network, id, path, state string) string {
	t.Helper()
	stdout, stderr := loginThroughBrowser(t, network, "--account", id, "--accounts", path, "--state", state, "--timeout", "20s")
	if strings.Contains(stdout+stderr, "meta-secret") {
		t.Errorf("the app secret was printed")
	}
	return stdout
}

func TestAccountsLoginFacebook(t *testing.T) {
	fake := facebooktest.New()
	path, state := fakeMeta(t, fake, fake.URL)
	out := loginAsBrowser(t, "facebook", "iom-fb", path, state)
	if !strings.Contains(out, "Signed in to the Page IOM - UN Migration") || !strings.Contains(out, "The token does not expire") {
		t.Errorf("stdout: want the Page and that its token does not expire:\n%s", out)
	}
	tok, err := storedToken(state, "iom-fb")
	if err != nil || tok.Username != "IOM - UN Migration" || tok.UserID == "" || !tok.Expiry.IsZero() {
		t.Fatalf("stored token: %v, %q/%q, expiry %v; want the Page's token, not expiring", err, tok.UserID, tok.Username, tok.Expiry)
	}
	if strings.Contains(out, tok.Access.Reveal()) {
		t.Errorf("the token was printed")
	}
	c, stdout, stderr := runCLI(t, "accounts", "check", "facebook", "--accounts", path, "--state", state)
	for _, want := range []string{"signed in to the Page IOM - UN Migration", "permissions: public_profile pages_show_list pages_read_engagement pages_manage_posts", "  expires: never", "data access expires: "} {
		if c != 0 || !strings.Contains(stdout, want) {
			t.Errorf("check: exit %d, want %q in\n%s%s", c, want, stdout, stderr)
		}
	}
}

func TestAccountsLoginInstagram(t *testing.T) {
	fake := instagramtest.New()
	path, state := fakeMeta(t, fake, fake.URL)
	// The sign-in happened 50 days ago: the 60-day token has 10 left.
	fake.Now = func() time.Time { return time.Now().Add(-50 * 24 * time.Hour) }
	out := loginAsBrowser(t, "instagram", "iom-ig", path, state)
	if !strings.Contains(out, "Signed in to @iom (Instagram account 1784") || !strings.Contains(out, "linked to the Page IOM - UN Migration") || !strings.Contains(out, "sign in again before then") {
		t.Errorf("stdout: want the account, its Page and when to sign in again:\n%s", out)
	}
	tok, err := storedToken(state, "iom-ig")
	if err != nil || tok.Username != "iom" || !strings.HasPrefix(tok.UserID, "1784") || tok.Expiry.IsZero() {
		t.Fatalf("stored token: %v, %q/%q, expiry %v; want the Instagram account and an expiry", err, tok.UserID, tok.Username, tok.Expiry)
	}
	c, stdout, stderr := runCLI(t, "accounts", "check", "instagram", "--accounts", path, "--state", state)
	for _, want := range []string{"signed in as @iom", "permissions: public_profile instagram_basic instagram_content_publish pages_show_list pages_read_engagement",
		"CAMPAIGNKIT_PUBLIC_BASE_URL is not set", "sign in again before then: campaignkit accounts login instagram --account iom-ig"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check: want %q in\n%s%s", want, stdout, stderr)
		}
	}
	if c != 1 || !strings.Contains(stdout+stderr, "1 of 1 accounts failed the check") {
		t.Errorf("check of a token 10 days from expiry: exit %d, want 1\n%s%s", c, stdout, stderr)
	}
}

// TestAccountsRunPublishersMeta: `campaignkit run` publishes facebook and
// instagram posts through the signed-in accounts; Instagram fetches the
// image from <state>/public/ at CAMPAIGNKIT_PUBLIC_BASE_URL.
func TestAccountsRunPublishersMeta(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := publish.WithAttempt(context.Background(), 1)

	t.Run("facebook", func(t *testing.T) {
		fake := facebooktest.New()
		path, state := fakeMeta(t, fake, fake.URL)
		t.Setenv(envAccounts, path)
		pubs, err := publishers(state, os.LookupEnv, quiet)
		if err != nil {
			t.Fatal(err)
		}
		// not signed in yet: refused, saying how
		_, err = pubs["facebook"].Publish(ctx, publish.Post{ID: "f0", Lang: "en", At: time.Now(), Text: "hello"})
		if !publish.IsPermanent(err) || !strings.Contains(err.Error(), "accounts login NETWORK --account iom-fb") {
			t.Errorf("before sign-in: got %v, want a permanent error saying how to sign in", err)
		}
		loginAsBrowser(t, "facebook", "iom-fb", path, state)
		pubs, err = publishers(state, os.LookupEnv, quiet)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pubs["facebook"].Publish(ctx, publish.Post{ID: "f1", Lang: "en", At: time.Now(), Text: "Every migrant has rights."}); err != nil {
			t.Fatalf("publish: %v", err)
		}
		if posts := fake.Posts(); len(posts) != 1 || posts[0].Message != "Every migrant has rights." {
			t.Errorf("posts: %+v", posts)
		}
	})
	t.Run("instagram", func(t *testing.T) {
		fake := instagramtest.New()
		fake.ProcessingPolls = 0 // FINISHED at once: the real publisher would wait PollInterval
		path, state := fakeMeta(t, fake, fake.URL)
		t.Setenv(envAccounts, path)
		loginAsBrowser(t, "instagram", "iom-ig", path, state)
		img := filepath.Join(t.TempDir(), "card.jpg")
		f, _ := os.Create(img)
		jpeg.Encode(f, image.NewGray(image.Rect(0, 0, 108, 108)), nil)
		f.Close()
		post := publish.Post{ID: "i1", Lang: "en", At: time.Now(), Text: "Every migrant has rights. #MigrantsDay", Images: []publish.Image{{Path: img, Alt: "A grey card."}}}

		pubs, err := publishers(state, os.LookupEnv, quiet)
		if err != nil {
			t.Fatal(err)
		}
		_, err = pubs["instagram"].Publish(ctx, post)
		if !publish.IsPermanent(err) || !strings.Contains(err.Error(), "set CAMPAIGNKIT_PUBLIC_BASE_URL") {
			t.Errorf("no public base URL: got %v, want a permanent error saying to set it", err)
		}

		// what `campaignkit serve` will do: serve <state>/public at /public/
		web := httptest.NewServer(http.StripPrefix("/public/", http.FileServer(http.Dir(filepath.Join(state, "public")))))
		defer web.Close()
		t.Setenv(envPublicBaseURL, web.URL+"/public/")
		pubs, err = publishers(state, os.LookupEnv, quiet)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pubs["instagram"].Publish(ctx, post); err != nil {
			t.Fatalf("publish: %v", err)
		}
		media := fake.Media()
		if len(media) != 1 || media[0].Caption != post.Text || media[0].Alts[0] != "A grey card." || !strings.HasPrefix(media[0].Images[0], web.URL+"/public/") {
			t.Errorf("media: %+v", media)
		}
	})
}
