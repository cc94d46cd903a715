package facebook_test

import (
	"context"
	"image"
	"image/png"
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
)

var planned = time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)

// env is a fake Facebook with one Page and the token store a `campaignkit
// accounts login facebook` would have left.
type env struct {
	t       *testing.T
	fake    *facebooktest.Server
	user    metatest.User
	page    metatest.Page
	store   *account.Store
	now     time.Time
	journal string
}

func newEnv(t *testing.T, scopes ...string) *env {
	t.Helper()
	if len(scopes) == 0 {
		scopes = facebook.Permissions
	}
	e := &env{t: t, fake: facebooktest.New(), now: planned.Add(2 * time.Second)}
	t.Cleanup(e.fake.Close)
	e.fake.Now = e.clock
	e.fake.AddApp("app-1", "app-secret")
	e.user = e.fake.AddUser("Comms Officer")
	e.page = e.fake.AddPage(e.user.ID, "IOM - UN Migration")
	e.store = account.NewStore(filepath.Join(t.TempDir(), "tokens"))
	user := e.fake.IssueUser(e.user.ID, "app-1", scopes, true)
	e.save(e.fake.IssuePage(e.page.ID, user), time.Time{})
	return e
}

func (e *env) clock() time.Time { return e.now }

func (e *env) save(access string, expiry time.Time) {
	e.t.Helper()
	if err := e.store.Save("iom-fb", account.Token{Access: publish.NewSecret(access), Expiry: expiry,
		Scopes: facebook.Permissions, UserID: e.page.ID, Username: e.page.Name}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) publisher() *facebook.Publisher {
	e.t.Helper()
	p, err := facebook.New(facebook.Config{API: e.fake.URL, Account: "iom-fb", Page: e.page.Name, PageID: e.page.ID,
		Tokens: &account.Stored{ID: "iom-fb", Network: "facebook", Store: e.store, Now: e.clock}, Journal: e.journal, Now: e.clock})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func attempt(n int) context.Context { return publish.WithAttempt(context.Background(), n) }

func writePNG(t *testing.T, name string, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i*7 + len(name))
	}
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

// count counts the calls "METHOD /vN/<id>/edge" of call "METHOD /edge".
func count(calls []string, call string) int {
	method, edge, _ := strings.Cut(call, " ")
	n := 0
	for _, c := range calls {
		if strings.HasPrefix(c, method+" ") && strings.HasSuffix(c, edge) {
			n++
		}
	}
	return n
}

func TestTextPost(t *testing.T) {
	e := newEnv(t)
	res, err := e.publisher().Publish(attempt(1), publish.Post{ID: "p1", Channel: "facebook", Lang: "en", At: planned,
		Text: "Every migrant has rights. #MigrantsDay", Link: "https://www.un.org/en/observances/migrants-day"})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	posts := e.fake.Posts()
	if len(posts) != 1 {
		t.Fatalf("got %d posts, want 1", len(posts))
	}
	if got := posts[0]; got.Message != "Every migrant has rights. #MigrantsDay" || got.Link != "https://www.un.org/en/observances/migrants-day" {
		t.Errorf("post: got message %q link %q, want the text and the link in its own field", got.Message, got.Link)
	}
	_, postPart, _ := strings.Cut(posts[0].ID, "_")
	if res.RemoteID != posts[0].ID || res.URL != "https://www.facebook.com/"+e.page.ID+"/posts/"+postPart {
		t.Errorf("result: got %+v, want the post's id and URL", res)
	}
	if n := count(e.fake.Calls(), "GET /posts"); n != 0 {
		t.Errorf("first attempt read the Page's posts %d times, want 0", n)
	}
}

func TestPhotosWithAlt(t *testing.T) {
	t.Run("one photo", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.publisher().Publish(attempt(1), publish.Post{ID: "ph1", At: planned, Text: "One card", Link: "https://un.org",
			Images: []publish.Image{{Path: writePNG(t, "a.png", 120, 63), Alt: "A card: “Migration is a human reality.”"}}})
		if err != nil {
			t.Fatalf("Publish: %v", err)
		}
		posts := e.fake.Posts()
		if len(posts) != 1 || len(posts[0].Photos) != 1 {
			t.Fatalf("got %+v, want one post with one photo", posts)
		}
		if got := posts[0]; got.Message != "One card\n\nhttps://un.org" || got.Photos[0].Alt != "A card: “Migration is a human reality.”" || got.Photos[0].Type != "image/png" {
			t.Errorf("post: got %+v, want the caption with the link and the alt text", got)
		}
		if n := count(e.fake.Calls(), "POST /feed"); n != 0 {
			t.Errorf("one photo went through /feed %d times, want 0 (POST /photos publishes it)", n)
		}
	})
	t.Run("several photos", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.publisher().Publish(attempt(1), publish.Post{ID: "ph2", At: planned, Text: "Three cards",
			Images: []publish.Image{{Path: writePNG(t, "a.png", 120, 63), Alt: "first"}, {Path: writePNG(t, "b.png", 120, 63), Alt: "second"}, {Path: writePNG(t, "c.png", 63, 120), Alt: "third"}}})
		if err != nil {
			t.Fatalf("Publish: %v", err)
		}
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
		if n := count(calls, "POST /photos"); n != 3 {
			t.Errorf("POST /photos: %d calls, want 3", n)
		}
		if n := count(calls, "POST /feed"); n != 1 {
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
	tests := []struct {
		name string
		post publish.Post
		want []string
	}{
		{"too long", publish.Post{Text: strings.Repeat("é", facebook.MaxMessage+1)}, []string{"63207 characters; Facebook takes at most 63206"}},
		{"empty", publish.Post{}, []string{"no text, no link and no image"}},
		{"not an image, and too big", publish.Post{Text: "hi", Images: []publish.Image{{Path: notImage}, {Path: big}}},
			[]string{"image 1 (" + notImage + ") is text/plain", "image 2 (" + big + ") has 10485764 bytes; Facebook takes photos under 10 MB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.post.ID, tt.post.At = "limits", planned
			_, err := e.publisher().Publish(attempt(1), tt.post)
			if !publish.IsPermanent(err) {
				t.Fatalf("got %v, want a permanent error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q: want it to contain %q", err, w)
				}
			}
		})
	}
	if calls := e.fake.Calls(); len(calls) != 0 {
		t.Errorf("requests sent for posts Facebook would refuse: %v", calls)
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t)
	e.fake.SetLimit("POST /{page-id}/feed", metatest.Limit{PerHour: 1, Code: 32, Message: "(#32) Page request limit reached", Regain: 7 * time.Minute})
	p := e.publisher()
	if _, err := p.Publish(attempt(1), publish.Post{ID: "r1", At: planned, Text: "first"}); err != nil {
		t.Fatalf("first post: %v", err)
	}
	_, err := p.Publish(attempt(1), publish.Post{ID: "r2", At: planned, Text: "second"})
	d, ok := publish.RetryAfter(err)
	if !ok || d != 7*time.Minute || !strings.Contains(err.Error(), "(#32) Page request limit reached") {
		t.Fatalf("over the limit: got %v, want RetryAfterError of 7 minutes (estimated_time_to_regain_access) quoting Meta", err)
	}
	// The usage header said access comes back in 7 minutes: the publisher
	// waits without asking.
	before := len(e.fake.Calls())
	_, err = p.Publish(attempt(2), publish.Post{ID: "r3", At: planned, Text: "third"})
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
	t.Run("expired", func(t *testing.T) {
		e := newEnv(t)
		user := e.fake.IssueUser(e.user.ID, "app-1", facebook.Permissions, false)
		tok := e.fake.IssuePage(e.page.ID, user)
		e.fake.Expire(tok)
		e.save(tok, time.Time{})
		_, err := e.publisher().Publish(attempt(1), publish.Post{ID: "x1", At: planned, Text: "hello"})
		if !publish.IsPermanent(err) {
			t.Fatalf("got %v, want a permanent error", err)
		}
		for _, want := range []string{"Error validating access token: Session has expired", "the token expired", "campaignkit accounts login facebook --account iom-fb"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q: want it to contain %q", err, want)
			}
		}
	})
	t.Run("expired in the store", func(t *testing.T) {
		e := newEnv(t)
		e.save("EAAwhatever", e.now.Add(-time.Hour))
		_, err := e.publisher().Publish(attempt(1), publish.Post{ID: "x2", At: planned, Text: "hello"})
		if !publish.IsPermanent(err) || !strings.Contains(err.Error(), "accounts login facebook --account iom-fb") {
			t.Errorf("got %v, want a permanent error saying to sign in again", err)
		}
		if calls := e.fake.Calls(); len(calls) != 0 {
			t.Errorf("a token known to be expired was sent: %v", calls)
		}
	})
	t.Run("revoked", func(t *testing.T) {
		e := newEnv(t)
		e.fake.Revoke(e.user.ID)
		_, err := e.publisher().Publish(attempt(1), publish.Post{ID: "x3", At: planned, Text: "hello"})
		if !publish.IsPermanent(err) || !strings.Contains(err.Error(), "The user has not authorized application app-1") || !strings.Contains(err.Error(), "removed from the account") {
			t.Errorf("got %v, want a permanent error quoting Meta", err)
		}
	})
	t.Run("missing permission", func(t *testing.T) {
		e := newEnv(t, "pages_show_list", "pages_read_engagement")
		_, err := e.publisher().Publish(attempt(1), publish.Post{ID: "x4", At: planned, Text: "hello"})
		if !publish.IsPermanent(err) {
			t.Fatalf("got %v, want a permanent error", err)
		}
		for _, want := range []string{"(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts", "pages_manage_posts", "CREATE_CONTENT", "accounts login facebook --account iom-fb"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q: want it to contain %q", err, want)
			}
		}
	})
	t.Run("duplicate", func(t *testing.T) {
		e := newEnv(t)
		p := e.publisher()
		if _, err := p.Publish(attempt(1), publish.Post{ID: "d1", At: planned, Text: "same words"}); err != nil {
			t.Fatal(err)
		}
		_, err := p.Publish(attempt(1), publish.Post{ID: "d2", At: planned, Text: "same words"})
		if !publish.IsPermanent(err) || !strings.Contains(err.Error(), "(#506) Duplicate status message") {
			t.Errorf("got %v, want a permanent error with Meta's message", err)
		}
	})
}

