package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/alert"
	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// alertsHelp lists the alert settings for `run --help`.
const alertsHelp = "Alerts (a post given up, a missed post, a refused token, a dead runner) go to the log, and to:\n" +
	"  e-mail    CAMPAIGNKIT_ALERT_SMTP (smtp://user@host:587, smtps://user@host:465 or host:port),\n" +
	"            CAMPAIGNKIT_ALERT_SMTP_PASSWORD[_FILE], CAMPAIGNKIT_ALERT_EMAIL_TO (comma-separated),\n" +
	"            CAMPAIGNKIT_ALERT_EMAIL_FROM\n" +
	"  webhook   CAMPAIGNKIT_ALERT_WEBHOOK_URL, CAMPAIGNKIT_ALERT_WEBHOOK_SECRET[_FILE],\n" +
	"            CAMPAIGNKIT_ALERT_WEBHOOK_FORMAT (json, signed; or slack, for Slack and Teams)\n"

// alertsStopTimeout bounds how long a stopping daemon waits for alerts
// still being delivered.
const alertsStopTimeout = 10 * time.Second

// alertsFromEnv builds the alert notifier from the environment: e-mail,
// webhook, both or neither (then each event is logged at error level,
// and only there). Every bad setting is reported at once, as a usage
// error. zone is the campaign's time zone.
func alertsFromEnv(env func(string) (string, bool), zone *time.Location, logger *slog.Logger, now func() time.Time) (*alert.Notifier, error) {
	get := func(name string) string { v, _ := env(name); return strings.TrimSpace(v) }
	secret := func(name string) (publish.Secret, error) { return publish.LoadSecret(env, name, get(name+"_FILE")) }
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	cfg := alert.Config{Location: zone, Now: now, Logger: logger}

	server, to, from := get("CAMPAIGNKIT_ALERT_SMTP"), get("CAMPAIGNKIT_ALERT_EMAIL_TO"), get("CAMPAIGNKIT_ALERT_EMAIL_FROM")
	switch {
	case server != "":
		e, user, err := smtpSetting(server)
		if err != nil {
			bad("CAMPAIGNKIT_ALERT_SMTP: %v", err)
		}
		if user != "" {
			pw, err := secret("CAMPAIGNKIT_ALERT_SMTP_PASSWORD")
			if err != nil {
				bad("CAMPAIGNKIT_ALERT_SMTP_PASSWORD: user %q needs a password: %v", user, err)
			}
			e.Username, e.Password = user, pw
		} else if get("CAMPAIGNKIT_ALERT_SMTP_PASSWORD") != "" || get("CAMPAIGNKIT_ALERT_SMTP_PASSWORD_FILE") != "" {
			bad("CAMPAIGNKIT_ALERT_SMTP_PASSWORD is set but CAMPAIGNKIT_ALERT_SMTP names no user: write smtp://USER@host:port")
		}
		if to == "" {
			bad("CAMPAIGNKIT_ALERT_EMAIL_TO: required with CAMPAIGNKIT_ALERT_SMTP: who gets the alerts (comma-separated)")
		} else if list, err := mail.ParseAddressList(to); err != nil {
			bad("CAMPAIGNKIT_ALERT_EMAIL_TO %q: want addresses such as ops@example.org, separated by commas: %v", to, err)
		} else {
			for _, a := range list {
				e.To = append(e.To, a.String())
			}
		}
		switch {
		case from != "":
			if _, err := mail.ParseAddress(from); err != nil {
				bad("CAMPAIGNKIT_ALERT_EMAIL_FROM %q: want one address such as campaignkit@example.org: %v", from, err)
			}
			e.From = from
		case strings.Contains(user, "@"):
			e.From = user
		default:
			bad("CAMPAIGNKIT_ALERT_EMAIL_FROM: required (the sender of the alerts) unless the SMTP user is an address")
		}
		cfg.Email = &e
	case to != "" || from != "":
		bad("CAMPAIGNKIT_ALERT_EMAIL_TO/FROM are set but CAMPAIGNKIT_ALERT_SMTP is not: which mail server sends the alerts?")
	}

	if u := get("CAMPAIGNKIT_ALERT_WEBHOOK_URL"); u != "" {
		w := alert.WebhookConfig{URL: u}
		f, err := alert.ParseFormat(get("CAMPAIGNKIT_ALERT_WEBHOOK_FORMAT"))
		if err != nil {
			bad("CAMPAIGNKIT_ALERT_WEBHOOK_FORMAT: %v", err)
		}
		w.Format = f
		key, err := secret("CAMPAIGNKIT_ALERT_WEBHOOK_SECRET")
		switch {
		case err == nil:
			w.Secret = key
		case f == alert.FormatJSON:
			bad("CAMPAIGNKIT_ALERT_WEBHOOK_SECRET: required to sign json alerts (or set CAMPAIGNKIT_ALERT_WEBHOOK_FORMAT=slack): %v", err)
		case get("CAMPAIGNKIT_ALERT_WEBHOOK_SECRET_FILE") != "":
			bad("CAMPAIGNKIT_ALERT_WEBHOOK_SECRET_FILE: %v", err)
		}
		cfg.Webhook = &w
	} else if get("CAMPAIGNKIT_ALERT_WEBHOOK_FORMAT") != "" {
		bad("CAMPAIGNKIT_ALERT_WEBHOOK_FORMAT is set but CAMPAIGNKIT_ALERT_WEBHOOK_URL is not")
	}

	if len(problems) > 0 {
		return nil, usagef("alerts: %s", strings.Join(problems, "; "))
	}
	n, err := alert.New(cfg)
	if err != nil {
		return nil, usagef("%v", err)
	}
	if len(n.Channels()) == 0 {
		logger.Warn("alerts go nowhere but this log: set CAMPAIGNKIT_ALERT_SMTP and CAMPAIGNKIT_ALERT_EMAIL_TO, or CAMPAIGNKIT_ALERT_WEBHOOK_URL, to be told of failed, missed and refused posts and of dead runners")
	} else {
		attrs := []any{"channels", strings.Join(n.Channels(), ",")}
		if cfg.Email != nil {
			attrs = append(attrs, "email_to", strings.Join(cfg.Email.To, ", "), "smtp", cfg.Email.Addr)
		}
		if cfg.Webhook != nil {
			// the URL's path may be its key (Slack, Teams): the host only
			if pu, err := url.Parse(cfg.Webhook.URL); err == nil {
				attrs = append(attrs, "webhook", pu.Scheme+"://"+pu.Host, "webhook_format", string(cfg.Webhook.Format))
			}
		}
		logger.Info("alerts on", attrs...)
	}
	return n, nil
}

