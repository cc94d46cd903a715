package publish

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish/mastodontest"
)

// fixedNow is the fake's clock in these tests.
var fixedNow = time.Date(2026, 12, 18, 9, 0, 2, 0, time.UTC)

func newFakeMastodon(t *testing.T) *mastodontest.Server {
	t.Helper()
	f := mastodontest.New()
	f.Now = func() time.Time { return fixedNow }
	t.Cleanup(f.Close)
	return f
}

// newTestMastodon returns a publisher for f that records its waits.
func newTestMastodon(t *testing.T, f *mastodontest.Server, token string) (*Mastodon, *[]time.Duration) {
	t.Helper()
	var waits []time.Duration
	m, err := NewMastodon(MastodonConfig{
		Server:       f.URL + "/",
		Token:        NewSecret(token),
		PollInterval: 2 * time.Second,
		MaxPolls:     5,
		Client:       f.Client(),
		Now:          func() time.Time { return fixedNow },
		Sleep: func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			return ctx.Err()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return m, &waits
}

func TestMastodonPublish(t *testing.T) {
	tests := []struct {
		name      string
		polls     int // 206 answers before the medium is ready
		wantWaits int
	}{
		{"processed at once (200)", 0, 0},
		{"202 then polled until ready", 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeMastodon(t)
			f.ProcessingPolls = tt.polls
			m, waits := newTestMastodon(t, f, f.Token)
			dir := t.TempDir()
			p := testPost(t, "post-m-1",
				Image{Path: writePNG(t, dir, "a.png", 8, 8), Alt: "A paper boat"},
				Image{Path: writePNG(t, dir, "b.png", 8, 8), Alt: "Hands holding a candle"})
			p.Lang = "pt-BR"
			res, err := m.Publish(context.Background(), p)
			if err != nil {
				t.Fatalf("Publish: %v", err)
			}
			statuses := f.Statuses()
			if len(statuses) != 1 {
				t.Fatalf("server has %d statuses, want 1", len(statuses))
			}
			s := statuses[0]
			if want := (Result{RemoteID: s.ID, URL: "https://social.example/@campaign/" + s.ID}); res != want {
				t.Errorf("Result = %+v, want %+v", res, want)
			}
			if want := p.Text + "\n\n" + p.Link; s.Text != want {
				t.Errorf("status text = %q, want %q", s.Text, want)
			}
			if s.Language != "pt" || s.Visibility != "public" {
				t.Errorf("language, visibility = %q, %q; want pt, public", s.Language, s.Visibility)
			}
			if len(s.Media) != 2 || s.Media[0].Description != "A paper boat" || s.Media[1].Description != "Hands holding a candle" {
				t.Errorf("media = %+v, want both images with their alt text in order", s.Media)
			}
			if s.IdempotencyKey != p.ID {
				t.Errorf("Idempotency-Key: server saw %q, want %q", s.IdempotencyKey, p.ID)
			}
			if got := len(*waits); got != tt.wantWaits*2 {
				t.Errorf("waited %d times, want %d", got, tt.wantWaits*2)
			}
			for _, d := range *waits {
				if d != 2*time.Second {
					t.Errorf("waited %v, want the poll interval 2s", d)
				}
			}
			// No lookup on a first attempt.
			if got := f.Count("GET /api/v1/accounts"); got != 0 {
				t.Errorf("first attempt made %d account requests, want 0", got)
			}
		})
	}
}

// TestMastodonNoDuplicate loses the answer to the status request: the status
// exists but the publisher hears a network error. The retry must find it,
// whether or not the server honours Idempotency-Key.
func TestMastodonNoDuplicate(t *testing.T) {
	tests := []struct {
		name    string
		honour  bool
		restart bool // a new publisher (process restarted); else the same one
		attempt int  // what the runner says on the retry
	}{
		{"key honoured, same process", true, false, 0},
		{"key ignored, same process", false, false, 0},
		{"key ignored, after restart, runner says attempt 2", false, true, 2},
		{"key honoured, after restart, runner says attempt 2", true, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeMastodon(t)
			f.HonourIdempotency = tt.honour
			f.LoseAnswers(1)
			m, _ := newTestMastodon(t, f, f.Token)
			card := writePNG(t, t.TempDir(), "card.png", 8, 8)
			// An older status with the same text, from an earlier campaign
			// day: it must not be taken for this post.
			f.AddStatus(mastodontest.Status{ID: "1", Text: "On #MigrantsDay we stand together. ✊🏽\n\nhttps://www.un.org/en/observances/migrants-day",
				Language: "en", CreatedAt: fixedNow.Add(-26 * time.Hour), Media: []mastodontest.Medium{{ID: "0", Description: "A boat"}}})
			p := testPost(t, "post-m-2", Image{Path: card, Alt: "A boat"})

			_, err := m.Publish(context.Background(), p)
			if err == nil || IsPermanent(err) {
				t.Fatalf("first Publish: err = %v, want a retryable error", err)
			}
			if tt.restart {
				m, _ = newTestMastodon(t, f, f.Token)
			}
			ctx := context.Background()
			if tt.attempt > 0 {
				ctx = WithAttempt(ctx, tt.attempt)
			}
			res, err := m.Publish(ctx, p)
			if err != nil {
				t.Fatalf("retry: %v", err)
			}
			statuses := f.Statuses()
			if got, want := len(statuses), 2; got != want {
				t.Fatalf("server has %d statuses, want %d (the old one and this post once)", got, want)
			}
			if want := statuses[1].ID; res.RemoteID != want {
				t.Errorf("retry RemoteID = %q, want %q (the status the first attempt created)", res.RemoteID, want)
			}
			// A third call in the same process answers from memory.
			before := len(f.Calls())
			again, err := m.Publish(ctx, p)
			if err != nil || again != res {
				t.Errorf("third Publish = %+v, %v; want %+v, nil", again, err, res)
			}
			if n := len(f.Calls()); n != before {
				t.Errorf("third Publish made %d requests, want 0", n-before)
			}
		})
	}
}

