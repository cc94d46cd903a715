package instagram_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/instagram"
	"github.com/campaignkit/campaignkit/toolkit/publish/instagram/instagramtest"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/metatest"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/pubtest"
)

// env is a fake Instagram with one professional account linked to a
// Page, the token store a `campaignkit accounts login instagram` would
// have left, and a public folder served on loopback for Instagram to
// fetch the images from.
type env struct {
	pubtest.Base
	fake   *instagramtest.Server
	user   metatest.User
	igID   string
	host   publish.MediaHost
	public string
}

func newEnv(t *testing.T, scopes ...string) *env {
	t.Helper()
	scopes = pubtest.Scopes(scopes, instagram.Permissions)
	e := &env{Base: pubtest.NewBase(t), fake: instagramtest.New()}
	e.Serve(e.fake, &e.fake.Now)
	e.fake.AddApp("app-1", "app-secret")
	e.user = e.fake.AddUser("Comms Officer")
	page := e.fake.AddPage(e.user.ID, "IOM - UN Migration")
	e.igID = e.fake.LinkInstagram(page.ID, "iom")
	e.save(e.fake.IssueUser(e.user.ID, "app-1", scopes, true), e.Now.Add(59*24*time.Hour))
	e.public, e.host = pubtest.PublicFolder(t)
	return e
}

func (e *env) save(access string, expiry time.Time) {
	e.Save("iom-ig", account.Token{Access: publish.NewSecret(access), Expiry: expiry,
		Scopes: instagram.Permissions, UserID: e.igID, Username: "iom"})
}

func (e *env) publisher() *instagram.Publisher {
	e.T.Helper()
	return pubtest.New(e.T, instagram.New, instagram.Config{API: e.fake.URL, Account: "iom-ig", Handle: "iom", UserID: e.igID,
		Tokens: &account.Stored{ID: "iom-ig", Network: "instagram", Store: e.Store, Now: e.Clock}, Host: e.host,
		Journal: e.Journal, Now: e.Clock, Sleep: pubtest.NoSleep, TempDir: e.T.TempDir()})
}

// pub is the env as the shared scenarios drive it.
func (e *env) pub() pubtest.Env {
	pe := e.Env(e.fake, func() publish.Publisher { return e.publisher() })
	pe.Posted = func() []string {
		return pubtest.IDs(e.fake.Media(), func(m instagramtest.Media) string { return m.ID })
	}
	pe.Sent = func() int { return pubtest.Count(e.fake.Calls(), "POST /media_publish") }
	pe.Made = e.fake.Containers
	return pe
}

func card(w, h int, seed byte) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{R: byte(x) + seed, G: byte(y), B: seed, A: 200})
		}
	}
	return img
}

// writePNG and writeJPEG write Instagram's cards, half transparent so
// that the publisher's conversion to JPEG has something to flatten.
func writePNG(t *testing.T, name string, w, h int) string {
	return pubtest.WriteImage(t, name, card(w, h, byte(len(name))))
}

func writeJPEG(t *testing.T, name string, w, h int) string {
	return pubtest.WriteImage(t, name, card(w, h, 9))
}

func TestImagePost(t *testing.T) {
	e := newEnv(t)
	post := pubtest.FirstPost("instagram")
	post.Images = []publish.Image{{Path: writePNG(t, "card.png", 108, 135), Alt: pubtest.Alt}}
	res := pubtest.Publish(t, e.publisher(), post)
	media := e.fake.Media()
	if len(media) != 1 || len(media[0].Images) != 1 {
		t.Fatalf("got %+v, want one post with one image", media)
	}
	m := media[0]
	if m.Caption != pubtest.TextThenLink || m.Alts[0] != pubtest.Alt {
		t.Errorf("post: caption %q, alt %q", m.Caption, m.Alts[0])
	}
	if res.RemoteID != m.ID || res.URL != "https://www.instagram.com/p/"+m.ID+"/" {
		t.Errorf("result: got %+v, want the media id and its permalink", res)
	}
	// The PNG card went out as a JPEG, at the public URL, and Instagram
	// fetched exactly that.
	fetched := e.fake.Fetched()
	if len(fetched) != 1 || fetched[0] != m.Images[0] || !strings.HasSuffix(fetched[0], ".jpg") {
		t.Errorf("fetched %v; want the one public .jpg URL", fetched)
	}
	if n := pubtest.Count(e.fake.Calls(), "GET /media"); n != 0 {
		t.Errorf("first attempt read the account's media %d times, want 0", n)
	}
	// status checks: IN_PROGRESS, then FINISHED
	if n := pubtest.Count(e.fake.Calls(), "POST /media_publish"); n != 1 {
		t.Errorf("media_publish sent %d times, want 1", n)
	}
}

