// Package alerttest runs a real SMTP server on loopback that keeps the
// mails it receives, for tests of alert e-mail: STARTTLS with a
// self-signed certificate, AUTH PLAIN, and DATA answers chosen by the
// test. Only tests import it.
package alerttest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one message the server accepted.
type Mail struct {
	From string   // envelope sender
	To   []string // envelope recipients
	Data []byte   // the message as sent
	TLS  bool     // it came over TLS
	User string   // who authenticated; "" without AUTH
}

// Options configures a Server.
type Options struct {
	// TLS, when set, makes the server offer STARTTLS with it.
	TLS *tls.Config
	// Users are the AUTH PLAIN accounts, name to password; nil offers no
	// AUTH. AUTH is offered only over TLS unless AllowInsecureAuth.
	Users             map[string]string
	AllowInsecureAuth bool
	// Data, when set, answers the n-th DATA command (from 1): nil accepts
	// the mail, an error (see Reply) refuses it.
	Data func(n int) error
}

// Reply is an SMTP answer with code, for Options.Data.
func Reply(code int, msg string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.NoEnhancedCode, Message: msg}
}

// Server is an SMTP server on 127.0.0.1.
type Server struct {
	Addr string // host:port

	opts  Options
	srv   *smtp.Server
	mails chan Mail

	mu   sync.Mutex
	all  []Mail
	data int // DATA commands seen
}

// NewServer starts a server on a free loopback port; Close stops it.
func NewServer(o Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: ln.Addr().String(), opts: o, mails: make(chan Mail, 1000)}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s, c: c}, nil }))
	s.srv.Domain = "localhost"
	s.srv.TLSConfig = o.TLS
	s.srv.AllowInsecureAuth = o.AllowInsecureAuth
	s.srv.ReadTimeout, s.srv.WriteTimeout = 30*time.Second, 30*time.Second
	go func() { _ = s.srv.Serve(ln) }() // ends when Close closes ln
	return s, nil
}

// Close stops the server and its connections.
func (s *Server) Close() { _ = s.srv.Close() }

// Next waits up to timeout for the next accepted mail.
func (s *Server) Next(timeout time.Duration) (Mail, bool) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case m := <-s.mails:
		return m, true
	case <-t.C:
		return Mail{}, false
	}
}

// Mails returns every mail accepted so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.all...)
}

// DataCommands counts the DATA commands received, accepted or not.
func (s *Server) DataCommands() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data
}

type session struct {
	s    *Server
	c    *smtp.Conn
	user string
	from string
	to   []string
}

func (x *session) AuthMechanisms() []string {
	if x.s.opts.Users == nil {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || x.s.opts.Users == nil {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, user, password string) error {
		if want, ok := x.s.opts.Users[user]; !ok || want != password {
			return smtp.ErrAuthFailed
		}
		x.user = user
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.opts.Users != nil && x.user == "" {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.data++
	n := x.s.data
	x.s.mu.Unlock()
	if x.s.opts.Data != nil {
		if err := x.s.opts.Data(n); err != nil {
			return err
		}
	}
	_, tls := x.c.TLSConnectionState()
	m := Mail{From: x.from, To: append([]string(nil), x.to...), Data: b, TLS: tls, User: x.user}
	x.s.mu.Lock()
	x.s.all = append(x.s.all, m)
	x.s.mu.Unlock()
	x.s.mails <- m
	return nil
}

func (x *session) Reset() { x.from, x.to = "", nil }

func (x *session) Logout() error { return nil }

var _ smtp.AuthSession = (*session)(nil)

// Parsed is a Mail's header and decoded text.
type Parsed struct {
	Header  mail.Header
	Subject string // decoded from RFC 2047
	Body    string // decoded from its transfer encoding
}

// Parse reads m's header and text body.
func (m Mail) Parse() (Parsed, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return Parsed{}, err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Parsed{}, fmt.Errorf("subject: %w", err)
	}
	var body io.Reader = msg.Body
	switch enc := strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")); enc {
	case "quoted-printable":
		body = quotedprintable.NewReader(msg.Body)
	case "", "7bit", "8bit":
	default:
		return Parsed{}, fmt.Errorf("transfer encoding %q", enc)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return Parsed{}, err
	}
	return Parsed{Header: msg.Header, Subject: subject, Body: strings.ReplaceAll(string(b), "\r\n", "\n")}, nil
}

// SelfSigned makes a certificate for 127.0.0.1 and localhost, and the TLS
// configurations of a server that presents it and a client that trusts it.
func SelfSigned() (server, client *tls.Config, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "alerttest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}
	client = &tls.Config{RootCAs: pool}
	return server, client, nil
}