// TestInterruptedAttempt: Facebook publishes but the answer is lost; the
// retry, in a new process, finds the post instead of sending it again.
func TestInterruptedAttempt(t *testing.T) {
	for _, tc := range []struct {
		name    string
		journal bool
		images  int
	}{{"text, no journal", false, 0}, {"text, journal", true, 0}, {"photos, journal", true, 2}, {"one photo, no journal", false, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if tc.journal {
				e.journal = filepath.Join(t.TempDir(), "journal")
			}
			post := publish.Post{ID: "i1", Channel: "facebook", Lang: "en", At: planned,
				Text: "Migrants & refugees — café\r\nRead more", Link: "https://www.un.org/en/observances/migrants-day"}
			for i := 0; i < tc.images; i++ {
				post.Images = append(post.Images, publish.Image{Path: writePNG(t, "card.png", 120, 63), Alt: "A card."})
			}
			e.fake.LoseAnswers(1)
			_, err := e.publisher().Publish(attempt(1), post)
			if err == nil || publish.IsPermanent(err) {
				t.Fatalf("interrupted attempt: got %v, want a retryable error", err)
			}
			if n := len(e.fake.Posts()); n != 1 {
				t.Fatalf("%d posts after the lost answer, want 1", n)
			}
			e.now = e.now.Add(30 * time.Second)
			attemptNo := 2
			if tc.journal {
				attemptNo = 1 // the journal alone must be enough
			}
			res, err := e.publisher().Publish(attempt(attemptNo), post)
			if err != nil {
				t.Fatalf("retry: %v", err)
			}
			posts := e.fake.Posts()
			if len(posts) != 1 {
				t.Fatalf("%d posts after the retry, want 1", len(posts))
			}
			if res.RemoteID != posts[0].ID {
				t.Errorf("retry result: got %q, want the earlier post %q", res.RemoteID, posts[0].ID)
			}
		})
	}
}

