package alert

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/runner"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

// clock is the injected clock of every test: the moment the events happen.
var clock = time.Date(2026, 12, 18, 9, 0, 3, 0, time.UTC)

func now() time.Time { return clock }

// logs is a concurrency-safe log buffer.
type logs struct{ toolkittest.Buffer }

func (l *logs) count(s string) int { return strings.Count(l.String(), s) }

func newLogger(l *logs) *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// fastRetry keeps retries quick in tests: the wait is a retry's delay,
// not a way to synchronise.
var fastRetry = Retry{Tries: 3, Base: time.Millisecond, Max: 2 * time.Millisecond, Timeout: 10 * time.Second}

func missed(id string) runner.Event {
	return runner.Event{Kind: runner.MissedPost, At: clock, Source: "migrants-day-2026", PostID: id, Channel: "mastodon", Lang: "en",
		Planned: time.Date(2026, 12, 18, 8, 30, 0, 0, time.UTC),
		Message: "post " + id + " to mastodon (en, planned 2026-12-18T08:30:00Z) was missed: due at 08:30, beyond the grace window",
		Action:  "post it by hand, or `campaignkit queue retry " + id + "` to send it now",
		Key:     "missed:" + id + ":1"}
}

func refused(id string) runner.Event {
	return runner.Event{Kind: runner.Unauthorized, At: clock, Source: "migrants-day-2026", PostID: id, Channel: "bluesky", Lang: "ar",
		Planned: time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC),
		Message: "post " + id + " to bluesky failed and will not be retried: bluesky: HTTP 401: ExpiredToken",
		Action:  "renew the bluesky token, restart the runner, then `campaignkit queue retry " + id + "`",
		Key:     "auth:bluesky:" + id}
}

// closeNow stops n and fails the test if that takes long or loses alerts.
func closeNow(t *testing.T, n *Notifier) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestNewRejectsBadSettings(t *testing.T) {
	good := func() Config {
		return Config{Now: now,
			Email:   &EmailConfig{Addr: "127.0.0.1:25", From: "ops@example.org", To: []string{"a@example.org"}},
			Webhook: &WebhookConfig{URL: "https://hooks.example.org/x", Secret: publish.NewSecret("k")}}
	}
	for _, c := range []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"no clock", func(c *Config) { c.Now = nil }, "no clock"},
		{"address without port", func(c *Config) { c.Email.Addr = "mail.example.org" }, `address "mail.example.org": want host:port`},
		{"port out of range", func(c *Config) { c.Email.Addr = "mail.example.org:0" }, "port must be 1 to 65535"},
		{"bad sender", func(c *Config) { c.Email.From = "ops at example" }, `from "ops at example"`},
		{"no recipient", func(c *Config) { c.Email.To = nil }, "at least one recipient"},
		{"bad recipient", func(c *Config) { c.Email.To = []string{"a@example.org", "nobody"} }, `to "nobody"`},
		{"user without password", func(c *Config) { c.Email.Username = "ops" }, `user "ops" has no password`},
		{"relative url", func(c *Config) { c.Webhook.URL = "/hook" }, "want an absolute http or https URL"},
		{"json without secret", func(c *Config) { c.Webhook.Secret = publish.Secret{} }, "secret: required for the json format"},
		{"unknown format", func(c *Config) { c.Webhook.Format = "xml" }, `format "xml": want json or slack`},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := good()
			c.mod(&cfg)
			n, err := New(cfg)
			if err == nil {
				closeNow(t, n)
				t.Fatalf("New: no error, want one containing %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("New: got %q, want it to contain %q", err, c.want)
			}
		})
	}
	// a Slack webhook needs no secret: its URL is the key
	cfg := good()
	cfg.Webhook = &WebhookConfig{URL: "https://hooks.slack.com/services/T0/B0/sekrit", Format: FormatSlack}
	n, err := New(cfg)
	if err != nil {
		t.Fatalf("slack without secret: %v", err)
	}
	closeNow(t, n)
}

