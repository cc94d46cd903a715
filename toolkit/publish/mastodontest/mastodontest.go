// Package mastodontest is a fake Mastodon server for tests: the part of
// the REST API a publisher uses, written from Mastodon's API reference and
// following it where a publisher can tell the difference.
//
//   - Bearer tokens: any other token is answered 401 {"error": "The access
//     token is invalid"}.
//   - POST /api/v2/media (multipart file and description): 200 with a url
//     when the file is processed at once, else 202 with url null; then
//     GET /api/v1/media/:id answers 206 until processing ends, 200 after.
//   - POST /api/v1/statuses (form: status, visibility, language,
//     media_ids[]) with an Idempotency-Key header, honoured (the same
//     status answered again) unless told otherwise; the 500-character
//     limit; media still processing, unknown or already attached refused
//     with 422.
//   - GET /api/v1/accounts/verify_credentials, GET
//     /api/v1/accounts/:id/statuses (newest first, limit at most 40) and
//     GET /api/v1/statuses/:id/source.
//   - Rack::Attack's 429 with X-RateLimit-Reset (and no Retry-After).
//
// References followed (2026):
//
//	https://docs.joinmastodon.org/methods/statuses/#create
//	https://docs.joinmastodon.org/methods/media/#v2
//	https://docs.joinmastodon.org/methods/media/#get
//	https://docs.joinmastodon.org/methods/accounts/#statuses
//	https://docs.joinmastodon.org/methods/statuses/#source
//	https://docs.joinmastodon.org/api/rate-limits/
//
// It keeps every status it created, so a test can count the copies of a
// post (Statuses).
package mastodontest

import (
	"encoding/json"
	"html"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/fakeapi"
)

// Limits the fake enforces, as a default Mastodon server does.
const (
	MaxChars       = 500  // characters of a status
	MaxDescription = 1500 // characters of a medium's description (alt text)
	AccountID      = "109"
)

// Medium is an uploaded media attachment.
type Medium struct {
	ID          string
	Type        string // image
	Description string // the alt text
}

// Status is a status the fake created (or was given with AddStatus).
type Status struct {
	ID             string
	Text           string // as it was sent
	Language       string
	Visibility     string
	IdempotencyKey string
	CreatedAt      time.Time
	Media          []Medium
}

type medium struct {
	Medium
	pollsLeft int  // 206 answers before it is processed
	attached  bool // to a status: it cannot be attached again
}

type status struct {
	Status
	media []*medium
}

// Server is the fake. Create it with New; set its fields before use.
// LoseAnswers makes it create the next statuses and drop the connection
// instead of answering: the status exists, the client never hears of it.
// Count counts requests by prefix ("GET /api/v1/accounts").
type Server struct {
	*fakeapi.Server
	fakeapi.Lossy

	// Token is the access token the fake accepts (default "tok-123").
	Token string
	// HonourIdempotency makes a second POST /api/v1/statuses with the same
	// Idempotency-Key answer the first status instead of creating another,
	// as Mastodon does for an hour (default true). Some servers, or
	// proxies in front of them, do not.
	HonourIdempotency bool
	// ProcessingPolls is how many GET /api/v1/media/:id answers say 206
	// (still processing) before 200; 0 (the default) answers 200 at
	// upload.
	ProcessingPolls int
	// Now is the fake's clock (default time.Now): created_at and the
	// rate-limit reset follow it.
	Now func() time.Time

	mu          sync.Mutex
	nextID      int
	media       map[string]*medium
	statuses    []*status // oldest first
	keys        map[string]*status
	rateLimited int
}

// New starts the fake on a loopback port. Close it when done.
func New() *Server {
	s := &Server{
		Token:             "tok-123",
		HonourIdempotency: true,
		Now:               time.Now,
		nextID:            110000000000000000,
		media:             map[string]*medium{},
		keys:              map[string]*status{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v2/media", s.uploadMedia)
	mux.HandleFunc("GET /api/v1/media/{id}", s.getMedia)
	mux.HandleFunc("POST /api/v1/statuses", s.postStatus)
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": AccountID, "username": "campaign", "acct": "campaign"})
	})
	mux.HandleFunc("GET /api/v1/accounts/{id}/statuses", s.accountStatuses)
	mux.HandleFunc("GET /api/v1/statuses/{id}/source", s.statusSource)
	s.Server = fakeapi.Start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+s.Token {
			writeJSON(w, 401, map[string]string{"error": "The access token is invalid"})
			return
		}
		if s.rateLimited > 0 {
			s.rateLimited--
			w.Header().Set("X-RateLimit-Limit", "300")
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", s.Now().Add(5*time.Minute).UTC().Format("2006-01-02T15:04:05.000000Z"))
			writeJSON(w, 429, map[string]string{"error": "Too many requests"})
			return
		}
		mux.ServeHTTP(w, r)
	}))
	return s
}

// Statuses returns the statuses on the account, oldest first.
func (s *Server) Statuses() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Status, len(s.statuses))
	for i, st := range s.statuses {
		out[i] = st.Status
		out[i].Media = nil
		for _, m := range st.media {
			out[i].Media = append(out[i].Media, m.Medium)
		}
	}
	return out
}

