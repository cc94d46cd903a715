package alert

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// EmailConfig says how alerts are mailed. The client says EHLO, switches
// to TLS with STARTTLS when the server offers it, and sends the password
// (AUTH PLAIN) only over TLS or to a server on this machine (loopback).
type EmailConfig struct {
	Addr string // host:port of the SMTP server: 587 for submission, 25 for a relay
	// ImplicitTLS speaks TLS from the first byte (port 465, "smtps")
	// instead of upgrading with STARTTLS.
	ImplicitTLS bool
	Username    string // for AUTH PLAIN; empty sends without AUTH
	Password    publish.Secret
	From        string   // envelope and header sender, "campaignkit <ops@example.org>"
	To          []string // recipients, one address each
	// Hello is the name given in EHLO (default "localhost").
	Hello string
	// TLS configures STARTTLS and implicit TLS; nil verifies the server's
	// certificate against the system's roots for Addr's host.
	TLS *tls.Config
}

// email sends alerts through an SMTP server.
type email struct {
	cfg  EmailConfig
	host string
	from *mail.Address
	to   []*mail.Address
	now  func() time.Time
	log  *slog.Logger
}

func newEmail(cfg EmailConfig, now func() time.Time, log *slog.Logger) (*email, error) {
	var problems []string
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" {
		problems = append(problems, fmt.Sprintf("address %q: want host:port", cfg.Addr))
	} else if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		problems = append(problems, fmt.Sprintf("address %q: port must be 1 to 65535", cfg.Addr))
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		problems = append(problems, fmt.Sprintf("from %q: want one address such as ops@example.org: %v", cfg.From, err))
	}
	var to []*mail.Address
	for _, s := range cfg.To {
		a, err := mail.ParseAddress(s)
		if err != nil {
			problems = append(problems, fmt.Sprintf("to %q: want an address such as ops@example.org: %v", s, err))
			continue
		}
		to = append(to, a)
	}
	if len(cfg.To) == 0 {
		problems = append(problems, "to: want at least one recipient")
	}
	if cfg.Username == "" && !cfg.Password.IsZero() {
		problems = append(problems, "password given without a user name")
	}
	if cfg.Username != "" && cfg.Password.IsZero() {
		problems = append(problems, fmt.Sprintf("user %q has no password", cfg.Username))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("alert e-mail: %s", strings.Join(problems, "; "))
	}
	if cfg.Hello == "" {
		cfg.Hello = "localhost"
	}
	if cfg.TLS == nil {
		cfg.TLS = &tls.Config{}
	}
	cfg.TLS = cfg.TLS.Clone()
	if cfg.TLS.ServerName == "" {
		cfg.TLS.ServerName = host
	}
	return &email{cfg: cfg, host: host, from: from, to: to, now: now, log: log}, nil
}

func (s *email) channel() string { return "email" }

