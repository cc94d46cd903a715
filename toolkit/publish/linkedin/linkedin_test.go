package linkedin_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/pubtest"
	"github.com/campaignkit/campaignkit/toolkit/publish/linkedin"
	"github.com/campaignkit/campaignkit/toolkit/publish/linkedin/linkedintest"
)

// env is a fake LinkedIn with one member administering the IOM page, and
// the token store a `campaignkit accounts login linkedin` would have left.
type env struct {
	pubtest.Base
	fake    *linkedintest.Server
	member  linkedintest.Member
	org     linkedintest.Organization
	client  *account.Client
	version string
}

func newEnv(t *testing.T, scopes ...string) *env {
	t.Helper()
	scopes = pubtest.Scopes(scopes, linkedin.Scopes)
	e := &env{Base: pubtest.NewBase(t), fake: linkedintest.New()}
	e.Serve(e.fake, &e.fake.Now)
	e.member = e.fake.AddMember("Amy Pope")
	e.org = e.fake.AddOrganization("IOM - UN Migration", e.member.URN, "ADMINISTRATOR")
	e.fake.AddClient("client-1", "secret-1", true)
	e.client = &account.Client{ID: "client-1", Secret: publish.NewSecret("secret-1"), Scopes: account.LinkedInScopes, Now: e.Clock,
		Endpoint: account.Endpoint{AuthURL: e.fake.AuthURL(), TokenURL: e.fake.TokenURL(), NoPKCE: true, SecretInBody: true}}
	access, refresh := e.fake.Issue(e.member.URN, "client-1", scopes)
	e.save(access, refresh, e.Now.Add(60*24*time.Hour), scopes)
	return e
}

func (e *env) save(access, refresh string, expiry time.Time, scopes []string) {
	e.Save("iom-linkedin", account.Token{Access: publish.NewSecret(access), Refresh: publish.NewSecret(refresh),
		Expiry: expiry, Scopes: scopes, UserID: e.org.URN(), Username: e.org.Name})
}

// publisher is a new publisher, as a new process would make it.
func (e *env) publisher() *linkedin.Publisher {
	e.T.Helper()
	src := &account.Source{ID: "iom-linkedin", Store: e.Store, Client: e.client, Now: e.Clock}
	return pubtest.New(e.T, linkedin.New, linkedin.Config{API: e.fake.URL, Version: e.version, Account: "iom-linkedin", Handle: "IOM - UN Migration",
		Organization: e.org.URN(), Tokens: src, Journal: e.Journal, Now: e.Clock, Sleep: pubtest.NoSleep})
}

// pub is the env as the shared scenarios drive it.
func (e *env) pub() pubtest.Env {
	pe := e.Env(e.fake, func() publish.Publisher { return e.publisher() })
	pe.Posted = func() []string { return pubtest.IDs(e.fake.Posts(), func(p linkedintest.Post) string { return p.URN }) }
	pe.Sent = func() int { return e.fake.Count("POST /rest/posts") }
	return pe
}

