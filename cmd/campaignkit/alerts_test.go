package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/alert/alerttest"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/runner"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

// TestAlertSettings: the alert channels come from the environment; a bad
// setting is a usage error naming the variable, all of them at once.
func TestAlertSettings(t *testing.T) {
	dir := t.TempDir()
	loose := filepath.Join(dir, "loose")
	if err := os.WriteFile(loose, []byte("pw\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		env      map[string]string
		channels string // on success
		errs     []string
	}{
		{"none", nil, "", nil},
		{"smtp with user", map[string]string{"CAMPAIGNKIT_ALERT_SMTP": "smtp://ops@example.org@mail.example.org",
			"CAMPAIGNKIT_ALERT_SMTP_PASSWORD": "pw", "CAMPAIGNKIT_ALERT_EMAIL_TO": "a@example.org, Duty <b@example.org>"}, "email", nil},
		{"host:port relay", map[string]string{"CAMPAIGNKIT_ALERT_SMTP": "127.0.0.1:25",
			"CAMPAIGNKIT_ALERT_EMAIL_TO": "a@example.org", "CAMPAIGNKIT_ALERT_EMAIL_FROM": "campaignkit@example.org"}, "email", nil},
		{"slack, no secret", map[string]string{"CAMPAIGNKIT_ALERT_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/k",
			"CAMPAIGNKIT_ALERT_WEBHOOK_FORMAT": "slack"}, "webhook", nil},
		{"both", map[string]string{"CAMPAIGNKIT_ALERT_SMTP": "smtps://mail.example.org", "CAMPAIGNKIT_ALERT_EMAIL_TO": "a@example.org",
			"CAMPAIGNKIT_ALERT_EMAIL_FROM": "c@example.org", "CAMPAIGNKIT_ALERT_WEBHOOK_URL": "https://example.org/hook",
			"CAMPAIGNKIT_ALERT_WEBHOOK_SECRET": "k"}, "email,webhook", nil},
		{"every problem at once", map[string]string{"CAMPAIGNKIT_ALERT_SMTP": "smtp://ops@mail.example.org:587",
			"CAMPAIGNKIT_ALERT_WEBHOOK_URL": "https://example.org/hook", "CAMPAIGNKIT_ALERT_WEBHOOK_FORMAT": "xml"}, "", []string{
			"CAMPAIGNKIT_ALERT_SMTP_PASSWORD: user \"ops\" needs a password",
			"CAMPAIGNKIT_ALERT_EMAIL_TO: required",
			"CAMPAIGNKIT_ALERT_EMAIL_FROM: required",
			"CAMPAIGNKIT_ALERT_WEBHOOK_FORMAT: webhook format \"xml\""}},
		{"password in the url", map[string]string{"CAMPAIGNKIT_ALERT_SMTP": "smtp://ops:hunter2@mail.example.org",
			"CAMPAIGNKIT_ALERT_EMAIL_TO": "a@example.org", "CAMPAIGNKIT_ALERT_EMAIL_FROM": "c@example.org"}, "", []string{"has a password in it"}},
		{"bad scheme", map[string]string{"CAMPAIGNKIT_ALERT_SMTP": "imap://mail.example.org",
			"CAMPAIGNKIT_ALERT_EMAIL_TO": "a@example.org", "CAMPAIGNKIT_ALERT_EMAIL_FROM": "c@example.org"}, "", []string{`scheme "imap"`}},
		{"no port", map[string]string{"CAMPAIGNKIT_ALERT_SMTP": "mail.example.org",
			"CAMPAIGNKIT_ALERT_EMAIL_TO": "a@example.org", "CAMPAIGNKIT_ALERT_EMAIL_FROM": "c@example.org"}, "", []string{"want smtp://user@host:port"}},
		{"recipients without server", map[string]string{"CAMPAIGNKIT_ALERT_EMAIL_TO": "a@example.org"}, "", []string{"CAMPAIGNKIT_ALERT_SMTP is not"}},
		{"bad recipient", map[string]string{"CAMPAIGNKIT_ALERT_SMTP": "127.0.0.1:25", "CAMPAIGNKIT_ALERT_EMAIL_FROM": "c@example.org",
			"CAMPAIGNKIT_ALERT_EMAIL_TO": "a@example.org; b"}, "", []string{"CAMPAIGNKIT_ALERT_EMAIL_TO \"a@example.org; b\""}},
		{"json webhook without secret", map[string]string{"CAMPAIGNKIT_ALERT_WEBHOOK_URL": "https://example.org/hook"}, "",
			[]string{"CAMPAIGNKIT_ALERT_WEBHOOK_SECRET: required to sign json alerts"}},
		{"secret file others can read", map[string]string{"CAMPAIGNKIT_ALERT_WEBHOOK_URL": "https://example.org/hook",
			"CAMPAIGNKIT_ALERT_WEBHOOK_SECRET_FILE": loose}, "", []string{"chmod 600"}},
		{"bad webhook url", map[string]string{"CAMPAIGNKIT_ALERT_WEBHOOK_URL": "hooks.slack.com/services/T/B/k", "CAMPAIGNKIT_ALERT_WEBHOOK_FORMAT": "slack"}, "",
			[]string{"want an absolute http or https URL"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := func(k string) (string, bool) { v, ok := c.env[k]; return v, ok }
			var logs bytes.Buffer
			n, err := alertsFromEnv(env, time.UTC, slog.New(slog.NewTextHandler(&logs, nil)), time.Now)
			if c.errs == nil {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				defer closeAlerts(n, slog.New(slog.NewTextHandler(io.Discard, nil)))
				if got := strings.Join(n.Channels(), ","); got != c.channels {
					t.Errorf("channels: got %q, want %q", got, c.channels)
				}
				if c.channels == "" && !strings.Contains(logs.String(), "alerts go nowhere but this log") {
					t.Errorf("startup log does not say alerts go nowhere:\n%s", logs.String())
				}
				if strings.Contains(logs.String(), "/services/T/B/k") {
					t.Errorf("startup log shows the webhook's key:\n%s", logs.String())
				}
				return
			}
			if err == nil {
				closeAlerts(n, slog.New(slog.NewTextHandler(io.Discard, nil)))
				t.Fatalf("no error, want %q", c.errs)
			}
			if !isUsage(err) {
				t.Errorf("%v: not a usage error (exit 2)", err)
			}
			for _, want := range c.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

// TestAlertBadSettingExits2: `campaignkit run` with a bad alert setting
// stops before running, with exit 2 and the variable named.
func TestAlertBadSettingExits2(t *testing.T) {
	clearCampaignkitEnv(t)
	t.Setenv("CAMPAIGNKIT_ALERT_EMAIL_TO", "ops@example.org")
	dir := t.TempDir()
	path := writeCampaign(t, dir, crashCampaign, nil)
	code, _, stderr := runCLI(t, "run", "-c", path, "--state", filepath.Join(dir, "state"))
	if code != 2 || !strings.Contains(stderr, "CAMPAIGNKIT_ALERT_SMTP is not") {
		t.Errorf("exit %d, stderr %q; want 2 naming CAMPAIGNKIT_ALERT_SMTP", code, stderr)
	}
}

// clearCampaignkitEnv empties every CAMPAIGNKIT_ variable for the test, so
// that the machine's own settings do not leak in.
func clearCampaignkitEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "CAMPAIGNKIT_") {
			t.Setenv(k, "")
		}
	}
}

// TestAlertTokenRefusedMailedOnce runs `campaignkit run` with a post due
// now to a Mastodon server on loopback that refuses the token (401), and
// alerts mailed through a real SMTP server on loopback: exactly one mail
// arrives, saying that the token was refused and what to do, and the post
// is not tried again.
func TestAlertTokenRefusedMailedOnce(t *testing.T) {
	clearCampaignkitEnv(t)
	var statuses atomic.Int32
	masto := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/v1/statuses" {
			statuses.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error": "The access token is invalid"}`)
	}))
	defer masto.Close()
	mails, err := alerttest.NewServer(alerttest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mails.Close()
	t.Setenv("CAMPAIGNKIT_MASTODON_SERVER", masto.URL)
	t.Setenv("CAMPAIGNKIT_MASTODON_TOKEN", "expired-mastodon-token")
	t.Setenv("CAMPAIGNKIT_ALERT_SMTP", mails.Addr)
	t.Setenv("CAMPAIGNKIT_ALERT_EMAIL_TO", "ops@example.org")
	t.Setenv("CAMPAIGNKIT_ALERT_EMAIL_FROM", "campaignkit@example.org")

	dir := t.TempDir()
	path := writeCampaign(t, dir, crashCampaign, nil)
	state := filepath.Join(dir, "state")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	store, err := queue.OpenSQLite(context.Background(), filepath.Join(state, queue.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	post, err := runner.AdHoc(runner.AdHocPost{At: time.Now(), Channel: "mastodon", Lang: "en", Text: "Migrants make our cities #CrashTest"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Enqueue(context.Background(), time.Now(), []queue.Post{post}); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr toolkittest.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"campaignkit", "run", "-c", path, "--state", state}, io.Discard, &stderr)
	}()
	m, ok := mails.Next(30 * time.Second)
	if !ok {
		cancel()
		<-done
		t.Fatalf("no alert mail within 30s\n%s", stderr.String())
	}
	cancel()
	if code := <-done; code != 130 {
		t.Errorf("run: exit %d, want 130 after the interrupt\n%s", code, stderr.String())
	}
	if n := len(mails.Mails()); n != 1 {
		t.Errorf("mails: got %d, want exactly 1", n)
	}
	if n := statuses.Load(); n != 1 {
		t.Errorf("POST /api/v1/statuses: %d times, want 1 (a refused token is not retried)", n)
	}
	p, err := m.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if m.From != "campaignkit@example.org" || strings.Join(m.To, ",") != "ops@example.org" {
		t.Errorf("envelope: from %q to %q", m.From, m.To)
	}
	if want := "[campaignkit] token-expired: post " + post.ID + " to mastodon (crash-test)"; p.Subject != want {
		t.Errorf("subject: got %q, want %q", p.Subject, want)
	}
	for _, s := range []string{
		"mastodon refused campaignkit's token, so post " + post.ID + " was not published",
		"The access token is invalid",
		"renew the mastodon token",
		"campaignkit queue retry " + post.ID,
		"(Europe/London)",
	} {
		if !strings.Contains(p.Body, s) {
			t.Errorf("mail body lacks %q:\n%s", s, p.Body)
		}
	}
	for _, out := range []string{p.Body, stderr.String()} {
		if strings.Contains(out, "expired-mastodon-token") {
			t.Errorf("the token leaked:\n%s", out)
		}
	}
	if !strings.Contains(stderr.String(), "alerts on") {
		t.Errorf("startup log does not name the alert channels:\n%s", stderr.String())
	}
}
