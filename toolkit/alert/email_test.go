package alert

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/alert/alerttest"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/runner"
)

const wait = 10 * time.Second // bound on waiting for a real server on loopback

func smtpServer(t *testing.T, o alerttest.Options) *alerttest.Server {
	t.Helper()
	s, err := alerttest.NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// TestEmailOverSTARTTLS: through a real SMTP server on loopback that offers
// STARTTLS and AUTH PLAIN, each event arrives as one mail, over TLS, with
// the sender, the recipients, a clear subject and a body that says what
// happened, when (the campaign's zone and UTC) and what to do. A repeated
// event is not mailed again.
func TestEmailOverSTARTTLS(t *testing.T) {
	serverTLS, clientTLS, err := alerttest.SelfSigned()
	if err != nil {
		t.Fatal(err)
	}
	srv := smtpServer(t, alerttest.Options{TLS: serverTLS, Users: map[string]string{"ops": "s3cret-pw"}})
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	var l logs
	n, err := New(Config{Now: now, Logger: newLogger(&l), Location: paris, Retry: fastRetry,
		Email: &EmailConfig{Addr: srv.Addr, Username: "ops", Password: publish.NewSecret("s3cret-pw"), TLS: clientTLS,
			From: "campaignkit <alerts@example.org>", To: []string{"ops@example.org", "Duty Phone <duty@example.org>"}}})
	if err != nil {
		t.Fatal(err)
	}
	events := []runner.Event{missed("launch-en"), refused("quote-ar")}
	for _, e := range events {
		n.Notify(e)
	}
	n.Notify(missed("launch-en")) // the same event again
	closeNow(t, n)

	mails := srv.Mails()
	if len(mails) != len(events) {
		t.Fatalf("mails: got %d, want %d (one per event)\n%s", len(mails), len(events), l.String())
	}
	slices.SortFunc(mails, func(a, b alerttest.Mail) int { return strings.Compare(string(a.Data), string(b.Data)) })
	for _, m := range mails {
		if !m.TLS || m.User != "ops" {
			t.Errorf("mail came with TLS %v, user %q; want TLS and user ops", m.TLS, m.User)
		}
		if m.From != "alerts@example.org" {
			t.Errorf("envelope sender: got %q, want alerts@example.org", m.From)
		}
		if got := fmt.Sprint(m.To); got != "[ops@example.org duty@example.org]" {
			t.Errorf("envelope recipients: got %s", got)
		}
	}
	for _, c := range []struct {
		subject string
		body    []string
	}{
		{"[campaignkit] missed: post launch-en to mastodon (migrants-day-2026)", []string{
			"Post launch-en to mastodon was missed",
			"launch-en (en) to mastodon",
			"Fri 18 Dec 2026 09:30 CET (Europe/Paris), 2026-12-18 08:30 UTC",
			"Fri 18 Dec 2026 10:00:03 CET (Europe/Paris), 2026-12-18 09:00:03 UTC",
			"What to do:\npost it by hand, or `campaignkit queue retry launch-en` to send it now",
		}},
		{"[campaignkit] token-expired: post quote-ar to bluesky (migrants-day-2026)", []string{
			"bluesky refused campaignkit's token, so post quote-ar was not published",
			"quote-ar (ar) to bluesky",
			"bluesky: HTTP 401: ExpiredToken",
			"What to do:\nrenew the bluesky token, restart the runner, then `campaignkit queue retry quote-ar`",
		}},
	} {
		var found bool
		for _, m := range mails {
			p, err := m.Parse()
			if err != nil {
				t.Fatalf("mail does not parse: %v\n%s", err, m.Data)
			}
			if p.Subject != c.subject {
				continue
			}
			found = true
			if got := p.Header.Get("From"); got != `"campaignkit" <alerts@example.org>` {
				t.Errorf("From: got %q", got)
			}
			if got := p.Header.Get("To"); got != `<ops@example.org>, "Duty Phone" <duty@example.org>` {
				t.Errorf("To: got %q", got)
			}
			if got := p.Header.Get("Date"); got != "Fri, 18 Dec 2026 09:00:03 +0000" {
				t.Errorf("Date: got %q, want the injected clock's", got)
			}
			for _, s := range c.body {
				if !strings.Contains(p.Body, s) {
					t.Errorf("%s: body lacks %q:\n%s", c.subject, s, p.Body)
				}
			}
		}
		if !found {
			t.Errorf("no mail with subject %q", c.subject)
		}
	}
	if strings.Contains(l.String(), "s3cret-pw") {
		t.Errorf("the password reached the log:\n%s", l.String())
	}
}

// TestEmailRetriesOnlyFailedSends: a refused DATA is retried if the
// refusal is temporary (4xx) and not if it is permanent (5xx); an accepted
// mail is never sent again.
func TestEmailRetriesOnlyFailedSends(t *testing.T) {
	for _, c := range []struct {
		name      string
		answers   []error // DATA answers in order; past the end, accept
		wantData  int     // DATA commands the server sees
		wantMails int
		wantLog   string
	}{
		{"accepted at once", nil, 1, 1, "alert delivered"},
		{"451 then accepted", []error{alerttest.Reply(451, "try again later")}, 2, 1, "will retry"},
		{"451 every time", []error{alerttest.Reply(451, "a"), alerttest.Reply(451, "b"), alerttest.Reply(451, "c"), nil}, 3, 0, "attempts=3"},
		{"554 refused", []error{alerttest.Reply(554, "no thanks")}, 1, 0, "554"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := smtpServer(t, alerttest.Options{Data: func(n int) error {
				if n <= len(c.answers) {
					return c.answers[n-1]
				}
				return nil
			}})
			var l logs
			n, err := New(Config{Now: now, Logger: newLogger(&l), Retry: fastRetry,
				Email: &EmailConfig{Addr: srv.Addr, From: "alerts@example.org", To: []string{"ops@example.org"}}})
			if err != nil {
				t.Fatal(err)
			}
			n.Notify(missed("launch-en"))
			err = n.Close(t.Context())
			if got := srv.DataCommands(); got != c.wantData {
				t.Errorf("DATA commands: got %d, want %d\n%s", got, c.wantData, l.String())
			}
			if got := len(srv.Mails()); got != c.wantMails {
				t.Errorf("mails: got %d, want %d", got, c.wantMails)
			}
			if (err == nil) != (c.wantMails == 1) {
				t.Errorf("Close: %v; want an error exactly when the alert was lost", err)
			}
			if !strings.Contains(l.String(), c.wantLog) {
				t.Errorf("log lacks %q:\n%s", c.wantLog, l.String())
			}
		})
	}
}

