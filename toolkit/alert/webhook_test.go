package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/alert/alerttest"
	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// request is what a test receiver got.
type request struct {
	header http.Header
	path   string
	body   []byte
}

// receiver is an httptest server on loopback that answers with the
// statuses in turn (200 past the end) and hands each request on.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	all      []request
	got      chan request
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	t.Helper()
	r := &receiver{statuses: statuses, got: make(chan request, 100)}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		status := http.StatusOK
		if n := len(r.all); n < len(r.statuses) {
			status = r.statuses[n]
		}
		rq := request{header: req.Header.Clone(), path: req.URL.Path, body: body}
		r.all = append(r.all, rq)
		r.mu.Unlock()
		r.got <- rq
		w.WriteHeader(status)
		fmt.Fprintf(w, "status %d", status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]request(nil), r.all...)
}

// TestWebhookJSONSigned: the json format carries the whole alert and is
// signed so that publish.VerifyWebhook accepts it; the event key is the
// Idempotency-Key.
func TestWebhookJSONSigned(t *testing.T) {
	recv := newReceiver(t)
	secret := "alert-signing-key"
	n, err := New(Config{Now: now, Retry: fastRetry, Webhook: &WebhookConfig{URL: recv.URL + "/alerts", Secret: publish.NewSecret(secret)}})
	if err != nil {
		t.Fatal(err)
	}
	e := refused("quote-ar")
	n.Notify(e)
	closeNow(t, n)
	reqs := recv.requests()
	if len(reqs) != 1 {
		t.Fatalf("requests: got %d, want 1", len(reqs))
	}
	rq := reqs[0]
	if err := publish.VerifyWebhook([]byte(secret), rq.header.Get(publish.SignatureHeader), rq.body, clock, 5*time.Minute); err != nil {
		t.Errorf("signature: %v", err)
	}
	if err := publish.VerifyWebhook([]byte("another key"), rq.header.Get(publish.SignatureHeader), rq.body, clock, 5*time.Minute); err == nil {
		t.Error("signature verifies with another key")
	}
	if got := rq.header.Get("Idempotency-Key"); got != e.Key {
		t.Errorf("Idempotency-Key: got %q, want %q", got, e.Key)
	}
	var p Payload
	if err := json.Unmarshal(rq.body, &p); err != nil {
		t.Fatalf("body: %v\n%s", err, rq.body)
	}
	want := Payload{Kind: "token-expired", Key: e.Key, At: clock, Local: "2026-12-18T09:00:03Z", Timezone: "UTC", Campaign: "migrants-day-2026",
		PostID: "quote-ar", Channel: "bluesky", Lang: "ar", Planned: e.Planned, Subject: "[campaignkit] token-expired: post quote-ar to bluesky (migrants-day-2026)",
		Message: e.Message, Action: e.Action}
	p.Text = ""
	if fmt.Sprintf("%+v", p) != fmt.Sprintf("%+v", want) {
		t.Errorf("payload:\ngot  %+v\nwant %+v", p, want)
	}
}

// TestWebhookSlackFormat: the slack format sends {"text": ...} and nothing
// else, which Slack and Teams incoming webhooks post as is.
func TestWebhookSlackFormat(t *testing.T) {
	recv := newReceiver(t)
	n, err := New(Config{Now: now, Retry: fastRetry, Webhook: &WebhookConfig{URL: recv.URL + "/services/T0/B0/x", Format: FormatSlack}})
	if err != nil {
		t.Fatal(err)
	}
	n.Notify(missed("launch-en"))
	closeNow(t, n)
	reqs := recv.requests()
	if len(reqs) != 1 {
		t.Fatalf("requests: got %d, want 1", len(reqs))
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[0].body, &body); err != nil {
		t.Fatal(err)
	}
	text, ok := body["text"].(string)
	if len(body) != 1 || !ok {
		t.Fatalf("body: got %s, want only a text", reqs[0].body)
	}
	for _, s := range []string{"*[campaignkit] missed: post launch-en to mastodon (migrants-day-2026)*", "When: Fri 18 Dec 2026 09:00:03 UTC",
		"What to do: post it by hand, or `campaignkit queue retry launch-en`"} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q:\n%s", s, text)
		}
	}
	if h := reqs[0].header.Get(publish.SignatureHeader); h != "" {
		t.Errorf("signed without a secret: %q", h)
	}
}

// TestWebhookRetries: a failed POST is retried, a delivered one is not,
// and a refusal that cannot change (4xx) is not retried either.
func TestWebhookRetries(t *testing.T) {
	for _, c := range []struct {
		name     string
		statuses []int
		want     int // requests
		lost     bool
	}{
		{"200", nil, 1, false},
		{"500 then 200", []int{500}, 2, false},
		{"429 then 204", []int{429}, 2, false},
		{"500 every time", []int{500, 502, 503}, 3, true},
		{"400", []int{400}, 1, true},
		{"redirect", []int{302}, 1, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			recv := newReceiver(t, c.statuses...)
			var l logs
			n, err := New(Config{Now: now, Retry: fastRetry, Logger: newLogger(&l),
				Webhook: &WebhookConfig{URL: recv.URL, Secret: publish.NewSecret("k")}})
			if err != nil {
				t.Fatal(err)
			}
			n.Notify(missed("launch-en"))
			err = n.Close(t.Context())
			if got := len(recv.requests()); got != c.want {
				t.Errorf("requests: got %d, want %d\n%s", got, c.want, l.String())
			}
			if (err != nil) != c.lost {
				t.Errorf("Close: %v; lost: want %v", err, c.lost)
			}
			if got, want := l.count("alert delivered"), map[bool]int{false: 1, true: 0}[c.lost]; got != want {
				t.Errorf("delivered lines: got %d, want %d\n%s", got, want, l.String())
			}
		})
	}
}

