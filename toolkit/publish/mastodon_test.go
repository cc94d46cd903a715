package publish

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// fakeMastodon follows the Mastodon REST API closely enough for the
// publisher: bearer auth, POST /api/v2/media answering 202 while the file is
// processed and GET /api/v1/media/:id answering 206 until it is done, statuses
// with an Idempotency-Key that it honours or ignores, the 500-character
// limit, and Rack::Attack's 429 with X-RateLimit-Reset (no Retry-After).
type fakeMastodon struct {
	token             string
	honourIdempotency bool
	processingPolls   int // 206 answers before a medium is ready
	now               time.Time

	mu         sync.Mutex
	nextID     int
	media      map[string]*fakeMedium
	statuses   []fakeStatus // oldest first
	keys       map[string]string
	loseAnswer int // drop the connection after creating this many statuses
	rateLimit  int // answer 429 to this many requests
	calls      []string
}

type fakeMedium struct {
	ID, Description, Type string
	pollsLeft             int
}

type fakeStatus struct {
	ID, Text, Language, Visibility string
	CreatedAt                      time.Time
	Media                          []*fakeMedium
}

func newFakeMastodon(t *testing.T) (*fakeMastodon, *httptest.Server) {
	f := &fakeMastodon{
		token:             "tok-123",
		honourIdempotency: true,
		now:               time.Date(2026, 12, 18, 9, 0, 2, 0, time.UTC),
		nextID:            110000000000000000,
		media:             map[string]*fakeMedium{},
		keys:              map[string]string{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v2/media", f.uploadMedia)
	mux.HandleFunc("GET /api/v1/media/{id}", f.getMedia)
	mux.HandleFunc("POST /api/v1/statuses", f.postStatus)
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": "109", "username": "campaign", "acct": "campaign"})
	})
	mux.HandleFunc("GET /api/v1/accounts/{id}/statuses", f.accountStatuses)
	mux.HandleFunc("GET /api/v1/statuses/{id}/source", f.statusSource)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls = append(f.calls, r.Method+" "+r.URL.Path)
		if r.Header.Get("Authorization") != "Bearer "+f.token {
			writeJSON(w, 401, map[string]string{"error": "The access token is invalid"})
			return
		}
		if f.rateLimit > 0 {
			f.rateLimit--
			w.Header().Set("X-RateLimit-Limit", "300")
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", f.now.Add(5*time.Minute).Format("2006-01-02T15:04:05.000000Z"))
			writeJSON(w, 429, map[string]string{"error": "Too many requests"})
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return f, srv
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeMastodon) id() string {
	f.nextID++
	return strconv.Itoa(f.nextID)
}

func (f *fakeMastodon) mediumJSON(m *fakeMedium) map[string]any {
	var url any // null while processing
	if m.pollsLeft == 0 {
		url = "https://files.example/media/" + m.ID + ".png"
	}
	return map[string]any{"id": m.ID, "type": m.Type, "url": url, "preview_url": "https://files.example/small/" + m.ID + ".png", "description": m.Description}
}

func (f *fakeMastodon) uploadMedia(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		writeJSON(w, 422, map[string]string{"error": "Validation failed: File can't be blank"})
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		writeJSON(w, 422, map[string]string{"error": "Validation failed: File can't be blank"})
		return
	}
	file.Close()
	if ct := hdr.Header.Get("Content-Type"); ct != "image/png" && ct != "image/jpeg" {
		writeJSON(w, 422, map[string]string{"error": "Validation failed: File content type is invalid"})
		return
	}
	desc := r.FormValue("description")
	if utf8.RuneCountInString(desc) > 1500 {
		writeJSON(w, 422, map[string]string{"error": "Validation failed: Description is too long (maximum is 1500 characters)"})
		return
	}
	m := &fakeMedium{ID: f.id(), Description: desc, Type: "image", pollsLeft: f.processingPolls}
	f.media[m.ID] = m
	if m.pollsLeft > 0 {
		writeJSON(w, 202, f.mediumJSON(m))
		return
	}
	writeJSON(w, 200, f.mediumJSON(m))
}

func (f *fakeMastodon) getMedia(w http.ResponseWriter, r *http.Request) {
	m, ok := f.media[r.PathValue("id")]
	if !ok {
		writeJSON(w, 404, map[string]string{"error": "Record not found"})
		return
	}
	if m.pollsLeft > 0 {
		m.pollsLeft--
		if m.pollsLeft > 0 {
			writeJSON(w, 206, f.mediumJSON(m))
			return
		}
	}
	writeJSON(w, 200, f.mediumJSON(m))
}