func TestImagePostWithAlt(t *testing.T) {
	e := newEnv(t)
	card := pubtest.WritePNG(t, "card.png", 120, 63)
	post := pubtest.FirstPost("linkedin")
	post.Images = []publish.Image{{Path: card, Alt: pubtest.Alt}}
	res := pubtest.Publish(t, e.publisher(), post)
	posts := e.fake.Posts()
	if len(posts) != 1 {
		t.Fatalf("got %d posts, want 1", len(posts))
	}
	p := posts[0]
	if p.Author != e.org.URN() || len(p.Images) != 1 || p.AltTexts[0] != pubtest.Alt {
		t.Errorf("post: got %+v, want one image with its alt text, authored by the page", p)
	}
	if want := pubtest.TextThenLink; p.Shown != want {
		t.Errorf("text as shown: got %q, want %q", p.Shown, want)
	}
	if res.RemoteID != p.URN || res.URL != "https://www.linkedin.com/feed/update/"+p.URN+"/" {
		t.Errorf("result: got %+v, want the URN from x-restli-id and its feed URL", res)
	}
	calls := e.fake.Calls()
	for call, want := range map[string]int{"POST /rest/images": 1, "GET /rest/posts": 0, "POST /rest/posts": 1} {
		if got := pubtest.Count(calls, call); got != want {
			t.Errorf("%s: %d calls, want %d", call, got, want)
		}
	}
	if h := e.fake.LastHeaders(); h.Get("LinkedIn-Version") != linkedin.DefaultVersion || h.Get("X-Restli-Protocol-Version") != "2.0.0" {
		t.Errorf("headers: LinkedIn-Version %q, X-Restli-Protocol-Version %q", h.Get("LinkedIn-Version"), h.Get("X-Restli-Protocol-Version"))
	}

	// several images go as a multiImage post, each with its alt text
	a, b := pubtest.WritePNG(t, "a.png", 60, 60), pubtest.WritePNG(t, "b.png", 60, 60)
	if _, err := e.publisher().Publish(pubtest.Attempt(1), publish.Post{ID: "p2", At: pubtest.Planned, Text: "Two cards",
		Images: []publish.Image{{Path: a, Alt: "First."}, {Path: b, Alt: "Second."}}}); err != nil {
		t.Fatalf("Publish with two images: %v", err)
	}
	if p := e.fake.Posts()[1]; strings.Join(p.AltTexts, "|") != "First.|Second." {
		t.Errorf("multi-image alt texts: got %q", p.AltTexts)
	}
}

// TestLittleTextFormat: characters LinkedIn reserves reach the page as
// written instead of cutting the post short; hashtags and links stay.
func TestLittleTextFormat(t *testing.T) {
	e := newEnv(t)
	text := "Migrants (and refugees) are 3.6% of people [UN DESA] — *all* have rights_: <see> @IOM ~ {2026} | #MigrantsDay https://example.org/a_(b)"
	pubtest.Publish(t, e.publisher(), publish.Post{ID: "l1", At: pubtest.Planned, Text: text})
	if got := e.fake.Posts()[0].Shown; got != text {
		t.Errorf("text as shown:\n got %q\nwant %q", got, text)
	}
	if got, want := linkedin.Escape("a (b) #tag x#y"), `a \(b\) #tag x\#y`; got != want {
		t.Errorf("Escape: got %q, want %q", got, want)
	}
}

// TestLimitsBeforeSending: what LinkedIn would refuse is refused before a
// single request, naming every problem.
func TestLimitsBeforeSending(t *testing.T) {
	e := newEnv(t)
	img := pubtest.WritePNG(t, "c.png", 40, 40)
	many := make([]publish.Image, 21)
	for i := range many {
		many[i] = publish.Image{Path: img, Alt: "card"}
	}
	notImage := filepath.Join(t.TempDir(), "notes.png")
	os.WriteFile(notImage, []byte("just text, not a picture"), 0o644)
	pubtest.LimitsBeforeSending(t, e.pub(), pubtest.Planned, []pubtest.Limit{
		{Name: "over 3000", Post: publish.Post{Text: strings.Repeat("a", 3001)}, Want: []string{"3001 characters as sent"}},
		{Name: "escapes count", Post: publish.Post{Text: strings.Repeat("(", 1501)}, Want: []string{"3002 characters as sent"}},
		{Name: "21 images", Post: publish.Post{Text: "hi", Images: many}, Want: []string{"21 images; LinkedIn takes at most 20"}},
		{Name: "long alt", Post: publish.Post{Text: "hi", Images: []publish.Image{{Path: img, Alt: strings.Repeat("a", 4087)}}}, Want: []string{"4087 characters; LinkedIn takes at most 4086"}},
		{Name: "empty", Post: publish.Post{}, Want: []string{"no text and no image"}},
		{Name: "not an image", Post: publish.Post{Text: "hi", Images: []publish.Image{{Path: notImage}}}, Want: []string{"LinkedIn takes JPEG, PNG and GIF"}},
	})
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t)
	e.fake.SetRateLimit("POST /rest/posts", 1)
	p := e.publisher()
	// 429: LinkedIn's daily limits reset at midnight UTC, 15 h after 09:00
	err := pubtest.OverLimit(t, p)
	d, ok := publish.RetryAfter(err)
	if !ok || d < 14*time.Hour || d > 15*time.Hour+time.Minute || !strings.Contains(err.Error(), "rate limit") {
		t.Fatalf("429: got %v, want RetryAfterError until midnight UTC", err)
	}
	// the same publisher waits without asking again
	before := pubtest.Count(e.fake.Calls(), "POST /rest/posts")
	_, err = p.Publish(pubtest.Attempt(1), publish.Post{ID: "r3", At: pubtest.Planned, Text: "third"})
	if _, ok := publish.RetryAfter(err); !ok {
		t.Errorf("after a 429: got %v, want RetryAfterError without a request", err)
	}
	if after := pubtest.Count(e.fake.Calls(), "POST /rest/posts"); after != before {
		t.Errorf("POST /rest/posts sent %d more times during the wait", after-before)
	}
	if n := len(e.fake.Posts()); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
}

