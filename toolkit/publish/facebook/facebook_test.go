package facebook_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/facebook"
	"github.com/campaignkit/campaignkit/toolkit/publish/facebook/facebooktest"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/metatest"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/pubtest"
)

// env is a fake Facebook with one Page and the token store a `campaignkit
// accounts login facebook` would have left.
type env struct {
	pubtest.Base
	fake *facebooktest.Server
	user metatest.User
	page metatest.Page
}

func newEnv(t *testing.T, scopes ...string) *env {
	t.Helper()
	scopes = pubtest.Scopes(scopes, facebook.Permissions)
	e := &env{Base: pubtest.NewBase(t), fake: facebooktest.New()}
	e.Serve(e.fake, &e.fake.Now)
	e.fake.AddApp("app-1", "app-secret")
	e.user = e.fake.AddUser("Comms Officer")
	e.page = e.fake.AddPage(e.user.ID, "IOM - UN Migration")
	user := e.fake.IssueUser(e.user.ID, "app-1", scopes, true)
	e.save(e.fake.IssuePage(e.page.ID, user), time.Time{})
	return e
}

func (e *env) save(access string, expiry time.Time) {
	e.Save("iom-fb", account.Token{Access: publish.NewSecret(access), Expiry: expiry,
		Scopes: facebook.Permissions, UserID: e.page.ID, Username: e.page.Name})
}

func (e *env) publisher() *facebook.Publisher {
	e.T.Helper()
	return pubtest.New(e.T, facebook.New, facebook.Config{API: e.fake.URL, Account: "iom-fb", Page: e.page.Name, PageID: e.page.ID,
		Tokens: &account.Stored{ID: "iom-fb", Network: "facebook", Store: e.Store, Now: e.Clock}, Journal: e.Journal, Now: e.Clock})
}

// pub is the env as the shared scenarios drive it. A post with photos
// takes uploads and a post, so Sent is left to the call counts of the
// tests that need them.
func (e *env) pub() pubtest.Env {
	pe := e.Env(e.fake, func() publish.Publisher { return e.publisher() })
	pe.Posted = func() []string { return pubtest.IDs(e.fake.Posts(), func(p facebooktest.Post) string { return p.ID }) }
	return pe
}

func TestTextPost(t *testing.T) {
	e := newEnv(t)
	res := pubtest.Publish(t, e.publisher(), pubtest.FirstPost("facebook"))
	posts := e.fake.Posts()
	if len(posts) != 1 {
		t.Fatalf("got %d posts, want 1", len(posts))
	}
	if got := posts[0]; got.Message != pubtest.Text || got.Link != pubtest.Link {
		t.Errorf("post: got message %q link %q, want the text and the link in its own field", got.Message, got.Link)
	}
	_, postPart, _ := strings.Cut(posts[0].ID, "_")
	if res.RemoteID != posts[0].ID || res.URL != "https://www.facebook.com/"+e.page.ID+"/posts/"+postPart {
		t.Errorf("result: got %+v, want the post's id and URL", res)
	}
	if n := pubtest.Count(e.fake.Calls(), "GET /posts"); n != 0 {
		t.Errorf("first attempt read the Page's posts %d times, want 0", n)
	}
}