func (f *fakeMastodon) statusJSON(s fakeStatus) map[string]any {
	media := []map[string]any{}
	for _, m := range s.Media {
		media = append(media, f.mediumJSON(m))
	}
	return map[string]any{
		"id":                s.ID,
		"created_at":        s.CreatedAt.Format("2006-01-02T15:04:05.000Z"),
		"content":           "<p>" + strings.ReplaceAll(html.EscapeString(s.Text), "\n", "<br />") + "</p>",
		"language":          s.Language,
		"visibility":        s.Visibility,
		"uri":               "https://social.example/users/campaign/statuses/" + s.ID,
		"url":               "https://social.example/@campaign/" + s.ID,
		"media_attachments": media,
	}
}

func (f *fakeMastodon) postStatus(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, 400, map[string]string{"error": err.Error()})
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if id, ok := f.keys[key]; ok && key != "" && f.honourIdempotency {
		for _, s := range f.statuses {
			if s.ID == id {
				writeJSON(w, 200, f.statusJSON(s))
				return
			}
		}
	}
	s := fakeStatus{ID: f.id(), Text: r.PostForm.Get("status"), Language: r.PostForm.Get("language"), Visibility: r.PostForm.Get("visibility"), CreatedAt: f.now}
	for _, id := range r.PostForm["media_ids[]"] {
		m, ok := f.media[id]
		if !ok {
			writeJSON(w, 422, map[string]string{"error": "Validation failed: Media ids are invalid"})
			return
		}
		if m.pollsLeft > 0 {
			writeJSON(w, 422, map[string]string{"error": "Cannot attach files that have not finished processing. Try again in a moment!"})
			return
		}
		s.Media = append(s.Media, m)
	}
	if strings.TrimSpace(s.Text) == "" && len(s.Media) == 0 {
		writeJSON(w, 422, map[string]string{"error": "Validation failed: Text can't be blank"})
		return
	}
	if utf8.RuneCountInString(s.Text) > 500 {
		writeJSON(w, 422, map[string]string{"error": "Validation failed: Text character limit of 500 exceeded"})
		return
	}
	f.statuses = append(f.statuses, s)
	if key != "" {
		f.keys[key] = s.ID
	}
	if f.loseAnswer > 0 {
		f.loseAnswer--
		// The status exists, but the client never hears about it.
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	writeJSON(w, 200, f.statusJSON(s))
}

func (f *fakeMastodon) accountStatuses(w http.ResponseWriter, r *http.Request) {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 || limit > 40 {
		limit = 20
	}
	out := []map[string]any{}
	for i := len(f.statuses) - 1; i >= 0 && len(out) < limit; i-- { // newest first
		out = append(out, f.statusJSON(f.statuses[i]))
	}
	writeJSON(w, 200, out)
}

func (f *fakeMastodon) statusSource(w http.ResponseWriter, r *http.Request) {
	for _, s := range f.statuses {
		if s.ID == r.PathValue("id") {
			writeJSON(w, 200, map[string]string{"id": s.ID, "text": s.Text, "spoiler_text": ""})
			return
		}
	}
	writeJSON(w, 404, map[string]string{"error": "Record not found"})
}

