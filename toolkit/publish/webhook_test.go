package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// webhookReceiver is a receiver as a partner would write one: it checks the
// signature, keeps one post per Idempotency-Key and answers 201 with an id.
type webhookReceiver struct {
	secret []byte
	now    time.Time

	mu       sync.Mutex
	posts    map[string]WebhookPayload
	requests int
	answer   func(w http.ResponseWriter) bool // a canned answer instead, when it returns true
}

func (rc *webhookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.requests++
	if rc.answer != nil && rc.answer(w) {
		return
	}
	body, _ := io.ReadAll(r.Body)
	if err := VerifyWebhook(rc.secret, r.Header.Get(SignatureHeader), body, rc.now, 5*time.Minute); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	var p WebhookPayload
	if err := json.Unmarshal(body, &p); err != nil || key == "" || key != p.ID {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	if _, dup := rc.posts[key]; !dup {
		rc.posts[key] = p
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"id":"rcv-%s","url":"https://partner.example/p/%s"}`, key, key)
}

func TestWebhookPublish(t *testing.T) {
	now := time.Date(2026, 12, 18, 9, 0, 3, 0, time.UTC)
	rc := &webhookReceiver{secret: []byte("whsec-1"), now: now, posts: map[string]WebhookPayload{}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	card := writePNG(t, t.TempDir(), "card.png", 12, 8)
	p := testPost(t, "post-wh-1", Image{Path: card, Alt: "A boat at dawn"})

	wh, err := NewWebhook(WebhookConfig{URL: srv.URL, Secret: NewSecret("whsec-1"), Client: srv.Client(), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // the second time is a retry: the receiver dedupes
		res, err := wh.Publish(context.Background(), p)
		if err != nil {
			t.Fatalf("Publish #%d: %v", i+1, err)
		}
		if want := (Result{RemoteID: "rcv-post-wh-1", URL: "https://partner.example/p/post-wh-1"}); res != want {
			t.Errorf("Publish #%d = %+v, want %+v", i+1, res, want)
		}
	}
	if got, want := len(rc.posts), 1; got != want {
		t.Fatalf("receiver has %d posts, want %d", got, want)
	}
	got := rc.posts[p.ID]
	if got.Text != p.Text || got.Link != p.Link || got.Lang != "en" || !got.At.Equal(p.At) {
		t.Errorf("payload = %+v, want the post's fields", got)
	}
	if len(got.Images) != 1 || got.Images[0].Alt != "A boat at dawn" || got.Images[0].Width != 12 || got.Images[0].Height != 8 || len(got.Images[0].Data) == 0 {
		t.Errorf("payload images = %+v, want one 12x8 image with data and alt text", got.Images)
	}
}

func TestWebhookFailures(t *testing.T) {
	now := time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		secret    string
		answer    func(w http.ResponseWriter) bool
		permanent bool
		after     time.Duration
		hasAfter  bool
		msg       string
	}{
		{"wrong secret", "other-secret", nil, true, 0, false, "HTTP 401"},
		{"rate limited", "whsec-1", func(w http.ResponseWriter) bool {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		}, false, 30 * time.Second, true, "HTTP 429"},
		{"receiver down", "whsec-1", func(w http.ResponseWriter) bool {
			http.Error(w, "upstream timed out", http.StatusBadGateway)
			return true
		}, false, 0, false, "upstream timed out"},
		{"refused content", "whsec-1", func(w http.ResponseWriter) bool {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnprocessableEntity)
			io.WriteString(w, `{"error":"text too long for our channel"}`)
			return true
		}, true, 0, false, "text too long for our channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := &webhookReceiver{secret: []byte("whsec-1"), now: now, posts: map[string]WebhookPayload{}, answer: tt.answer}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			wh, err := NewWebhook(WebhookConfig{URL: srv.URL + "/hook", Secret: NewSecret(tt.secret), Client: srv.Client(), Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			_, err = wh.Publish(context.Background(), testPost(t, "p1"))
			if err == nil {
				t.Fatal("Publish: got nil error")
			}
			if got := IsPermanent(err); got != tt.permanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, got, tt.permanent)
			}
			if after, ok := RetryAfter(err); after != tt.after || ok != tt.hasAfter {
				t.Errorf("RetryAfter = %v, %v; want %v, %v", after, ok, tt.after, tt.hasAfter)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.msg)
			}
			if len(rc.posts) != 0 {
				t.Errorf("receiver kept %d posts, want 0", len(rc.posts))
			}
		})
	}
}

func TestWebhookNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	wh, err := NewWebhook(WebhookConfig{URL: url, Secret: NewSecret("k")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = wh.Publish(context.Background(), testPost(t, "p1"))
	if err == nil || IsPermanent(err) {
		t.Errorf("err = %v, want a retryable error", err)
	}
}

func TestVerifyWebhook(t *testing.T) {
	secret := []byte("whsec-1")
	body := []byte(`{"id":"p1"}`)
	signedAt := time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)
	good := SignWebhook(secret, signedAt, body)
	_, goodSig, _ := strings.Cut(good, ",v1=")
	tests := []struct {
		name   string
		secret []byte
		header string
		body   []byte
		now    time.Time
		want   string // "" for valid
	}{
		{"valid", secret, good, body, signedAt.Add(time.Minute), ""},
		{"valid, receiver clock behind", secret, good, body, signedAt.Add(-time.Minute), ""},
		{"rotated keys: second v1 matches", secret, "t=" + fmt.Sprint(signedAt.Unix()) + ",v1=" + strings.Repeat("ab", 32) + ",v1=" + goodSig, body, signedAt, ""},
		{"tampered body", secret, good, []byte(`{"id":"p2"}`), signedAt, "does not match"},
		{"wrong secret", []byte("other"), good, body, signedAt, "does not match"},
		{"replayed later", secret, good, body, signedAt.Add(6 * time.Minute), "tolerance 5m0s"},
		{"no header", secret, "", body, signedAt, "no X-Campaignkit-Signature header"},
		{"no timestamp", secret, "v1=" + goodSig, body, signedAt, "bad timestamp"},
		{"no signature", secret, "t=" + fmt.Sprint(signedAt.Unix()), body, signedAt, "no v1 signature"},
		{"not hex", secret, "t=1,v1=zz", body, signedAt, "not hex"},
		{"garbage", secret, "hello", body, signedAt, "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyWebhook(tt.secret, tt.header, tt.body, tt.now, 5*time.Minute)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want valid", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrBadSignature)):
				t.Errorf("got %v, want ErrBadSignature containing %q", err, tt.want)
			}
		})
	}
}

func TestNewWebhookConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  WebhookConfig
		want string
	}{
		{"no url", WebhookConfig{Secret: NewSecret("k")}, "want an absolute http or https URL"},
		{"ftp", WebhookConfig{URL: "ftp://x", Secret: NewSecret("k")}, "want an absolute http or https URL"},
		{"no secret", WebhookConfig{URL: "https://x.example/hook"}, "secret: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewWebhook(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
