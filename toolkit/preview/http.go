package preview

import (
	"embed"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/i18n"
	"github.com/campaignkit/campaignkit/toolkit/render"
	"github.com/campaignkit/campaignkit/toolkit/text"
)

//go:embed static
var static embed.FS

// csp allows the page its own script, styles, images and event stream
// only: no inline script, no framing, no forms.
const csp = "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.serveStatic("index.html", "text/html; charset=utf-8"))
	mux.HandleFunc("GET /static/preview.js", s.serveStatic("preview.js", "text/javascript; charset=utf-8"))
	mux.HandleFunc("GET /static/preview.css", s.serveStatic("preview.css", "text/css; charset=utf-8"))
	mux.HandleFunc("GET /static/favicon.svg", s.serveStatic("favicon.svg", "image/svg+xml"))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /state.json", s.handleState)
	mux.HandleFunc("GET /events", s.handleEvents)
	mux.HandleFunc("GET /img/{name}", s.handleImage)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	return s.secure(mux)
}

// secure sets the security headers on every answer and,
// with Loopback, refuses requests addressed to another host name.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		toolkit.SecurityHeaders(w.Header(), csp)
		// Nothing of a preview is for another site to load.
		w.Header().Set("Cross-Origin-Resource-Policy", "same-origin")
		if s.o.Loopback && !loopbackHost(r.Host) {
			http.Error(w, "the preview answers on localhost only", http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// loopbackHost reports whether a Host header names this machine:
// localhost or a loopback address, with any port.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) serveStatic(name, ctype string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		data, err := static.ReadFile("static/" + name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(data)
	}
}

// view is the state as the page reads it.
type view struct {
	Version  int64         `json:"version"`
	Status   string        `json:"status"`
	Name     string        `json:"name"`
	Drawn    int           `json:"drawn"`
	ToDraw   int           `json:"to_draw"`
	Failed   []problemView `json:"failed,omitempty"` // the last edit's load problems
	Problems []problemView `json:"problems"`         // about no one card
	Langs    []langView    `json:"languages"`
	Presets  []presetView  `json:"presets"`
	Cards    []cardView    `json:"cards"`
}

type problemView struct {
	Where   string `json:"where"` // file:line field
	Msg     string `json:"msg"`
	Warning bool   `json:"warning,omitempty"`
}

type langView struct {
	Tag string `json:"tag"`
	Dir string `json:"dir"`
}

