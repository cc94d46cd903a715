package threads_test

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/pubtest"
	"github.com/campaignkit/campaignkit/toolkit/publish/threads"
	"github.com/campaignkit/campaignkit/toolkit/publish/threads/threadstest"
)

// env is a fake Threads with one signed-in profile, the token store a
// `campaignkit accounts login threads` would have left, and a public
// folder served on loopback for Threads to fetch images from.
type env struct {
	pubtest.Base
	fake   *threadstest.Server
	user   threadstest.User
	client *account.Client
	media  publish.MediaHost
	polls  int
}

func newEnv(t *testing.T, scopes ...string) *env {
	t.Helper()
	scopes = pubtest.Scopes(scopes, threads.Scopes)
	e := &env{Base: pubtest.NewBase(t), fake: threadstest.New()}
	e.Serve(e.fake, &e.fake.Now)
	e.user = e.fake.AddUser("unmigration")
	e.fake.AddClient("990602627938098", "app-secret")
	e.client = &account.Client{ID: "990602627938098", Secret: publish.NewSecret("app-secret"), Scopes: account.ThreadsScopes, Now: e.Clock,
		Endpoint: account.Endpoint{AuthURL: e.fake.AuthURL(), TokenURL: e.fake.TokenURL(), NoPKCE: true, SecretInBody: true, ScopeSep: ","},
		Flow:     account.ThreadsFlow(e.fake.URL)}
	issued := e.Now.Add(-2 * 24 * time.Hour)
	tok := e.fake.Issue(e.user.ID, "990602627938098", scopes, issued)
	e.save(tok, issued.Add(threadstest.LongTTL), scopes)
	_, e.media = pubtest.PublicFolder(t)
	return e
}

func (e *env) save(access string, expiry time.Time, scopes []string) {
	e.Save("un-threads", account.Token{Access: publish.NewSecret(access), Expiry: expiry, Scopes: scopes,
		UserID: e.user.ID, Username: e.user.Username})
}

func (e *env) publisher() *threads.Publisher {
	e.T.Helper()
	src := &account.Source{ID: "un-threads", Store: e.Store, Client: e.client, Now: e.Clock, Margin: account.ThreadsMargin}
	return pubtest.New(e.T, threads.New, threads.Config{API: e.fake.URL, Account: "un-threads", Handle: "@unmigration", UserID: e.user.ID, Tokens: src,
		Media: e.media, Journal: e.Journal, MaxPolls: e.polls, Now: e.Clock, Sleep: pubtest.NoSleep})
}

// pub is the env as the shared scenarios drive it.
func (e *env) pub() pubtest.Env {
	pe := e.Env(e.fake, func() publish.Publisher { return e.publisher() })
	pe.Posted = func() []string {
		return pubtest.IDs(e.fake.Threads(), func(th threadstest.Thread) string { return th.ID })
	}
	pe.Sent = func() int { return pubtest.Count(e.fake.Calls(), "/threads_publish") }
	pe.Made = func() int { return pubtest.Count(e.fake.Calls(), "POST /v1.0/"+e.user.ID+"/threads") }
	return pe
}

