package x_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/pubtest"
	"github.com/campaignkit/campaignkit/toolkit/publish/x"
	"github.com/campaignkit/campaignkit/toolkit/publish/x/xtest"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

// env is a fake X with one signed-in account and the token store a
// `campaignkit accounts login` would have left.
type env struct {
	pubtest.Base
	fake   *xtest.Server
	user   xtest.User
	client *account.Client
}

func newEnv(t *testing.T, scopes ...string) *env {
	t.Helper()
	scopes = pubtest.Scopes(scopes, x.Scopes)
	e := &env{Base: pubtest.NewBase(t), fake: xtest.New()}
	e.Serve(e.fake, &e.fake.Now)
	e.user = e.fake.AddUser("UNmigration")
	e.fake.AddClient("client-1", "")
	e.client = &account.Client{ID: "client-1", Scopes: account.XScopes, Now: e.Clock,
		Endpoint: account.Endpoint{AuthURL: e.fake.AuthURL(), TokenURL: e.fake.TokenURL()}}
	access, refresh := e.fake.Issue(e.user.ID, "client-1", scopes)
	e.save(access, refresh, e.Now.Add(2*time.Hour), scopes)
	return e
}

func (e *env) save(access, refresh string, expiry time.Time, scopes []string) {
	e.Save("un-x-en", account.Token{Access: publish.NewSecret(access), Refresh: publish.NewSecret(refresh),
		Expiry: expiry, Scopes: scopes, UserID: e.user.ID, Username: e.user.Username})
}

// publisher is a new publisher, as a new process would make it.
func (e *env) publisher() *x.Publisher {
	e.T.Helper()
	src := &account.Source{ID: "un-x-en", Store: e.Store, Client: e.client, Now: e.Clock}
	return pubtest.New(e.T, x.New, x.Config{API: e.fake.URL, Account: "un-x-en", Handle: "@UNmigration", Tokens: src, Journal: e.Journal,
		Now: e.Clock, Sleep: pubtest.NoSleep})
}

// pub is the env as the shared scenarios drive it.
func (e *env) pub() pubtest.Env {
	pe := e.Env(e.fake, func() publish.Publisher { return e.publisher() })
	pe.Posted = func() []string { return pubtest.IDs(e.fake.Tweets(), func(tw xtest.Tweet) string { return tw.ID }) }
	pe.Sent = func() int { return e.fake.Count("POST /2/tweets") }
	return pe
}

func writePNG(t *testing.T, name string) string { return pubtest.WritePNG(t, name, 160, 90) }

func TestTextPost(t *testing.T) {
	e := newEnv(t)
	res := pubtest.Publish(t, e.publisher(), pubtest.FirstPost("x"))
	tw := e.fake.Tweets()
	if len(tw) != 1 {
		t.Fatalf("got %d posts on X, want 1", len(tw))
	}
	if got, want := tw[0].Text, pubtest.TextThenLink; got != want {
		t.Errorf("text: got %q, want %q", got, want)
	}
	if res.RemoteID != tw[0].ID || res.URL != "https://x.com/UNmigration/status/"+tw[0].ID {
		t.Errorf("result: got %+v, want the post's id and URL", res)
	}
	// the first attempt does not read the timeline: no earlier copy can exist
	if n := pubtest.Count(e.fake.Calls(), "GET /2/users/"+e.user.ID+"/tweets"); n != 0 {
		t.Errorf("first attempt read the timeline %d times, want 0", n)
	}
}