type presetView struct {
	Name   string `json:"name"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

type cardView struct {
	ID       string         `json:"id"`
	Kind     string         `json:"kind"`
	Problems []problemView  `json:"problems"`
	Langs    []cardLangView `json:"languages"`
}

type cardLangView struct {
	Lang     string        `json:"lang"`
	Images   []imageView   `json:"images"`
	Captions []captionView `json:"captions"`
	Alt      string        `json:"alt"`
}

type imageView struct {
	Preset   string        `json:"preset"`
	URL      string        `json:"url,omitempty"` // of the image, or of the one it replaces while it is drawn
	Pending  bool          `json:"pending,omitempty"`
	Problems []problemView `json:"problems,omitempty"`
}

type captionView struct {
	Platform string `json:"platform"`
	Text     string `json:"text,omitempty"`
	Problem  string `json:"problem,omitempty"`
	Count    int    `json:"count,omitempty"`
	Limit    int    `json:"limit,omitempty"`
}

func problemsView(ps []toolkit.Problem) []problemView {
	out := make([]problemView, 0, len(ps))
	for _, p := range ps {
		where := p.File
		if p.Line > 0 {
			where += fmt.Sprintf(":%d", p.Line)
		}
		if p.Field != "" {
			where = strings.TrimSpace(where + " " + p.Field)
		}
		out = append(out, problemView{Where: where, Msg: p.Msg, Warning: p.Warning})
	}
	return out
}

func imageURL(key, ext string) string { return "/img/" + key + "." + ext }

func (st *state) view(version int64) view {
	v := view{
		Version: version, Status: st.status, Name: st.name, Drawn: st.drawn, ToDraw: st.todo,
		Problems: problemsView(st.general), Langs: []langView{}, Presets: []presetView{}, Cards: []cardView{},
	}
	if st.failed {
		v.Failed = problemsView(st.loadIssues)
	}
	for _, l := range st.langs {
		v.Langs = append(v.Langs, langView{Tag: l, Dir: i18n.Dir(l)})
	}
	for _, p := range st.presets {
		v.Presets = append(v.Presets, presetView{Name: p.Name, Width: p.Width, Height: p.Height})
	}
	for _, card := range st.cards {
		cv := cardView{ID: card.ID, Kind: string(card.Kind), Problems: problemsView(st.byCard[card.ID])}
		for _, l := range st.langs {
			lv := cardLangView{Lang: l}
			for _, p := range st.presets {
				im := st.images[imageID{card.ID, l, p.Name}]
				iv := imageView{Preset: p.Name, Problems: problemsView(im.problems)}
				switch {
				case im.ready:
					iv.URL = imageURL(im.key, im.ext)
				case len(im.problems) == 0:
					iv.Pending = true
					if im.shown != "" {
						iv.URL = imageURL(im.shown, im.ext)
					}
				}
				lv.Images = append(lv.Images, iv)
			}
			t := st.texts[textID{card.ID, l}]
			lv.Alt = t.alt
			for _, c := range t.captions {
				cv := captionView{Platform: c.platform, Text: c.text, Problem: c.problem}
				if c.text != "" {
					cv.Count, cv.Limit = captionCount(c.platform, c.text)
				}
				lv.Captions = append(lv.Captions, cv)
			}
			cv.Langs = append(cv.Langs, lv)
		}
		v.Cards = append(v.Cards, cv)
	}
	return v
}

func (s *Server) handleState(w http.ResponseWriter, r *http.Request) {
	st, version := s.current()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(st.view(version))
}

// handleEvents streams the state's version each time it changes, until
// the client goes, the server stops or Run ends. The page fetches
// /state.json on each.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	last := int64(-1)
	for {
		s.mu.Lock()
		version, changed := s.version, s.changed
		s.mu.Unlock()
		if version != last {
			last = version
			if _, err := fmt.Fprintf(w, "data: %d\n\n", version); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		case <-s.stopped:
			return
		}
	}
}

var imageName = regexp.MustCompile(`^([0-9a-f]{64})\.(png|jpg)$`)

// handleImage serves an image by its key, drawing it again when the cache
// let it go.
func (s *Server) handleImage(w http.ResponseWriter, r *http.Request) {
	m := imageName.FindStringSubmatch(r.PathValue("name"))
	if m == nil {
		http.NotFound(w, r)
		return
	}
	key, ext := m[1], m[2]
	data, ok := s.cache.Get(key)
	if !ok {
		st, _ := s.current()
		t, known := st.tasks[key]
		if !known || t.job.Preset.Ext() != ext {
			http.NotFound(w, r)
			return
		}
		select {
		case s.sem <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		lib, err := text.Default()
		if err == nil {
			data, err = s.drawOne(r.Context(), render.New(lib, t.images), t)
		}
		<-s.sem
		if err != nil {
			http.Error(w, "the image could not be drawn: "+err.Error(), http.StatusInternalServerError)
			return
		}
	}
	ctype := "image/png"
	if ext == "jpg" {
		ctype = "image/jpeg"
	}
	w.Header().Set("Content-Type", ctype)
	// a key names one image forever: what it depends on is in the key
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	w.Write(data)
}

// captionCount is a caption's length as its platform counts it, and the
// platform's limit (0: none).
func captionCount(platform, s string) (int, int) {
	return caption.Count(platform, s), caption.Limit(platform)
}