// TestEmailPlainAuthOnLoopbackOnly: a password goes over TLS, or in clear
// only to a server on this machine.
func TestEmailPlainAuthOnLoopbackOnly(t *testing.T) {
	for _, c := range []struct {
		secure, loopback, want bool
	}{
		{true, false, true}, {true, true, true}, {false, true, true}, {false, false, false},
	} {
		if got := authAllowed(c.secure, c.loopback); got != c.want {
			t.Errorf("authAllowed(tls %v, loopback %v): got %v, want %v", c.secure, c.loopback, got, c.want)
		}
	}
	// a server on loopback without STARTTLS gets the password
	srv := smtpServer(t, alerttest.Options{Users: map[string]string{"ops": "pw"}, AllowInsecureAuth: true})
	n, err := New(Config{Now: now, Retry: fastRetry,
		Email: &EmailConfig{Addr: srv.Addr, Username: "ops", Password: publish.NewSecret("pw"), From: "a@example.org", To: []string{"b@example.org"}}})
	if err != nil {
		t.Fatal(err)
	}
	n.Notify(missed("launch-en"))
	closeNow(t, n)
	if m := srv.Mails(); len(m) != 1 || m[0].User != "ops" || m[0].TLS {
		t.Errorf("mails: got %+v, want one, authenticated as ops, in clear", m)
	}
}