func TestImagesWithAlt(t *testing.T) {
	e := newEnv(t)
	a, b := writePNG(t, "a.png"), writePNG(t, "b.png")
	pubtest.Publish(t, e.publisher(), publish.Post{ID: "p2", Channel: "x", Lang: "en", At: pubtest.Planned, Text: "Two cards",
		Images: []publish.Image{{Path: a, Alt: pubtest.Alt}, {Path: b, Alt: "A second card."}}})
	tw := e.fake.Tweets()
	if len(tw) != 1 || len(tw[0].MediaIDs) != 2 {
		t.Fatalf("got %+v, want one post with two media", tw)
	}
	if got := strings.Join(tw[0].Alts, "|"); got != "A card: “Migration is a human reality.”|A second card." {
		t.Errorf("alt texts: got %q", got)
	}
	calls := e.fake.Calls()
	// per image: INIT, one APPEND, FINALIZE; two STATUS polls
	// (pending -> in_progress -> succeeded); the alt text
	for call, want := range map[string]int{"POST /2/media/upload": 6, "GET /2/media/upload": 4, "POST /2/media/metadata": 2, "POST /2/tweets": 1} {
		if got := pubtest.Count(calls, call); got != want {
			t.Errorf("%s: %d calls, want %d", call, got, want)
		}
	}
}

// TestLimitsBeforeSending: what X would refuse is refused before a single
// request, as a permanent error naming every problem.
func TestLimitsBeforeSending(t *testing.T) {
	e := newEnv(t)
	img := writePNG(t, "c.png")
	five := make([]publish.Image, 5)
	for i := range five {
		five[i] = publish.Image{Path: img, Alt: "card"}
	}
	notImage := filepath.Join(t.TempDir(), "notes.png")
	os.WriteFile(notImage, []byte("just text, not a picture"), 0o644)
	pipe := toolkittest.FIFO(t, filepath.Join(t.TempDir(), "pipe.png"))
	big := filepath.Join(t.TempDir(), "big.png")
	os.WriteFile(big, append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, x.MaxImageBytes)...), 0o644)
	pubtest.LimitsBeforeSending(t, e.pub(), pubtest.Planned, []pubtest.Limit{
		{Name: "over 280 weighted", Post: publish.Post{Text: strings.Repeat("移", 141)}, Want: []string{"weighs 282 characters"}},
		{Name: "five images", Post: publish.Post{Text: "hi", Images: five}, Want: []string{"5 images; X takes at most 4"}},
		{Name: "long alt", Post: publish.Post{Text: "hi", Images: []publish.Image{{Path: img, Alt: strings.Repeat("a", 1001)}}}, Want: []string{"1001 characters; X takes at most 1000"}},
		{Name: "empty", Post: publish.Post{}, Want: []string{"no text and no image"}},
		{Name: "not an image", Post: publish.Post{Text: "hi", Images: []publish.Image{{Path: notImage, Alt: "x"}}}, Want: []string{"X takes JPEG, PNG, WebP and GIF"}},
		{Name: "image over 5 MB", Post: publish.Post{Text: "hi", Images: []publish.Image{{Path: big, Alt: "x"}}}, Want: []string{"up to 5 MB"}},
		{Name: "a named pipe, never waited on", Post: publish.Post{Text: "hi", Images: []publish.Image{{Path: pipe, Alt: "x"}}}, Want: []string{"image 1"}},
	})
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t)
	e.fake.SetRateLimit("POST /2/tweets", 1)
	p := e.publisher()
	// The answer said x-rate-limit-remaining: 0; the publisher waits
	// without asking.
	err := pubtest.OverLimit(t, p)
	d, ok := publish.RetryAfter(err)
	if !ok || d < 14*time.Minute || d > 16*time.Minute {
		t.Errorf("second post, known-empty window: got %v, want RetryAfterError of about 15 minutes", err)
	}
	if n := pubtest.Count(e.fake.Calls(), "POST /2/tweets"); n != 1 {
		t.Errorf("POST /2/tweets sent %d times, want 1", n)
	}
	// A new process does not know the window: X answers 429 with
	// x-rate-limit-reset.
	_, err = e.publisher().Publish(pubtest.Attempt(1), publish.Post{ID: "r3", At: pubtest.Planned, Text: "third"})
	d, ok = publish.RetryAfter(err)
	if !ok || d < 14*time.Minute || d > 16*time.Minute || !strings.Contains(err.Error(), "rate limit") {
		t.Errorf("429: got %v, want RetryAfterError of about 15 minutes", err)
	}
	if n := len(e.fake.Tweets()); n != 1 {
		t.Errorf("%d posts on X, want 1", n)
	}
}