func (f *fakeMastodon) count(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

// newTestMastodon returns a publisher for srv that records its waits.
func newTestMastodon(t *testing.T, f *fakeMastodon, srv *httptest.Server, token string) (*Mastodon, *[]time.Duration) {
	t.Helper()
	var waits []time.Duration
	m, err := NewMastodon(MastodonConfig{
		Server:       srv.URL + "/",
		Token:        NewSecret(token),
		PollInterval: 2 * time.Second,
		MaxPolls:     5,
		Client:       srv.Client(),
		Now:          func() time.Time { return f.now },
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
			f, srv := newFakeMastodon(t)
			f.processingPolls = tt.polls
			m, waits := newTestMastodon(t, f, srv, f.token)
			dir := t.TempDir()
			p := testPost(t, "post-m-1",
				Image{Path: writePNG(t, dir, "a.png", 8, 8), Alt: "A paper boat"},
				Image{Path: writePNG(t, dir, "b.png", 8, 8), Alt: "Hands holding a candle"})
			p.Lang = "pt-BR"
			res, err := m.Publish(context.Background(), p)
			if err != nil {
				t.Fatalf("Publish: %v", err)
			}
			if len(f.statuses) != 1 {
				t.Fatalf("server has %d statuses, want 1", len(f.statuses))
			}
			s := f.statuses[0]
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
			if f.keys[p.ID] != s.ID {
				t.Errorf("Idempotency-Key: server saw keys %v, want %q", f.keys, p.ID)
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
			if got := f.count("GET /api/v1/accounts"); got != 0 {
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
			f, srv := newFakeMastodon(t)
			f.honourIdempotency = tt.honour
			f.loseAnswer = 1
			m, _ := newTestMastodon(t, f, srv, f.token)
			card := writePNG(t, t.TempDir(), "card.png", 8, 8)
			// An older status with the same text, from an earlier campaign
			// day: it must not be taken for this post.
			f.statuses = append(f.statuses, fakeStatus{ID: "1", Text: "On #MigrantsDay we stand together. ✊🏽\n\nhttps://www.un.org/en/observances/migrants-day",
				Language: "en", CreatedAt: f.now.Add(-26 * time.Hour), Media: []*fakeMedium{{ID: "0", Description: "A boat"}}})
			p := testPost(t, "post-m-2", Image{Path: card, Alt: "A boat"})

			_, err := m.Publish(context.Background(), p)
			if err == nil || IsPermanent(err) {
				t.Fatalf("first Publish: err = %v, want a retryable error", err)
			}
			if tt.restart {
				m, _ = newTestMastodon(t, f, srv, f.token)
			}
			ctx := context.Background()
			if tt.attempt > 0 {
				ctx = WithAttempt(ctx, tt.attempt)
			}
			res, err := m.Publish(ctx, p)
			if err != nil {
				t.Fatalf("retry: %v", err)
			}
			if got, want := len(f.statuses), 2; got != want {
				t.Fatalf("server has %d statuses, want %d (the old one and this post once)", got, want)
			}
			if want := f.statuses[1].ID; res.RemoteID != want {
				t.Errorf("retry RemoteID = %q, want %q (the status the first attempt created)", res.RemoteID, want)
			}
			// A third call in the same process answers from memory.
			before := len(f.calls)
			again, err := m.Publish(ctx, p)
			if err != nil || again != res {
				t.Errorf("third Publish = %+v, %v; want %+v, nil", again, err, res)
			}
			if len(f.calls) != before {
				t.Errorf("third Publish made %d requests, want 0", len(f.calls)-before)
			}
		})
	}
}

func TestMastodonLookupFindsNothing(t *testing.T) {
	// The runner says attempt 2, but the first attempt never reached the
	// server: the lookup finds nothing and the post goes out once.
	f, srv := newFakeMastodon(t)
	f.honourIdempotency = false
	m, _ := newTestMastodon(t, f, srv, f.token)
	p := testPost(t, "post-m-3")
	other := p
	other.Text = "A different post."
	f.statuses = append(f.statuses, fakeStatus{ID: "5", Text: withLink(other.Text, other.Link), Language: "en", CreatedAt: f.now})
	res, err := m.Publish(WithAttempt(context.Background(), 2), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.statuses) != 2 || res.RemoteID != f.statuses[1].ID {
		t.Errorf("got %d statuses and result %+v, want this post created once", len(f.statuses), res)
	}
	if got := f.count("GET /api/v1/statuses/"); got != 1 {
		t.Errorf("fetched %d status sources, want 1 (the one candidate)", got)
	}
}

func TestMastodonFailures(t *testing.T) {
	long := strings.Repeat("a", 501)
	tests := []struct {
		name      string
		setup     func(f *fakeMastodon, p *Post)
		token     string
		permanent bool
		after     time.Duration
		msg       string
	}{
		{"bad token", nil, "wrong", true, 0, "HTTP 401): mastodon: POST /api/v2/media card.png: The access token is invalid"},
		{"text too long", func(f *fakeMastodon, p *Post) { p.Text, p.Link = long, "" }, "", true, 0, "Text character limit of 500 exceeded"},
		{"rate limited", func(f *fakeMastodon, p *Post) { f.rateLimit = 1 }, "", false, 5 * time.Minute, "Too many requests"},
		{"media never ready", func(f *fakeMastodon, p *Post) { f.processingPolls = 100 }, "", false, 0, "still processing after 5 checks"},
		{"missing image", func(f *fakeMastodon, p *Post) { p.Images[0].Path += ".gone" }, "", true, 0, "image 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakeMastodon(t)
			p := testPost(t, "post-m-4", Image{Path: writePNG(t, t.TempDir(), "card.png", 8, 8), Alt: "x"})
			if tt.setup != nil {
				tt.setup(f, &p)
			}
			token := tt.token
			if token == "" {
				token = f.token
			}
			m, _ := newTestMastodon(t, f, srv, token)
			_, err := m.Publish(context.Background(), p)
			if err == nil {
				t.Fatal("Publish: got nil error")
			}
			if got := IsPermanent(err); got != tt.permanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, got, tt.permanent)
			}
			if after, _ := RetryAfter(err); after != tt.after {
				t.Errorf("RetryAfter = %v, want %v", after, tt.after)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.msg)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("err = %q leaks the token", err)
			}
			if len(f.statuses) != 0 {
				t.Errorf("server has %d statuses, want 0", len(f.statuses))
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