// send mails m to every recipient in one transaction. Once the server has
// accepted the message (250 after DATA), the alert is delivered, whatever
// happens to QUIT.
func (s *email) send(ctx context.Context, m *message) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", s.cfg.Addr, err)
	}
	defer conn.Close()
	// net/smtp knows no context: the deadline bounds every read and
	// write, and a cancel unblocks them at once.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	loopback := isLoopback(conn.RemoteAddr())
	secure := false
	if s.cfg.ImplicitTLS {
		tc := tls.Client(conn, s.cfg.TLS)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("smtp %s: TLS: %w", s.cfg.Addr, err)
		}
		conn, secure = tc, true
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return s.wrap("greeting", err)
	}
	defer c.Close()
	if err := c.Hello(s.cfg.Hello); err != nil {
		return s.wrap("EHLO", err)
	}
	if !secure {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.cfg.TLS); err != nil {
				return s.wrap("STARTTLS", err)
			}
			secure = true
		}
	}
	if s.cfg.Username != "" {
		if !authAllowed(secure, loopback) {
			return permanent(fmt.Errorf("smtp %s: the server offers no STARTTLS; not sending the password in clear to a server beyond this machine", s.cfg.Addr))
		}
		if err := c.Auth(&plainAuth{user: s.cfg.Username, password: s.cfg.Password, allowed: authAllowed(secure, loopback)}); err != nil {
			return s.wrap("AUTH PLAIN as "+s.cfg.Username, err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return s.wrap("MAIL FROM", err)
	}
	accepted := 0
	var refused []error
	for _, to := range s.to {
		if err := c.Rcpt(to.Address); err != nil {
			if !isSMTPPermanent(err) {
				return s.wrap("RCPT TO "+to.Address, err)
			}
			refused = append(refused, fmt.Errorf("%s: %w", to.Address, err))
			continue
		}
		accepted++
	}
	if accepted == 0 {
		return permanent(fmt.Errorf("smtp %s: every recipient refused: %w", s.cfg.Addr, errors.Join(refused...)))
	}
	w, err := c.Data()
	if err != nil {
		return s.wrap("DATA", err)
	}
	if _, err := w.Write(s.build(m)); err != nil {
		return s.wrap("DATA", err)
	}
	if err := w.Close(); err != nil {
		return s.wrap("end of DATA", err)
	}
	if len(refused) > 0 {
		s.log.Warn("alert mailed, but some recipients were refused", "key", m.event.Key, "refused", errors.Join(refused...).Error())
	}
	_ = c.Quit()
	return nil
}

// wrap names the SMTP step that failed; a 5xx answer is permanent, a 4xx
// or a broken connection is worth another try.
func (s *email) wrap(step string, err error) error {
	err = fmt.Errorf("smtp %s: %s: %w", s.cfg.Addr, step, err)
	if isSMTPPermanent(err) {
		return permanent(err)
	}
	return err
}

func isSMTPPermanent(err error) bool {
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 500
}

// authAllowed says whether a password may be sent: over TLS, or to a
// server on this machine, where nobody can listen in between.
func authAllowed(secure, loopback bool) bool { return secure || loopback }

func isLoopback(a net.Addr) bool {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.IsLoopback()
	}
	return false
}

// build writes the message: headers, then the text body in
// quoted-printable UTF-8 so that any script and any line length arrive
// intact. The Message-ID comes from the event key, so that a mail client
// shows a duplicate (a retry after a lost answer) as one.
func (s *email) build(m *message) []byte {
	var b bytes.Buffer
	to := make([]string, len(s.to))
	for i, a := range s.to {
		to[i] = a.String()
	}
	sum := sha256.Sum256([]byte(m.event.Key))
	domain := "campaignkit.invalid"
	if _, d, ok := strings.Cut(s.from.Address, "@"); ok && d != "" {
		domain = d
	}
	header := func(k, v string) { b.WriteString(k + ": " + oneLine(v) + "\r\n") }
	header("From", s.from.String())
	header("To", strings.Join(to, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", m.subject))
	header("Date", s.now().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(sum[:12])+"@"+domain+">")
	header("Auto-Submitted", "auto-generated")
	header("X-Campaignkit-Event", string(m.event.Kind))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(m.text))
	_ = qp.Close()
	return b.Bytes()
}

// plainAuth is AUTH PLAIN (RFC 4616) that leaves the decision whether the
// channel is safe to the caller, which knows whether the peer is on
// loopback (net/smtp's own only trusts the names "localhost" and
// "127.0.0.1").
type plainAuth struct {
	user     string
	password publish.Secret
	allowed  bool
}

func (a *plainAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !a.allowed {
		return "", nil, errors.New("refusing to send the password over an unencrypted connection")
	}
	if len(server.Auth) > 0 && !slices.Contains(server.Auth, "PLAIN") {
		return "", nil, permanent(fmt.Errorf("the server offers AUTH %s, not PLAIN", strings.Join(server.Auth, " ")))
	}
	return "PLAIN", []byte("\x00" + a.user + "\x00" + a.password.Reveal()), nil
}

func (a *plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("unexpected server challenge during AUTH PLAIN")
	}
	return nil, nil
}
