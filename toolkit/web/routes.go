package web

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handleHome)
	mux.HandleFunc("GET /static/{name}", s.handleStatic)
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /thumbs/{lang}/{card}/{file}", func(w http.ResponseWriter, r *http.Request) { s.serveImage(w, r, nil, true) })
	mux.HandleFunc("GET /cards/{lang}/{card}/{file}", func(w http.ResponseWriter, r *http.Request) { s.serveImage(w, r, nil, false) })
	mux.HandleFunc("GET /zip/{name}", func(w http.ResponseWriter, r *http.Request) { s.serveZip(w, r, nil) })
	mux.HandleFunc("GET /public/{name}", s.handlePublic)

	mux.HandleFunc("POST /cobrand", s.handleCobrand)
	mux.HandleFunc("GET /cobrand/{id}/{$}", s.withLogo(s.handleCobrandPage))
	mux.HandleFunc("GET /cobrand/{id}/thumbs/{lang}/{card}/{file}", s.withLogo(func(w http.ResponseWriter, r *http.Request, lg *logo) { s.serveImage(w, r, lg, true) }))
	mux.HandleFunc("GET /cobrand/{id}/cards/{lang}/{card}/{file}", s.withLogo(func(w http.ResponseWriter, r *http.Request, lg *logo) { s.serveImage(w, r, lg, false) }))
	mux.HandleFunc("GET /cobrand/{id}/zip/{name}", s.withLogo(s.serveZip))

	mux.HandleFunc("GET /admin", s.handleDashboard)
	mux.HandleFunc("GET /admin/live", s.handleLive)
	mux.HandleFunc("POST /admin/login", s.handleLogin)
	mux.HandleFunc("POST /admin/logout", s.handleLogout)
	mux.HandleFunc("POST /admin/{action}", s.handleAction)
	mux.HandleFunc("POST /admin/posts/{id}/{action}", s.handleAction)

	mux.HandleFunc("/", s.notFound)
	return s.secure(mux)
}

// csp allows only this server's own scripts, styles and images: no inline
// script, no framing, forms posting only here.
const csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// secure sets the security headers on every answer, refuses paths that try
// to climb out, and bounds every request body.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		toolkit.SecurityHeaders(w.Header(), csp)
		if badPath(r.URL.Path) || badPath(r.URL.RawPath) {
			s.errorPage(w, r, http.StatusBadRequest, "That address is not allowed.")
			return
		}
		limit := int64(maxFormBody)
		if r.URL.Path == "/cobrand" {
			limit = maxUploadBody
		}
		if r.ContentLength > limit {
			s.errorPage(w, r, http.StatusRequestEntityTooLarge, "The request is larger than this server accepts.")
			return
		}
		r.Body = &limitedBody{ReadCloser: http.MaxBytesReader(w, r.Body, limit)}
		next.ServeHTTP(w, r)
	})
}

// limitedBody remembers that the body went over its limit, whatever a
// parser reading it made of the error.
type limitedBody struct {
	io.ReadCloser
	exceeded bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		b.exceeded = true
	}
	return n, err
}

// tooLarge reports whether r's body went over its limit.
func tooLarge(r *http.Request) bool {
	b, ok := r.Body.(*limitedBody)
	return ok && b.exceeded
}

// parseForm reads a form body; it answers 413 or 400 itself and returns
// false when the body is too large or malformed.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		if tooLarge(r) {
			s.errorPage(w, r, http.StatusRequestEntityTooLarge, "The form is larger than this server accepts.")
		} else {
			s.errorPage(w, r, http.StatusBadRequest, "The form could not be read.")
		}
		return false
	}
	return true
}

// badPath reports a path with a .. segment, a backslash or a NUL, escaped
// or not.
func badPath(p string) bool {
	if p == "" {
		return false
	}
	l := strings.ToLower(p)
	if strings.Contains(l, "\\") || strings.Contains(l, "\x00") || strings.Contains(l, "%00") || strings.Contains(l, "%5c") || strings.Contains(l, "%2e%2e") {
		return true
	}
	for _, seg := range strings.Split(strings.ReplaceAll(l, "%2f", "/"), "/") {
		if seg == ".." || seg == "%2e." || seg == ".%2e" {
			return true
		}
	}
	return false
}