// smtpSetting reads CAMPAIGNKIT_ALERT_SMTP: smtp://[user@]host[:port]
// (STARTTLS when offered, port 587 by default), smtps://[user@]host[:port]
// (TLS from the start, port 465 by default) or host:port. The user may be
// an e-mail address ("smtp://ops%40example.org@host" or, unescaped,
// "smtp://ops@example.org@host"). The password never goes in it.
func smtpSetting(s string) (alert.EmailConfig, string, error) {
	if !strings.Contains(s, "://") {
		if _, _, err := net.SplitHostPort(s); err != nil {
			return alert.EmailConfig{}, "", fmt.Errorf("%q: want smtp://user@host:port, smtps://user@host:port or host:port", s)
		}
		return alert.EmailConfig{Addr: s}, "", nil
	}
	scheme, rest, _ := strings.Cut(s, "://")
	var e alert.EmailConfig
	port := "587"
	switch strings.ToLower(scheme) {
	case "smtp":
	case "smtps":
		e.ImplicitTLS, port = true, "465"
	default:
		return e, "", fmt.Errorf("scheme %q: want smtp or smtps", scheme)
	}
	rest = strings.TrimSuffix(rest, "/")
	var user string
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		user, rest = rest[:i], rest[i+1:]
		if strings.Contains(user, ":") {
			// not echoed: the part after the colon is a password
			return e, "", fmt.Errorf("has a password in it: put it in CAMPAIGNKIT_ALERT_SMTP_PASSWORD or CAMPAIGNKIT_ALERT_SMTP_PASSWORD_FILE instead")
		}
		if u, err := url.PathUnescape(user); err == nil {
			user = u
		}
	}
	if strings.ContainsAny(rest, "/?#") || rest == "" {
		return e, "", fmt.Errorf("%q: want %s://user@host:port, with nothing after the port", s, scheme)
	}
	if _, _, err := net.SplitHostPort(rest); err != nil {
		rest = net.JoinHostPort(strings.Trim(rest, "[]"), port)
	}
	e.Addr = rest
	return e, user, nil
}

// closeAlerts stops n within alertsStopTimeout, once the runner stopped
// reporting; what could not be delivered is in the log already.
func closeAlerts(n *alert.Notifier, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), alertsStopTimeout)
	defer cancel()
	if err := n.Close(ctx); err != nil {
		logger.Warn("alerts stopped", "err", err)
	}
}