func TestCount(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"Migrants", 8},
		{"café", 4},
		{"移民", 2},
		{"😀", 4},
		{"👍🏽", 8},
		{"❤️", 6}, // U+2764 (3 bytes) + VS16 (3 bytes)
		{"hi 🇺🇳", 11},
	}
	for _, tt := range tests {
		if got := threads.Count(tt.s); got != tt.want {
			t.Errorf("Count(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestTextPost(t *testing.T) {
	e := newEnv(t)
	res := pubtest.Publish(t, e.publisher(), pubtest.FirstPost("threads"))
	th := e.fake.Threads()
	if len(th) != 1 || th[0].MediaType != "TEXT_POST" || th[0].Text != pubtest.TextThenLink {
		t.Fatalf("threads: got %+v, want one text post with the link on its own line", th)
	}
	if res.RemoteID != th[0].ID || !strings.HasPrefix(res.URL, "https://www.threads.net/@unmigration/post/") {
		t.Errorf("result: got %+v", res)
	}
	if n := pubtest.Count(e.fake.Calls(), "/threads"); n != 1 {
		t.Errorf("GET or POST …/threads: %d calls, want one (the container; no lookup on a first attempt)", n)
	}
}

func TestImageWithAlt(t *testing.T) {
	e := newEnv(t)
	card := pubtest.WritePNG(t, "card.png", 108, 135)
	pubtest.Publish(t, e.publisher(), publish.Post{ID: "p2", At: pubtest.Planned, Text: "A card",
		Images: []publish.Image{{Path: card, Alt: pubtest.Alt}}})
	th := e.fake.Threads()
	want, _ := os.ReadFile(card)
	if len(th) != 1 || th[0].MediaType != "IMAGE" || th[0].AltText != pubtest.Alt || string(th[0].Image) != string(want) {
		t.Fatalf("threads: got %d, want one IMAGE post with its alt text and the image Threads fetched from the public folder", len(th))
	}
	u, _ := url.Parse(th[0].ImageURL)
	if !strings.HasPrefix(u.Path, "/public/") || !strings.HasSuffix(u.Path, ".png") || len(filepath.Base(u.Path)) != 64+4 {
		t.Errorf("image_url %q: want /public/<sha256>.png", th[0].ImageURL)
	}
	// the container was polled while IN_PROGRESS, published once FINISHED
	if n := pubtest.Count(e.fake.Calls(), "/threads_publish"); n != 1 {
		t.Errorf("threads_publish: %d calls, want 1", n)
	}
}

func TestNoPublicURL(t *testing.T) {
	e := newEnv(t)
	e.media = nil
	_, err := e.publisher().Publish(pubtest.Attempt(1), publish.Post{ID: "n1", At: pubtest.Planned, Text: "A card",
		Images: []publish.Image{{Path: pubtest.WritePNG(t, "c.png", 50, 50), Alt: "x"}}})
	if !publish.IsPermanent(err) || !errors.Is(err, publish.ErrNoPublicURL) || !strings.Contains(err.Error(), "CAMPAIGNKIT_PUBLIC_BASE_URL") {
		t.Errorf("got %v, want a permanent error naming CAMPAIGNKIT_PUBLIC_BASE_URL", err)
	}
	if calls := e.fake.Calls(); len(calls) != 0 {
		t.Errorf("requests sent: %v", calls)
	}
}

func TestLimitsBeforeSending(t *testing.T) {
	e := newEnv(t)
	img := pubtest.WritePNG(t, "c.png", 40, 40)
	wide := pubtest.WritePNG(t, "wide.png", 440, 40)
	notImage := filepath.Join(t.TempDir(), "notes.png")
	os.WriteFile(notImage, []byte("just text, not a picture"), 0o644)
	tests := []struct {
		name string
		post publish.Post
		want string
	}{
		{"over 500", publish.Post{Text: strings.Repeat("a", 501)}, "501 characters as Threads counts them"},
		{"emoji count bytes", publish.Post{Text: strings.Repeat("😀", 126)}, "504 characters as Threads counts them"},
		{"two images", publish.Post{Text: "hi", Images: []publish.Image{{Path: img}, {Path: img}}}, "one image per Threads post"},
		{"long alt", publish.Post{Text: "hi", Images: []publish.Image{{Path: img, Alt: strings.Repeat("a", 1001)}}}, "1001 characters; Threads takes at most 1000"},
		{"not an image", publish.Post{Text: "hi", Images: []publish.Image{{Path: notImage}}}, "Threads takes JPEG and PNG"},
		{"too wide", publish.Post{Text: "hi", Images: []publish.Image{{Path: wide}}}, "aspect ratios up to 10:1"},
		{"empty", publish.Post{}, "no text and no image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.post.ID, tt.post.At = "limits", pubtest.Planned
			_, err := e.publisher().Publish(pubtest.Attempt(1), tt.post)
			if !publish.IsPermanent(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want a permanent error containing %q", err, tt.want)
			}
		})
	}
	if calls := e.fake.Calls(); len(calls) != 0 {
		t.Errorf("requests sent for posts Threads would refuse: %v", calls)
	}
}

func TestRateLimits(t *testing.T) {
	t.Run("publishing quota used up", func(t *testing.T) {
		e := newEnv(t)
		e.fake.AddThreads(e.user.ID, 250)
		_, err := e.publisher().Publish(pubtest.Attempt(1), publish.Post{ID: "q1", At: pubtest.Planned, Text: "one too many"})
		if d, ok := publish.RetryAfter(err); !ok || d != time.Hour || !strings.Contains(err.Error(), "250 of the 250") {
			t.Errorf("got %v, want RetryAfterError of an hour naming the quota", err)
		}
		if n := pubtest.Count(e.fake.Calls(), "POST /v1.0/"+e.user.ID+"/threads"); n != 0 {
			t.Errorf("containers made: %d, want 0", n)
		}
	})
	t.Run("429", func(t *testing.T) {
		e := newEnv(t)
		e.fake.SetRateLimit("POST /threads", 0)
		p := e.publisher()
		_, err := p.Publish(pubtest.Attempt(1), publish.Post{ID: "q2", At: pubtest.Planned, Text: "hello"})
		if _, ok := publish.RetryAfter(err); !ok || !strings.Contains(err.Error(), "Application request limit reached") {
			t.Fatalf("got %v, want RetryAfterError with Threads' words", err)
		}
		before := len(e.fake.Calls())
		if _, err := p.Publish(pubtest.Attempt(1), publish.Post{ID: "q3", At: pubtest.Planned, Text: "again"}); err == nil {
			t.Errorf("second post during the wait: got no error")
		}
		if after := len(e.fake.Calls()); after != before {
			t.Errorf("the publisher sent %d requests during the wait, want 0", after-before)
		}
	})
}

func TestTokenRenewal(t *testing.T) {
	t.Run("renewed in its second month", func(t *testing.T) {
		e := newEnv(t)
		issued := e.Now.Add(-40 * 24 * time.Hour)
		old := e.fake.Issue(e.user.ID, "990602627938098", threads.Scopes, issued)
		e.save(old, issued.Add(threadstest.LongTTL), threads.Scopes)
		pubtest.Publish(t, e.publisher(), publish.Post{ID: "t1", At: pubtest.Planned, Text: "after renewal"})
		tok, _ := e.Store.Load("un-threads")
		if tok.Access.Reveal() == old || tok.Expiry.Before(e.Now.Add(59*24*time.Hour)) || tok.UserID != e.user.ID {
			t.Errorf("store: want a new 60-day token saved with the user id kept")
		}
	})
	t.Run("expired", func(t *testing.T) {
		e := newEnv(t)
		issued := e.Now.Add(-61 * 24 * time.Hour)
		old := e.fake.Issue(e.user.ID, "990602627938098", threads.Scopes, issued)
		e.save(old, issued.Add(threadstest.LongTTL), threads.Scopes)
		_, err := e.publisher().Publish(pubtest.Attempt(1), publish.Post{ID: "t2", At: pubtest.Planned, Text: "too late"})
		if !publish.IsPermanent(err) || !strings.Contains(err.Error(), "renews only unexpired tokens") || !strings.Contains(err.Error(), "accounts login threads --account un-threads") {
			t.Errorf("got %v, want a permanent error saying sign in again", err)
		}
	})
}

func TestRefusals(t *testing.T) {
	pubtest.Refusals(t, []pubtest.Refusal{
		{Name: "revoked", Env: func(t *testing.T) pubtest.Env {
			e := newEnv(t)
			e.fake.Revoke(e.user.ID)
			return e.pub()
		}, Post: pubtest.Hello("v1"), Want: []string{"the session has been invalidated", "campaignkit accounts login threads --account un-threads"}},
		{Name: "missing permission", Env: func(t *testing.T) pubtest.Env {
			return newEnv(t, "threads_basic").pub()
		}, Post: pubtest.Hello("v2"),
			Want: []string{"Application does not have permission for this action", "code 10", "threads_content_publish", "accounts login threads"}},
		{Name: "image Threads cannot fetch", Env: func(t *testing.T) pubtest.Env {
			e := newEnv(t)
			e.media, _ = publish.NewPublicFolder(filepath.Join(t.TempDir(), "p"), "http://127.0.0.1:1/public/")
			return e.pub()
		}, Post: publish.Post{ID: "v3", At: pubtest.Planned, Text: "card",
			Images: []publish.Image{{Path: pubtest.WritePNG(t, "c.png", 50, 50), Alt: "x"}}},
			Want: []string{"FAILED_DOWNLOADING", "CAMPAIGNKIT_PUBLIC_BASE_URL"}},
	})
}

// TestFakeRefusesUnfinishedContainer: the fake, like Threads, refuses to
// publish a container before it is FINISHED, and a container twice.
func TestFakeRefusesUnfinishedContainer(t *testing.T) {
	e := newEnv(t)
	tok := e.fake.Issue(e.user.ID, "990602627938098", threads.Scopes, e.Now)
	post := func(path string, v url.Values) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, e.fake.URL+"/v1.0/"+e.user.ID+path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		n, _ := resp.Body.Read(buf)
		b.Write(buf[:n])
		return resp.StatusCode, b.String()
	}
	_, body := post("/threads", url.Values{"media_type": {"TEXT"}, "text": {"hi"}})
	id := strings.Split(strings.Split(body, `"id":"`)[1], `"`)[0]
	if code, body := post("/threads_publish", url.Values{"creation_id": {id}}); code != 400 || !strings.Contains(body, "not FINISHED") {
		t.Errorf("publishing an IN_PROGRESS container: HTTP %d %s, want 400", code, body)
	}
}