func TestExpiredTokenIsRefreshed(t *testing.T) {
	pubtest.ExpiredTokenIsRefreshed(t, "LinkedIn", func(t *testing.T, storeExpiry time.Duration) pubtest.Expired {
		e := newEnv(t)
		access, refresh := e.fake.Issue(e.member.URN, "client-1", linkedin.Scopes)
		e.fake.Expire(access)
		e.save(access, refresh, e.Now.Add(storeExpiry), linkedin.Scopes)
		return pubtest.Expired{Env: e.pub(), Access: access, Stored: e.stored, Check: func(t *testing.T, tok account.Token) {
			if !tok.Expiry.After(e.Now.Add(59*24*time.Hour)) || tok.Refresh.Reveal() != refresh || tok.UserID != e.org.URN() {
				t.Errorf("store: want the renewed 60-day token saved, the refresh token and organization kept")
			}
		}}
	})
	t.Run("no refresh token", func(t *testing.T) {
		e := newEnv(t)
		access, _ := e.fake.Issue(e.member.URN, "client-1", linkedin.Scopes)
		e.fake.Expire(access)
		e.save(access, "", e.Now.Add(-time.Minute), linkedin.Scopes)
		_, err := e.publisher().Publish(pubtest.Attempt(1), publish.Post{ID: "e3", At: pubtest.Planned, Text: "hi"})
		if !publish.IsPermanent(err) || !strings.Contains(err.Error(), "accounts login linkedin --account iom-linkedin") {
			t.Errorf("got %v, want a permanent error saying sign in again", err)
		}
	})
}

func TestRefusals(t *testing.T) {
	pub := func(t *testing.T) pubtest.Env { return newEnv(t).pub() }
	pubtest.Refusals(t, []pubtest.Refusal{
		{Name: "revoked", Env: func(t *testing.T) pubtest.Env {
			e := newEnv(t)
			e.fake.Revoke(e.member.URN)
			return e.pub()
		}, Post: pubtest.Hello("v1"),
			Want: []string{"The provided authorization grant or refresh token is invalid, expired or revoked.", "campaignkit accounts login linkedin --account iom-linkedin"}},
		{Name: "revoked, no refresh token", Env: func(t *testing.T) pubtest.Env {
			e := newEnv(t)
			access, _ := e.fake.Issue(e.member.URN, "client-1", linkedin.Scopes)
			e.save(access, "", e.Now.Add(time.Hour), linkedin.Scopes)
			e.fake.Revoke(e.member.URN)
			return e.pub()
		}, Post: pubtest.Hello("v2"), Want: []string{"accounts login linkedin"}},
		{Name: "missing scope", Env: func(t *testing.T) pubtest.Env {
			return newEnv(t, "r_organization_social", "rw_organization_admin").pub()
		}, Post: pubtest.Hello("s1"),
			Want: []string{"HTTP 403", "ACCESS_DENIED: Not enough permissions to access: partnerApiPostsExternal.CREATE", "Community Management API", "w_organization_social", "accounts login linkedin --account iom-linkedin"}},
		{Name: "not an admin of the page", Env: func(t *testing.T) pubtest.Env {
			e := newEnv(t)
			e.org = e.fake.AddOrganization("Another page", "urn:li:person:nobody", "ADMINISTRATOR")
			return e.pub()
		}, Post: pubtest.Hello("s2"), Want: []string{"administrator"}},
		{Name: "sunset version", Env: func(t *testing.T) pubtest.Env {
			e := newEnv(t)
			e.version = "202401"
			return e.pub()
		}, Post: pubtest.Hello("s3"), Want: []string{"CAMPAIGNKIT_LINKEDIN_VERSION", "NONEXISTENT_VERSION"}},
		pubtest.Duplicate(pub, "Content is a duplicate of urn:li:share:"),
	})
}