func TestCarousel(t *testing.T) {
	e := newEnv(t)
	var imgs []publish.Image
	for i := 0; i < 3; i++ {
		imgs = append(imgs, publish.Image{Path: writeJPEG(t, fmt.Sprintf("c%d.jpg", i), 100, 100), Alt: fmt.Sprintf("card %d", i+1)})
	}
	pubtest.Publish(t, e.publisher(), publish.Post{ID: "c1", At: pubtest.Planned, Text: "Three cards", Images: imgs})
	media := e.fake.Media()
	if len(media) != 1 || len(media[0].Images) != 3 {
		t.Fatalf("got %+v, want one carousel of three", media)
	}
	if got := strings.Join(media[0].Alts, "|"); got != "card 1|card 2|card 3" || media[0].Caption != "Three cards" {
		t.Errorf("carousel: caption %q, alt texts %q", media[0].Caption, got)
	}
	if n := e.fake.Containers(); n != 4 {
		t.Errorf("%d containers, want 4 (three items and the carousel)", n)
	}
}

// TestLimitsBeforeSending: what Instagram would refuse is refused before a
// single request, as a permanent error naming every problem.
func TestLimitsBeforeSending(t *testing.T) {
	e := newEnv(t)
	sq := writeJPEG(t, "sq.jpg", 100, 100)
	eleven := make([]publish.Image, 11)
	for i := range eleven {
		eleven[i] = publish.Image{Path: sq}
	}
	wide := writePNG(t, "x.png", 160, 80)
	tall := writeJPEG(t, "story.jpg", 54, 96)
	gif := filepath.Join(t.TempDir(), "anim.gif")
	os.WriteFile(gif, []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), 0o644)
	tests := []struct {
		name string
		post publish.Post
		want []string
	}{
		{"too long", publish.Post{Text: strings.Repeat("a", 2201), Images: []publish.Image{{Path: sq}}}, []string{"2201 characters; Instagram takes at most 2200"}},
		{"too many hashtags", publish.Post{Text: strings.Repeat("#tag ", 31), Images: []publish.Image{{Path: sq}}}, []string{"31 hashtags; Instagram takes at most 30"}},
		{"too many images", publish.Post{Text: "hi", Images: eleven}, []string{"11 images; an Instagram carousel takes at most 10"}},
		{"no image", publish.Post{Text: "hi"}, []string{"no text-only posts"}},
		{"aspect ratios and format", publish.Post{Text: "hi", Images: []publish.Image{{Path: wide}, {Path: tall}, {Path: gif}}},
			[]string{"image 1 (" + wide + ") is 160×80, an aspect ratio of 2.00:1; Instagram takes 4:5 (0.8) to 1.91:1", "image 2 (" + tall + ") is 54×96", "image 3 (" + gif + ") is image/gif"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.post.ID, tt.post.At = "limits", pubtest.Planned
			_, err := e.publisher().Publish(pubtest.Attempt(1), tt.post)
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
		t.Errorf("requests sent for posts Instagram would refuse: %v", calls)
	}
}

func TestNoPublicBaseURL(t *testing.T) {
	e := newEnv(t)
	e.host = nil
	_, err := e.publisher().Publish(pubtest.Attempt(1), publish.Post{ID: "h1", At: pubtest.Planned, Text: "hi", Images: []publish.Image{{Path: writeJPEG(t, "a.jpg", 100, 100)}}})
	if !publish.IsPermanent(err) || !strings.Contains(err.Error(), "set CAMPAIGNKIT_PUBLIC_BASE_URL") {
		t.Errorf("no host: got %v, want a permanent error saying to set CAMPAIGNKIT_PUBLIC_BASE_URL", err)
	}
	// A host with no base URL (the variable empty) says the same.
	e.host, _ = publish.NewPublicFolder(e.public, "")
	_, err = e.publisher().Publish(pubtest.Attempt(1), publish.Post{ID: "h2", At: pubtest.Planned, Text: "hi", Images: []publish.Image{{Path: writeJPEG(t, "a.jpg", 100, 100)}}})
	if !publish.IsPermanent(err) || !strings.Contains(err.Error(), "CAMPAIGNKIT_PUBLIC_BASE_URL") {
		t.Errorf("empty base URL: got %v, want a permanent error saying to set CAMPAIGNKIT_PUBLIC_BASE_URL", err)
	}
	if n := len(e.fake.Media()); n != 0 {
		t.Errorf("%d posts, want 0", n)
	}
}

func TestUnfetchableImage(t *testing.T) {
	e := newEnv(t)
	// a host whose URLs lead nowhere: the file is not served
	e.host = hostFunc(func(context.Context, string) (string, error) { return "http://127.0.0.1:1/public/nothing.jpg", nil })
	_, err := e.publisher().Publish(pubtest.Attempt(1), publish.Post{ID: "u1", At: pubtest.Planned, Text: "hi", Images: []publish.Image{{Path: writeJPEG(t, "a.jpg", 100, 100)}}})
	if !publish.IsPermanent(err) || !strings.Contains(err.Error(), "could not be fetched from this uri") {
		t.Errorf("got %v, want a permanent error quoting Instagram", err)
	}
}

type hostFunc func(context.Context, string) (string, error)

func (f hostFunc) URL(ctx context.Context, path string) (string, error) { return f(ctx, path) }

func TestRateLimits(t *testing.T) {
	t.Run("request limit", func(t *testing.T) {
		e := newEnv(t)
		e.fake.SetLimit("POST /{ig-user-id}/media", metatest.Limit{PerHour: 1, Code: 4, Message: "(#4) Application request limit reached", Regain: 12 * time.Minute})
		p := e.publisher()
		err := pubtest.OverLimit(t, p, publish.Image{Path: writeJPEG(t, "a.jpg", 100, 100)})
		if d, ok := publish.RetryAfter(err); !ok || d != 12*time.Minute || !strings.Contains(err.Error(), "(#4) Application request limit reached") {
			t.Errorf("got %v, want RetryAfterError of 12 minutes quoting Meta", err)
		}
	})
	t.Run("24-hour quota", func(t *testing.T) {
		e := newEnv(t)
		p := e.publisher()
		img := []publish.Image{{Path: writeJPEG(t, "a.jpg", 100, 100)}}
		for i := 0; i < instagramtest.QuotaTotal; i++ {
			if _, err := p.Publish(pubtest.Attempt(1), publish.Post{ID: fmt.Sprint("q", i), At: pubtest.Planned, Text: fmt.Sprint("post ", i), Images: img}); err != nil {
				t.Fatalf("post %d: %v", i, err)
			}
		}
		before := e.fake.Containers()
		_, err := p.Publish(pubtest.Attempt(1), publish.Post{ID: "q-over", At: pubtest.Planned, Text: "one too many", Images: img})
		if d, ok := publish.RetryAfter(err); !ok || d != time.Hour || !strings.Contains(err.Error(), "content_publishing_limit") {
			t.Errorf("got %v, want RetryAfterError of an hour naming content_publishing_limit", err)
		}
		if n := e.fake.Containers() - before; n != 0 {
			t.Errorf("%d containers made over the quota, want 0", n)
		}
	})
}

func TestRefusals(t *testing.T) {
	img := []publish.Image{{Path: writeJPEG(t, "a.jpg", 100, 100)}}
	pubtest.Refusals(t, []pubtest.Refusal{
		{Name: "expired", Env: func(t *testing.T) pubtest.Env {
			e := newEnv(t)
			tok := e.fake.IssueUser(e.user.ID, "app-1", instagram.Permissions, true)
			e.fake.Expire(tok)
			e.save(tok, e.Now.Add(time.Hour)) // the store does not know yet
			return e.pub()
		}, Post: publish.Post{ID: "x1", At: pubtest.Planned, Text: "hello", Images: img},
			Want: []string{"Session has expired", "code 190, subcode 463", "campaignkit accounts login instagram --account iom-ig"}},
		{Name: "missing permission", Env: func(t *testing.T) pubtest.Env {
			return newEnv(t, "instagram_basic", "pages_show_list", "pages_read_engagement").pub()
		}, Post: publish.Post{ID: "x2", At: pubtest.Planned, Text: "hello", Images: img},
			Want: []string{"(#10) Application does not have permission for this action", "instagram_content_publish", "professional", "accounts login instagram --account iom-ig"}},
	})
}

// TestInterruptedAttempt: Instagram publishes but the answer is lost; the
// retry, in a new process, finds the post and publishes nothing twice.
func TestInterruptedAttempt(t *testing.T) {
	pubtest.InterruptedAttempt(t, func(t *testing.T) pubtest.Env { return newEnv(t).pub() }, func(t *testing.T) publish.Post {
		return publish.Post{ID: "i1", At: pubtest.Planned, Text: "Migrants & refugees — café\r\n#MigrantsDay",
			Images: []publish.Image{{Path: writeJPEG(t, "a.jpg", 100, 100), Alt: "A card."}, {Path: writePNG(t, "b.png", 100, 125), Alt: "B card."}}}
	})
}

// TestContainerLeftFinished: a crash after the container was made and
// before media_publish: the retry publishes that container, once.
func TestContainerLeftFinished(t *testing.T) {
	e := newEnv(t)
	e.Journal = filepath.Join(t.TempDir(), "journal")
	post := publish.Post{ID: "f1", At: pubtest.Planned, Text: "made, not published", Images: []publish.Image{{Path: writeJPEG(t, "a.jpg", 100, 100)}}}
	ctx, cancel := context.WithCancel(pubtest.Attempt(1))
	p, err := instagram.New(instagram.Config{API: e.fake.URL, Account: "iom-ig", UserID: e.igID, Host: e.host, Journal: e.Journal, Now: e.Clock,
		Tokens: &account.Stored{ID: "iom-ig", Network: "instagram", Store: e.Store, Now: e.Clock},
		// the process dies while waiting for the container
		Sleep: func(context.Context, time.Duration) error { cancel(); return context.Canceled }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Publish(ctx, post); err == nil {
		t.Fatal("first attempt: got no error, want the cancellation")
	}
	if n := e.fake.Containers(); n != 1 || len(e.fake.Media()) != 0 {
		t.Fatalf("after the crash: %d containers, %d posts; want 1 and 0", n, len(e.fake.Media()))
	}
	res, err := e.publisher().Publish(pubtest.Attempt(2), post)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if media := e.fake.Media(); len(media) != 1 || media[0].ID != res.RemoteID || e.fake.Containers() != 1 {
		t.Errorf("after the retry: %+v, %d containers; want one post from the one container", media, e.fake.Containers())
	}
}

func TestNoSignIn(t *testing.T) {
	e := newEnv(t)
	e.SignOut()
	_, err := e.publisher().Publish(pubtest.Attempt(1), publish.Post{ID: "z", At: pubtest.Planned, Text: "hi", Images: []publish.Image{{Path: writeJPEG(t, "a.jpg", 100, 100)}}})
	if !publish.IsPermanent(err) || !strings.Contains(err.Error(), "accounts login instagram --account iom-ig") {
		t.Errorf("got %v, want a permanent error saying how to sign in", err)
	}
}

// TestKilledAttemptLeavesNoFile: a PNG card is converted to a JPEG file
// in TempDir before it is hosted. An attempt whose process is killed
// leaves that file; the post's next attempt, in a new process, replaces
// and removes it, so kills do not pile files up.
func TestKilledAttemptLeavesNoFile(t *testing.T) {
	e := newEnv(t)
	tmp := t.TempDir()
	post := publish.Post{ID: "k1", At: pubtest.Planned, Text: "cut short by a kill", Images: []publish.Image{{Path: writePNG(t, "b.png", 100, 125), Alt: "B card."}}}
	publisher := func(sleep func(context.Context, time.Duration) error) *instagram.Publisher {
		p, err := instagram.New(instagram.Config{API: e.fake.URL, Account: "iom-ig", UserID: e.igID, Host: e.host, Now: e.Clock, TempDir: tmp,
			Tokens: &account.Stored{ID: "iom-ig", Network: "instagram", Store: e.Store, Now: e.Clock}, Sleep: sleep})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The first attempt stops for good while its container is processed,
	// as a killed process does: it never gets to remove its file.
	stuck, killed, ended := make(chan struct{}), make(chan struct{}), make(chan struct{})
	first := publisher(func(context.Context, time.Duration) error {
		close(stuck)
		<-killed
		return context.Canceled
	})
	go func() { // ends once the test releases it
		defer close(ended)
		_, _ = first.Publish(pubtest.Attempt(1), post)
	}()
	t.Cleanup(func() { close(killed); <-ended })
	<-stuck
	if left, _ := os.ReadDir(tmp); len(left) != 1 {
		t.Fatalf("while the first attempt hangs: %d files in TempDir, want its one JPEG", len(left))
	}
	if _, err := publisher(pubtest.NoSleep).Publish(pubtest.Attempt(2), post); err != nil {
		t.Fatalf("next attempt: %v", err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("after the next attempt: %d files in TempDir, want none", len(left))
	}
	if n := len(e.fake.Media()); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
}