// TestInterruptedAttempt: Threads publishes but the answer is lost; the
// retry, in a new process, finds the thread instead of publishing again.
func TestInterruptedAttempt(t *testing.T) {
	pubtest.InterruptedAttempt(t, func(t *testing.T) pubtest.Env { return newEnv(t).pub() }, func(t *testing.T) publish.Post {
		return publish.Post{ID: "i1", Channel: "threads", Lang: "en", At: pubtest.Planned, Text: "Migrants & refugees — café",
			Images: []publish.Image{{Path: pubtest.WritePNG(t, "card.png", 50, 50), Alt: "A card."}}}
	})
}

// TestContainerReused: an attempt that made a container and stopped
// before publishing it (here: Threads still processing) is followed by
// one that publishes that same container, once.
func TestContainerReused(t *testing.T) {
	e := newEnv(t)
	e.Journal = filepath.Join(t.TempDir(), "journal")
	e.fake.ProcessingPolls = 3
	e.polls = 1
	post := publish.Post{ID: "c1", At: pubtest.Planned, Text: "slow"}
	if _, err := e.publisher().Publish(pubtest.Attempt(1), post); err == nil || !strings.Contains(err.Error(), "still IN_PROGRESS") {
		t.Fatalf("first attempt: got %v, want it to stop while the container is IN_PROGRESS", err)
	}
	e.polls = 5
	if _, err := e.publisher().Publish(pubtest.Attempt(2), post); err != nil {
		t.Fatalf("retry: %v", err)
	}
	calls := e.fake.Calls()
	if n := pubtest.Count(calls, "POST /v1.0/"+e.user.ID+"/threads"); n != 1 {
		t.Errorf("containers made: %d, want 1", n)
	}
	if n := len(e.fake.Threads()); n != 1 {
		t.Errorf("%d threads, want 1", n)
	}
}