// TestSlowWebhookDoesNotBlock: while the receiver hangs, Notify still
// returns at once; the queue holds Config.Queue alerts and drops the rest
// with an error log line each; the mail channel is not held up.
func TestSlowWebhookDoesNotBlock(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan string, 100)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- r.Header.Get("Idempotency-Key")
		<-release
	}))
	defer slow.Close()
	defer close(release) // before slow.Close, which waits for the handlers
	srv := smtpServer(t, alerttest.Options{})
	var l logs
	n, err := New(Config{Now: now, Retry: fastRetry, Logger: newLogger(&l), Queue: 2,
		Webhook: &WebhookConfig{URL: slow.URL, Format: FormatSlack},
		Email:   &EmailConfig{Addr: srv.Addr, From: "a@example.org", To: []string{"b@example.org"}}})
	if err != nil {
		t.Fatal(err)
	}
	mailed := func(id string) {
		t.Helper()
		if _, ok := srv.Next(wait); !ok {
			t.Fatalf("the mail of %s never arrived while the webhook hung", id)
		}
	}
	n.Notify(missed("p0"))
	select {
	case <-arrived: // the webhook goroutine now hangs on p0
	case <-time.After(wait):
		t.Fatal("the webhook never received the first alert")
	}
	mailed("p0")
	for i := 1; i <= 5; i++ {
		id := fmt.Sprintf("p%d", i)
		n.Notify(missed(id)) // p1, p2 queue for the webhook; p3..p5 are dropped
		mailed(id)           // each mail goes meanwhile
	}
	if got := l.count("alert dropped"); got != 3 {
		t.Errorf("dropped lines: got %d, want 3\n%s", got, l.String())
	}
	release <- struct{}{} // p0
	release <- struct{}{} // p1
	release <- struct{}{} // p2
	if err := n.Close(t.Context()); err == nil || !strings.Contains(err.Error(), "3 alert deliveries") {
		t.Errorf("Close: got %v, want it to count the 3 dropped", err)
	}
	var keys []string
	for len(arrived) > 0 {
		keys = append(keys, <-arrived)
	}
	if got := fmt.Sprint(keys); got != "[missed:p1:1 missed:p2:1]" {
		t.Errorf("webhook got after p0: %s, want p1 and p2", got)
	}
}

// TestCloseHasADeadline: Close gives up on a receiver that never answers
// when its context ends, and the alert is logged as not delivered.
func TestCloseHasADeadline(t *testing.T) {
	stop := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body) // then net/http notices the client leaving
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer hang.Close()
	defer close(stop)
	var l logs
	n, err := New(Config{Now: now, Retry: Retry{Timeout: time.Hour}, Logger: newLogger(&l), Webhook: &WebhookConfig{URL: hang.URL, Format: FormatSlack}})
	if err != nil {
		t.Fatal(err)
	}
	n.Notify(missed("launch-en"))
	n.Notify(missed("later"))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = n.Close(ctx)
	if err == nil {
		t.Fatal("Close: no error, want one saying alerts were lost")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close took %s despite a 100ms deadline", d)
	}
	if got := l.count("alert not delivered"); got != 2 {
		t.Errorf("undelivered lines: got %d, want 2\n%s", got, l.String())
	}
}

// TestNoSecretsInLogs: neither the SMTP password, the signing secret nor
// the key in a Slack URL's path appears in the logs, whatever fails.
func TestNoSecretsInLogs(t *testing.T) {
	failing := newReceiver(t, 500, 500, 500)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused
	srv := smtpServer(t, alerttest.Options{Users: map[string]string{"ops": "right-password"}, AllowInsecureAuth: true})
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"slack url answering 500", Config{Webhook: &WebhookConfig{URL: failing.URL + "/services/T0/B0/slack-url-key", Format: FormatSlack}}},
		{"unreachable url", Config{Webhook: &WebhookConfig{URL: closed + "/services/T0/B0/slack-url-key?token=slack-url-key", Secret: publish.NewSecret("signing-secret")}}},
		{"wrong smtp password", Config{Email: &EmailConfig{Addr: srv.Addr, Username: "ops", Password: publish.NewSecret("wrong-password-secret"),
			From: "a@example.org", To: []string{"b@example.org"}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var l logs
			cfg := c.cfg
			cfg.Now, cfg.Retry, cfg.Logger = now, fastRetry, newLogger(&l)
			n, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			n.Notify(refused("quote-ar"))
			if err := n.Close(t.Context()); err == nil {
				t.Error("Close: no error, want the alert lost")
			}
			if !strings.Contains(l.String(), "alert not delivered") {
				t.Errorf("log lacks the failure:\n%s", l.String())
			}
			for _, secret := range []string{"slack-url-key", "signing-secret", "wrong-password-secret", "right-password"} {
				if strings.Contains(l.String(), secret) {
					t.Errorf("log shows %q:\n%s", secret, l.String())
				}
			}
		})
	}
}