func TestRetryWithNoEarlierCopy(t *testing.T) {
	e := newEnv(t)
	res, err := e.publisher().Publish(attempt(3), publish.Post{ID: "n1", At: planned, Text: "third time"})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if n := len(e.fake.Posts()); n != 1 || res.RemoteID == "" {
		t.Errorf("%d posts, result %+v; want one new post", n, res)
	}
	if n := count(e.fake.Calls(), "GET /posts"); n != 1 {
		t.Errorf("posts read %d times, want 1", n)
	}
}

func TestJournalRemembersPublished(t *testing.T) {
	e := newEnv(t)
	e.journal = filepath.Join(t.TempDir(), "journal")
	post := publish.Post{ID: "j1", At: planned, Text: "once"}
	first, err := e.publisher().Publish(attempt(1), post)
	if err != nil {
		t.Fatal(err)
	}
	before := len(e.fake.Calls())
	again, err := e.publisher().Publish(attempt(2), post)
	if err != nil || again != first {
		t.Fatalf("second Publish: got %+v, %v; want %+v", again, err, first)
	}
	if after := len(e.fake.Calls()); after != before {
		t.Errorf("a post the journal knows as published cost %d requests, want 0", after-before)
	}
}

func TestNoSignIn(t *testing.T) {
	e := newEnv(t)
	e.store = account.NewStore(t.TempDir())
	_, err := e.publisher().Publish(attempt(1), publish.Post{ID: "z", At: planned, Text: "hi"})
	if !publish.IsPermanent(err) || !strings.Contains(err.Error(), "accounts login facebook --account iom-fb") {
		t.Errorf("got %v, want a permanent error saying how to sign in", err)
	}
}