func TestPhotosWithAlt(t *testing.T) {
	t.Run("one photo", func(t *testing.T) {
		e := newEnv(t)
		pubtest.Publish(t, e.publisher(), publish.Post{ID: "ph1", At: pubtest.Planned, Text: "One card", Link: "https://un.org",
			Images: []publish.Image{{Path: pubtest.WritePNG(t, "a.png", 120, 63), Alt: pubtest.Alt}}})
		posts := e.fake.Posts()
		if len(posts) != 1 || len(posts[0].Photos) != 1 {
			t.Fatalf("got %+v, want one post with one photo", posts)
		}
		if got := posts[0]; got.Message != "One card\n\nhttps://un.org" || got.Photos[0].Alt != pubtest.Alt || got.Photos[0].Type != "image/png" {
			t.Errorf("post: got %+v, want the caption with the link and the alt text", got)
		}
		if n := pubtest.Count(e.fake.Calls(), "POST /feed"); n != 0 {
			t.Errorf("one photo went through /feed %d times, want 0 (POST /photos publishes it)", n)
		}
	})
	t.Run("several photos", func(t *testing.T) {
		e := newEnv(t)
		pubtest.Publish(t, e.publisher(), publish.Post{ID: "ph2", At: pubtest.Planned, Text: "Three cards",
			Images: []publish.Image{{Path: pubtest.WritePNG(t, "a.png", 120, 63), Alt: "first"}, {Path: pubtest.WritePNG(t, "b.png", 120, 63), Alt: "second"}, {Path: pubtest.WritePNG(t, "c.png", 63, 120), Alt: "third"}}})
		posts := e.fake.Posts()
		if len(posts) != 1 || len(posts[0].Photos) != 3 {
			t.Fatalf("got %+v, want one post with three photos", posts)
		}
		var alts []string
		for _, ph := range posts[0].Photos {
			alts = append(alts, ph.Alt)
		}
		if got := strings.Join(alts, "|"); got != "first|second|third" || posts[0].Message != "Three cards" {
			t.Errorf("post: message %q, alt texts %q", posts[0].Message, got)
		}
		calls := e.fake.Calls()
		if n := pubtest.Count(calls, "POST /photos"); n != 3 {
			t.Errorf("POST /photos: %d calls, want 3", n)
		}
		if n := pubtest.Count(calls, "POST /feed"); n != 1 {
			t.Errorf("POST /feed: %d calls, want 1", n)
		}
	})
}

// TestLimitsBeforeSending: what Facebook would refuse is refused before a
// single request, as a permanent error naming every problem.
func TestLimitsBeforeSending(t *testing.T) {
	e := newEnv(t)
	notImage := filepath.Join(t.TempDir(), "notes.png")
	os.WriteFile(notImage, []byte("just text, not a picture"), 0o644)
	big := filepath.Join(t.TempDir(), "big.jpg")
	os.WriteFile(big, append([]byte("\xff\xd8\xff\xe0"), make([]byte, facebook.MaxPhotoBytes)...), 0o644)
	pubtest.LimitsBeforeSending(t, e.pub(), pubtest.Planned, []pubtest.Limit{
		{Name: "too long", Post: publish.Post{Text: strings.Repeat("é", facebook.MaxMessage+1)}, Want: []string{"63207 characters; Facebook takes at most 63206"}},
		{Name: "empty", Post: publish.Post{}, Want: []string{"no text, no link and no image"}},
		{Name: "not an image, and too big", Post: publish.Post{Text: "hi", Images: []publish.Image{{Path: notImage}, {Path: big}}},
			Want: []string{"image 1 (" + notImage + ") is text/plain", "image 2 (" + big + ") has 10485764 bytes; Facebook takes photos under 10 MB"}},
	})
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t)
	e.fake.SetLimit("POST /{page-id}/feed", metatest.Limit{PerHour: 1, Code: 32, Message: "(#32) Page request limit reached", Regain: 7 * time.Minute})
	p := e.publisher()
	err := pubtest.OverLimit(t, p)
	d, ok := publish.RetryAfter(err)
	if !ok || d != 7*time.Minute || !strings.Contains(err.Error(), "(#32) Page request limit reached") {
		t.Fatalf("over the limit: got %v, want RetryAfterError of 7 minutes (estimated_time_to_regain_access) quoting Meta", err)
	}
	// The usage header said access comes back in 7 minutes: the publisher
	// waits without asking.
	before := len(e.fake.Calls())
	_, err = p.Publish(pubtest.Attempt(2), publish.Post{ID: "r3", At: pubtest.Planned, Text: "third"})
	if d, ok := publish.RetryAfter(err); !ok || d < 6*time.Minute || d > 8*time.Minute {
		t.Errorf("while blocked: got %v, want RetryAfterError of about 7 minutes", err)
	}
	if n := len(e.fake.Calls()) - before; n != 1 { // the lookup of attempt 2 only
		t.Errorf("while blocked: %d requests, want 1 (the lookup)", n)
	}
	if n := len(e.fake.Posts()); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
}

