package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/i18n"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds one template set per page, each the layout plus the page's
// own blocks.
type pages struct {
	sets map[string]*template.Template
}

func newPages() (*pages, error) {
	funcs := template.FuncMap{
		"replace": func(s, old, new string) string { return strings.ReplaceAll(s, old, new) },
		"act": func(d *dashboardData, p postView) actionData {
			return actionData{CSRF: d.CSRF, Lang: d.LangParam, Post: p,
				CancelLabel: strings.ReplaceAll(d.T["cancelPost"], "{id}", p.ID),
				RetryLabel:  strings.ReplaceAll(d.T["retryPost"], "{id}", p.ID), T: d.T}
		},
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, name := range []string{"home", "login", "admin", "error"} {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		p.sets[name] = t
	}
	return p, nil
}

// actionData is what a post's buttons need.
type actionData struct {
	CSRF, Lang              string
	Post                    postView
	CancelLabel, RetryLabel string
	T                       map[string]string
}

// base is what the layout needs on every page.
type base struct {
	Lang  string
	Dir   string
	Title string
	T     map[string]string // the page's words in Lang
}

func (s *Server) base(lang string) base {
	title := s.o.Campaign.Title[lang]
	if title == "" {
		title = s.o.Campaign.Name
	}
	return base{Lang: lang, Dir: i18n.Dir(lang), Title: title, T: msgs(lang)}
}

// execute renders a page into memory, so a template error becomes a clean
// 500 rather than half a page.
func (p *pages) execute(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := p.sets[name].ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fragment renders the template name of page's set on its own, for parts
// drawn once and shown on many pages.
func (p *pages) fragment(page, name string, data any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := p.sets[page].ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("template %s: %s: %w", page, name, err)
	}
	return template.HTML(buf.String()), nil
}

func (p *pages) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	body, err := p.execute(name, data)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeHTML(w, r, status, body, nil)
}

// writeHTML sends a page, gzipped when the client takes it (gz, when not
// nil, is body already compressed).
func writeHTML(w http.ResponseWriter, r *http.Request, status int, body, gz []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Add("Vary", "Accept-Encoding")
	if acceptsGzip(r) {
		if gz == nil {
			gz = gzipBytes(body)
		}
		body = gz
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

type errorData struct {
	base
	Status  int
	Heading string
	Message string
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if w.Header().Get("Cache-Control") == "" || status >= 400 {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.Header().Del("ETag")
	s.pages.render(w, r, status, "error", errorData{base: s.base("en"), Status: status, Heading: http.StatusText(status), Message: msg})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound, "There is nothing at this address.")
}

// asset is an embedded static file with its gzipped form and ETag.
type asset struct {
	data, gz []byte
	ctype    string
	etag     string
}

func loadStatic() (map[string]*asset, error) {
	m := map[string]*asset{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		ctype := mime.TypeByExtension(path.Ext(p))
		switch path.Ext(p) {
		case ".css":
			ctype = "text/css; charset=utf-8"
		case ".js":
			ctype = "text/javascript; charset=utf-8"
		case ".svg":
			ctype = "image/svg+xml"
		}
		m[path.Base(p)] = newAsset(data, ctype)
		return nil
	})
	// the platforms' counting rules, shared with package caption's Count
	m["count.js"] = newAsset([]byte(caption.CountJS), "text/javascript; charset=utf-8")
	// copying a caption, shared with the bundle's index page
	m["copy.js"] = newAsset([]byte(toolkit.CopyJS), "text/javascript; charset=utf-8")
	return m, err
}

func newAsset(data []byte, ctype string) *asset {
	sum := sha256.Sum256(data)
	return &asset{data: data, gz: gzipBytes(data), ctype: ctype, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	a, ok := s.static[r.PathValue("name")]
	if !ok {
		s.notFound(w, r)
		return
	}
	h := w.Header()
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "public, max-age=3600")
	h.Add("Vary", "Accept-Encoding")
	if matchETag(r, a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", a.ctype)
	body := a.data
	if acceptsGzip(r) && a.ctype != "image/png" {
		body = a.gz
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}