func TestMastodonLookupFindsNothing(t *testing.T) {
	// The runner says attempt 2, but the first attempt never reached the
	// server: the lookup finds nothing and the post goes out once.
	f := newFakeMastodon(t)
	f.HonourIdempotency = false
	m, _ := newTestMastodon(t, f, f.Token)
	p := testPost(t, "post-m-3")
	other := p
	other.Text = "A different post."
	f.AddStatus(mastodontest.Status{ID: "5", Text: withLink(other.Text, other.Link), Language: "en", CreatedAt: fixedNow})
	res, err := m.Publish(WithAttempt(context.Background(), 2), p)
	if err != nil {
		t.Fatal(err)
	}
	if statuses := f.Statuses(); len(statuses) != 2 || res.RemoteID != statuses[1].ID {
		t.Errorf("got %d statuses and result %+v, want this post created once", len(statuses), res)
	}
	if got := f.Count("GET /api/v1/statuses/"); got != 1 {
		t.Errorf("fetched %d status sources, want 1 (the one candidate)", got)
	}
}

func TestMastodonFailures(t *testing.T) {
	long := strings.Repeat("a", 501)
	tests := []struct {
		name      string
		setup     func(f *mastodontest.Server, p *Post)
		token     string
		permanent bool
		after     time.Duration
		msg       string
	}{
		{"bad token", nil, "wrong", true, 0, "HTTP 401): mastodon: POST /api/v2/media card.png: The access token is invalid"},
		{"text too long", func(f *mastodontest.Server, p *Post) { p.Text, p.Link = long, "" }, "", true, 0, "Text character limit of 500 exceeded"},
		{"rate limited", func(f *mastodontest.Server, p *Post) { f.RateLimit(1) }, "", false, 5 * time.Minute, "Too many requests"},
		{"media never ready", func(f *mastodontest.Server, p *Post) { f.ProcessingPolls = 100 }, "", false, 0, "still processing after 5 checks"},
		{"missing image", func(f *mastodontest.Server, p *Post) { p.Images[0].Path += ".gone" }, "", true, 0, "image 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeMastodon(t)
			p := testPost(t, "post-m-4", Image{Path: writePNG(t, t.TempDir(), "card.png", 8, 8), Alt: "x"})
			if tt.setup != nil {
				tt.setup(f, &p)
			}
			token := tt.token
			if token == "" {
				token = f.Token
			}
			m, _ := newTestMastodon(t, f, token)
			_, err := m.Publish(context.Background(), p)
			wantFailure(t, err, tt.permanent, tt.after, tt.msg, token)
			if n := len(f.Statuses()); n != 0 {
				t.Errorf("server has %d statuses, want 0", n)
			}
		})
	}
}

func TestNewMastodonConfig(t *testing.T) {
	tests := []struct {
		cfg  MastodonConfig
		want string
	}{
		{MastodonConfig{Token: NewSecret("t")}, "want a URL such as https://mastodon.social"},
		{MastodonConfig{Server: "https://m.example"}, "token: required"},
		{MastodonConfig{Server: "https://m.example", Token: NewSecret("t"), Visibility: "direct"}, `visibility "direct": want public, unlisted or private`},
	}
	for _, tt := range tests {
		_, err := NewMastodon(tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewMastodon(%+v): got %v, want an error containing %q", tt.cfg, err, tt.want)
		}
	}
}