func TestRefusals(t *testing.T) {
	pub := func(t *testing.T) pubtest.Env { return newEnv(t).pub() }
	pubtest.Refusals(t, []pubtest.Refusal{
		{Name: "expired", Env: func(t *testing.T) pubtest.Env {
			e := newEnv(t)
			user := e.fake.IssueUser(e.user.ID, "app-1", facebook.Permissions, false)
			tok := e.fake.IssuePage(e.page.ID, user)
			e.fake.Expire(tok)
			e.save(tok, time.Time{})
			return e.pub()
		}, Post: pubtest.Hello("x1"),
			Want: []string{"Error validating access token: Session has expired", "the token expired", "campaignkit accounts login facebook --account iom-fb"}},
		{Name: "expired in the store", Env: func(t *testing.T) pubtest.Env {
			e := newEnv(t)
			e.save("EAAwhatever", e.Now.Add(-time.Hour))
			return e.pub()
		}, Post: pubtest.Hello("x2"), Want: []string{"accounts login facebook --account iom-fb"}, Quiet: true},
		{Name: "revoked", Env: func(t *testing.T) pubtest.Env {
			e := newEnv(t)
			e.fake.Revoke(e.user.ID)
			return e.pub()
		}, Post: pubtest.Hello("x3"), Want: []string{"The user has not authorized application app-1", "removed from the account"}},
		{Name: "missing permission", Env: func(t *testing.T) pubtest.Env {
			return newEnv(t, "pages_show_list", "pages_read_engagement").pub()
		}, Post: pubtest.Hello("x4"),
			Want: []string{"(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts", "pages_manage_posts", "CREATE_CONTENT", "accounts login facebook --account iom-fb"}},
		pubtest.Duplicate(pub, "(#506) Duplicate status message"),
		{Name: "no sign-in", Env: func(t *testing.T) pubtest.Env {
			e := newEnv(t)
			e.SignOut()
			return e.pub()
		}, Post: publish.Post{ID: "z", At: pubtest.Planned, Text: "hi"}, Want: []string{"accounts login facebook --account iom-fb"}},
	})
}

// TestInterruptedAttempt: Facebook publishes but the answer is lost; the
// retry, in a new process, finds the post instead of sending it again:
// a text post, a photo published with its caption, and photos attached
// to a post.
func TestInterruptedAttempt(t *testing.T) {
	for _, tc := range []struct {
		name   string
		images int
	}{{"text", 0}, {"one photo", 1}, {"photos", 2}} {
		t.Run(tc.name, func(t *testing.T) {
			pubtest.InterruptedAttempt(t, func(t *testing.T) pubtest.Env { return newEnv(t).pub() }, func(t *testing.T) publish.Post {
				post := publish.Post{ID: "i1", Channel: "facebook", Lang: "en", At: pubtest.Planned,
					Text: "Migrants & refugees — café\r\nRead more", Link: "https://www.un.org/en/observances/migrants-day"}
				for i := 0; i < tc.images; i++ {
					post.Images = append(post.Images, publish.Image{Path: pubtest.WritePNG(t, "card.png", 120, 63), Alt: "A card."})
				}
				return post
			})
		})
	}
}

func TestRetryWithNoEarlierCopy(t *testing.T) {
	e := newEnv(t)
	pubtest.RetryWithNoEarlierCopy(t, e.pub(), publish.Post{ID: "n1", At: pubtest.Planned, Text: "third time"},
		func() int { return pubtest.Count(e.fake.Calls(), "GET /posts") })
}

func TestJournalRemembersPublished(t *testing.T) {
	pubtest.JournalRemembersPublished(t, newEnv(t).pub(), publish.Post{ID: "j1", At: pubtest.Planned, Text: "once"})
}