// AddStatus puts a status on the account as if it had been posted
// earlier (by another day's post, or by hand), with its media; it returns
// it with the ids it was given.
func (s *Server) AddStatus(st Status) Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st.ID == "" {
		st.ID = s.id()
	}
	st.Media = append([]Medium(nil), st.Media...)
	in := &status{}
	for i, m := range st.Media {
		if m.ID == "" {
			m.ID = s.id()
		}
		if m.Type == "" {
			m.Type = "image"
		}
		st.Media[i] = m
		md := &medium{Medium: m, attached: true}
		s.media[m.ID] = md
		in.media = append(in.media, md)
	}
	in.Status = st
	s.statuses = append(s.statuses, in)
	if st.IdempotencyKey != "" {
		s.keys[st.IdempotencyKey] = in
	}
	return st
}

// RateLimit makes the fake answer the next n requests 429.
func (s *Server) RateLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimited = n
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func refuse(w http.ResponseWriter, msg string) {
	writeJSON(w, 422, map[string]string{"error": msg})
}

func (s *Server) id() string {
	s.nextID++
	return strconv.Itoa(s.nextID)
}

func (s *Server) mediumJSON(m *medium) map[string]any {
	var url any // null while processing
	if m.pollsLeft == 0 {
		url = "https://files.example/media/" + m.ID + ".png"
	}
	return map[string]any{"id": m.ID, "type": m.Type, "url": url, "preview_url": "https://files.example/small/" + m.ID + ".png", "description": m.Description}
}

func (s *Server) uploadMedia(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(16 << 20); err != nil {
		refuse(w, "Validation failed: File can't be blank")
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		refuse(w, "Validation failed: File can't be blank")
		return
	}
	file.Close()
	if ct := hdr.Header.Get("Content-Type"); ct != "image/png" && ct != "image/jpeg" {
		refuse(w, "Validation failed: File content type is invalid")
		return
	}
	desc := r.FormValue("description")
	if utf8.RuneCountInString(desc) > MaxDescription {
		refuse(w, "Validation failed: Description is too long (maximum is 1500 characters)")
		return
	}
	m := &medium{Medium: Medium{ID: s.id(), Description: desc, Type: "image"}, pollsLeft: s.ProcessingPolls}
	s.media[m.ID] = m
	if m.pollsLeft > 0 {
		writeJSON(w, 202, s.mediumJSON(m))
		return
	}
	writeJSON(w, 200, s.mediumJSON(m))
}

func (s *Server) getMedia(w http.ResponseWriter, r *http.Request) {
	m, ok := s.media[r.PathValue("id")]
	if !ok {
		writeJSON(w, 404, map[string]string{"error": "Record not found"})
		return
	}
	if m.pollsLeft > 0 {
		m.pollsLeft--
		if m.pollsLeft > 0 {
			writeJSON(w, 206, s.mediumJSON(m))
			return
		}
	}
	writeJSON(w, 200, s.mediumJSON(m))
}

func (s *Server) statusJSON(st *status) map[string]any {
	media := []map[string]any{}
	for _, m := range st.media {
		media = append(media, s.mediumJSON(m))
	}
	return map[string]any{
		"id":                st.ID,
		"created_at":        st.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z"),
		"content":           "<p>" + strings.ReplaceAll(html.EscapeString(st.Text), "\n", "<br />") + "</p>",
		"language":          st.Language,
		"visibility":        st.Visibility,
		"uri":               "https://social.example/users/campaign/statuses/" + st.ID,
		"url":               "https://social.example/@campaign/" + st.ID,
		"media_attachments": media,
	}
}

func (s *Server) postStatus(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, 400, map[string]string{"error": err.Error()})
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if prev, ok := s.keys[key]; ok && key != "" && s.HonourIdempotency {
		writeJSON(w, 200, s.statusJSON(prev))
		return
	}
	st := &status{Status: Status{ID: s.id(), Text: r.PostForm.Get("status"), Language: r.PostForm.Get("language"),
		Visibility: r.PostForm.Get("visibility"), IdempotencyKey: key, CreatedAt: s.Now()}}
	for _, id := range r.PostForm["media_ids[]"] {
		m, ok := s.media[id]
		if !ok || m.attached {
			refuse(w, "Media with ID(s) "+id+" were not found or already attached to another post")
			return
		}
		if m.pollsLeft > 0 {
			refuse(w, "Cannot attach files that have not finished processing. Try again in a moment!")
			return
		}
		st.media = append(st.media, m)
	}
	if strings.TrimSpace(st.Text) == "" && len(st.media) == 0 {
		refuse(w, "Validation failed: Text can't be blank")
		return
	}
	if utf8.RuneCountInString(st.Text) > MaxChars {
		refuse(w, "Validation failed: Text character limit of 500 exceeded")
		return
	}
	for _, m := range st.media {
		m.attached = true
	}
	s.statuses = append(s.statuses, st)
	if key != "" {
		s.keys[key] = st
	}
	if s.Drop(w) {
		// The status exists, but the client never hears about it.
		return
	}
	writeJSON(w, 200, s.statusJSON(st))
}

func (s *Server) accountStatuses(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("id") != AccountID {
		writeJSON(w, 404, map[string]string{"error": "Record not found"})
		return
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 40)
	out := []map[string]any{}
	for i := len(s.statuses) - 1; i >= 0 && len(out) < limit; i-- { // newest first
		out = append(out, s.statusJSON(s.statuses[i]))
	}
	writeJSON(w, 200, out)
}

func (s *Server) statusSource(w http.ResponseWriter, r *http.Request) {
	for _, st := range s.statuses {
		if st.ID == r.PathValue("id") {
			writeJSON(w, 200, map[string]string{"id": st.ID, "text": st.Text, "spoiler_text": ""})
			return
		}
	}
	writeJSON(w, 404, map[string]string{"error": "Record not found"})
}