// TestInterruptedAttempt: LinkedIn publishes but the answer is lost; the
// retry, in a new process, finds the post instead of sending it again.
func TestInterruptedAttempt(t *testing.T) {
	pubtest.InterruptedAttempt(t, func(t *testing.T) pubtest.Env { return newEnv(t).pub() }, func(t *testing.T) publish.Post {
		return publish.Post{ID: "i1", Channel: "linkedin", Lang: "en", At: pubtest.Planned,
			Text: "Migrants (and refugees) & café", Link: "https://www.un.org/en/observances/migrants-day",
			Images: []publish.Image{{Path: pubtest.WritePNG(t, "card.png", 50, 50), Alt: "A card."}}}
	})
}

// TestRetryWithNoEarlierCopy: a retry whose earlier attempt never
// reached LinkedIn reads the page's posts once and sends the post, once.
func TestRetryWithNoEarlierCopy(t *testing.T) {
	e := newEnv(t)
	pubtest.RetryWithNoEarlierCopy(t, e.pub(), publish.Post{ID: "n1", At: pubtest.Planned, Text: "third time"},
		func() int { return pubtest.Count(e.fake.Calls(), "GET /rest/posts") })
}

func TestJournalRemembersPublished(t *testing.T) {
	pubtest.JournalRemembersPublished(t, newEnv(t).pub(), publish.Post{ID: "j1", At: pubtest.Planned, Text: "once"})
}

func TestRolesAndChoose(t *testing.T) {
	e := newEnv(t)
	e.fake.AddOrganization("IOM Staff Association", e.member.URN, "ANALYST")
	e.fake.AddOrganization("UN Network on Migration", e.member.URN, "CONTENT_ADMINISTRATOR")
	roles, err := e.publisher().Roles(context.Background())
	if err != nil || len(roles) != 3 {
		t.Fatalf("Roles: %v, %d roles; want 3", err, len(roles))
	}
	r, err := linkedin.Choose(roles, "", "IOM - UN Migration")
	if err != nil || r.Organization != e.org.URN() {
		t.Errorf("Choose by handle: got %+v, %v", r, err)
	}
	if _, err := linkedin.Choose(roles, "", "Someone else"); err == nil || !strings.Contains(err.Error(), "--organization") {
		t.Errorf("Choose with two postable pages and no match: got %v, want a request for --organization", err)
	}
	var analyst string
	for _, r := range roles {
		if r.Role == "ANALYST" {
			analyst = r.Organization
		}
	}
	if _, err := linkedin.Choose(roles, analyst, ""); err == nil || !strings.Contains(err.Error(), "cannot post") {
		t.Errorf("Choose a page the member only analyses: got %v", err)
	}
}

// stored is the account's token in the store.
func (e *env) stored() account.Token {
	tok, _ := e.Store.Load("iom-linkedin")
	return tok
}