func TestExpiredTokenIsRefreshed(t *testing.T) {
	pubtest.ExpiredTokenIsRefreshed(t, "X", func(t *testing.T, storeExpiry time.Duration) pubtest.Expired {
		e := newEnv(t)
		access, refresh := e.fake.Issue(e.user.ID, "client-1", x.Scopes)
		e.fake.Expire(access)
		e.save(access, refresh, e.Now.Add(storeExpiry), x.Scopes)
		return pubtest.Expired{Env: e.pub(), Access: access, Stored: e.stored}
	})
}

func TestRefusals(t *testing.T) {
	pub := func(t *testing.T) pubtest.Env { return newEnv(t).pub() }
	pubtest.Refusals(t, []pubtest.Refusal{
		{Name: "revoked", Env: func(t *testing.T) pubtest.Env {
			e := newEnv(t)
			e.fake.Revoke(e.user.ID)
			return e.pub()
		}, Post: pubtest.Hello("v1"),
			Want: []string{"Value passed for the token was invalid.", "campaignkit accounts login x --account un-x-en"}},
		{Name: "missing scope", Env: func(t *testing.T) pubtest.Env {
			return newEnv(t, "tweet.read", "users.read", "offline.access").pub()
		}, Post: pubtest.Hello("s1"),
			Want: []string{"HTTP 403", "Missing required OAuth 2.0 scope(s): tweet.write", "Read and write", "accounts login x --account un-x-en"}},
		pubtest.Duplicate(pub, "You are not allowed to create a Tweet with duplicate content."),
		{Name: "no sign-in", Env: func(t *testing.T) pubtest.Env {
			e := newEnv(t)
			e.SignOut()
			return e.pub()
		}, Post: publish.Post{ID: "z", At: pubtest.Planned, Text: "hi"},
			Want: []string{"accounts login x --account un-x-en"}},
	})
}

// TestInterruptedAttempt: X publishes but the answer is lost; the retry,
// in a new process, finds the post instead of sending it again. The text
// has what X changes on the way back: a link (t.co), & and < (HTML
// entities), an image (a t.co link appended).
func TestInterruptedAttempt(t *testing.T) {
	pubtest.InterruptedAttempt(t, func(t *testing.T) pubtest.Env { return newEnv(t).pub() }, func(t *testing.T) publish.Post {
		return publish.Post{ID: "i1", Channel: "x", Lang: "en", At: pubtest.Planned,
			Text: "Migrants & refugees <3 — café\r\nRead more", Link: "https://www.un.org/en/observances/migrants-day",
			Images: []publish.Image{{Path: writePNG(t, "card.png"), Alt: "A card."}}}
	})
}

// TestRetryWithNoEarlierCopy: a retry whose earlier attempt never
// reached X reads the timeline once and sends the post, once.
func TestRetryWithNoEarlierCopy(t *testing.T) {
	e := newEnv(t)
	pubtest.RetryWithNoEarlierCopy(t, e.pub(), publish.Post{ID: "n1", At: pubtest.Planned, Text: "third time"},
		func() int { return e.fake.Count("GET /2/users/" + e.user.ID + "/tweets") })
}

func TestJournalRemembersPublished(t *testing.T) {
	pubtest.JournalRemembersPublished(t, newEnv(t).pub(), publish.Post{ID: "j1", At: pubtest.Planned, Text: "once"})
}

// stored is the account's token in the store.
func (e *env) stored() account.Token {
	tok, _ := e.Store.Load("un-x-en")
	return tok
}