// TestNoChannelLogs: with no channel configured every event still reaches
// the log, at error level, with what to do; once per key.
func TestNoChannelLogs(t *testing.T) {
	var l logs
	n, err := New(Config{Now: now, Logger: newLogger(&l)})
	if err != nil {
		t.Fatal(err)
	}
	n.Notify(missed("launch-en"))
	n.Notify(missed("launch-en"))
	closeNow(t, n)
	if got := l.count("level=ERROR"); got != 1 {
		t.Errorf("error lines: got %d, want 1\n%s", got, l.String())
	}
	for _, want := range []string{"no alert channel configured", "launch-en", "campaignkit queue retry launch-en"} {
		if !strings.Contains(l.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, l.String())
		}
	}
}

func TestNotifyAfterCloseIsLogged(t *testing.T) {
	var l logs
	n, err := New(Config{Now: now, Logger: newLogger(&l), Webhook: &WebhookConfig{URL: "http://127.0.0.1:1/", Format: FormatSlack}})
	if err != nil {
		t.Fatal(err)
	}
	closeNow(t, n)
	n.Notify(missed("late"))
	if !strings.Contains(l.String(), "alert after the notifier stopped") {
		t.Errorf("log lacks the late alert:\n%s", l.String())
	}
}

func TestTexts(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name        string
		e           runner.Event
		subject     string
		inText      []string
		inChat      []string
		loc         *time.Location
		wantPlanned bool
	}{
		{"missed", missed("launch-en"), "[campaignkit] missed: post launch-en to mastodon (migrants-day-2026)",
			[]string{"Post launch-en to mastodon was missed", "Post:     launch-en (en) to mastodon",
				"Planned:  Fri 18 Dec 2026 09:30 CET (Europe/Paris), 2026-12-18 08:30 UTC",
				"When:     Fri 18 Dec 2026 10:00:03 CET (Europe/Paris), 2026-12-18 09:00:03 UTC",
				"What to do:\npost it by hand, or `campaignkit queue retry launch-en` to send it now"},
			[]string{"*[campaignkit] missed: post launch-en to mastodon (migrants-day-2026)*", "What to do: post it by hand"}, paris, true},
		{"token", refused("quote-ar"), "[campaignkit] token-expired: post quote-ar to bluesky (migrants-day-2026)",
			[]string{"bluesky refused campaignkit's token", "renew the bluesky token", "When:     Fri 18 Dec 2026 09:00:03 UTC"},
			nil, time.UTC, true},
		{"runner down", runner.Event{Kind: runner.RunnerDown, At: clock, Source: "x", Key: "down:r1:5",
			Message: "runner r1 (host web-1, pid 7) stopped beating <at> 09:00 & more", Action: "check that machine"},
			"[campaignkit] runner-down: a runner stopped without stopping cleanly (x)",
			[]string{"A campaignkit runner stopped", "runner r1 (host web-1, pid 7)", "event down:r1:5"},
			[]string{"stopped beating &lt;at&gt; 09:00 &amp; more"}, time.UTC, false},
		{"subject stays one line", runner.Event{Kind: "failed", PostID: "a\r\nBcc: x@example.org", Channel: "x", Key: "k"},
			"[campaignkit] failed: post a  Bcc: x@example.org to x", nil, nil, time.UTC, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := compose(c.e, c.loc)
			if m.subject != c.subject {
				t.Errorf("subject: got %q, want %q", m.subject, c.subject)
			}
			for _, s := range c.inText {
				if !strings.Contains(m.text, s) {
					t.Errorf("text lacks %q:\n%s", s, m.text)
				}
			}
			for _, s := range c.inChat {
				if !strings.Contains(m.chat, s) {
					t.Errorf("chat text lacks %q:\n%s", s, m.chat)
				}
			}
			if got := !m.payload.Planned.IsZero(); got != c.wantPlanned {
				t.Errorf("payload has a planned time: %v, want %v", got, c.wantPlanned)
			}
		})
	}
}
