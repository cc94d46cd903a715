// Package facebooktest is a fake Facebook Graph API for tests: Facebook
// Login and the token endpoints (from the shared Meta fake), and the
// Pages API a publisher uses: POST /{page-id}/feed (message, link,
// attached_media), POST /{page-id}/photos (source or url, caption,
// published, alt_text_custom) and GET /{page-id}/posts. It refuses what
// the Graph API refuses: a token that expired or was revoked (code 190),
// a missing permission or a user token where a Page token is needed
// (code 200), over-long text, a file that is not an image Facebook takes
// or is too big, a duplicate of a recent post (code 506), and calls over
// a rate limit (code 32 with X-Business-Use-Case-Usage).
//
// References followed (2026):
//
//	https://developers.facebook.com/docs/pages-api/posts
//	https://developers.facebook.com/docs/pages-api/getting-started
//	https://developers.facebook.com/docs/graph-api/reference/page/feed
//	https://developers.facebook.com/docs/graph-api/reference/page/photos/
//	https://developers.facebook.com/docs/graph-api/reference/photo/
//	https://developers.facebook.com/docs/graph-api/photo-uploads
//	https://developers.facebook.com/docs/graph-api/reference/page/published_posts/
//	https://developers.facebook.com/docs/graph-api/guides/error-handling
//	https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
//
// The Photo reference lists alt_text_custom as the field holding the
// alternative text a person gave; the fake takes it on upload and keeps
// it on the photo.
package facebooktest

import (
	"bytes"
	"encoding/json"
	"image"
	_ "image/gif"  // decodable uploads
	_ "image/jpeg" // decodable uploads
	_ "image/png"  // decodable uploads
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/fakeapi"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/metatest"
)

// Facebook's limits, as the fake enforces them.
const (
	MaxMessage    = 63206
	MaxPhotoBytes = 10 << 20 // Photo reference: under 10 MB
)

// Photo is an uploaded photo.
type Photo struct {
	ID        string
	Alt       string // alt_text_custom
	Type      string
	Size      int
	Published bool
	Used      bool // attached to a post
}

// Post is a post on a Page.
type Post struct {
	ID          string // <page-id>_<post-id>
	PageID      string
	Message     string
	Link        string
	Photos      []Photo
	CreatedTime time.Time
}

// The shared fake's people, Pages and limits, under names callers outside
// toolkit/publish can use.
type (
	User  = metatest.User
	Page  = metatest.Page
	Limit = metatest.Limit
)

// Server is the fake: the shared Meta fake plus the Pages endpoints.
// LoseAnswers loses the answers to a post on /feed or a published photo.
type Server struct {
	*metatest.Server
	fakeapi.Lossy

	mu     sync.Mutex
	photos map[string]*Photo
	posts  []*Post // oldest first
}

// New starts the fake on a loopback port. Close it when done.
func New() *Server {
	s := &Server{Server: metatest.New(), photos: map[string]*Photo{}}
	s.Mux.HandleFunc("POST /{ver}/{page}/feed", s.feed)
	s.Mux.HandleFunc("POST /{ver}/{page}/photos", s.upload)
	s.Mux.HandleFunc("GET /{ver}/{page}/posts", s.list)
	s.Mux.HandleFunc("GET /{ver}/{page}/feed", s.list)
	return s
}

// Posts returns the posts the fake published, oldest first.
func (s *Server) Posts() []Post {
	out := fakeapi.Copies(&s.mu, &s.posts)
	// a post's photos are set when it is made and never change after
	for i := range out {
		out[i].Photos = append([]Photo(nil), out[i].Photos...)
	}
	return out
}

// pageAuth authenticates a call on the Page in the path, which needs a
// Page token of that Page and perms.
func (s *Server) pageAuth(w http.ResponseWriter, r *http.Request, endpoint string, perms ...string) *metatest.Grant {
	g := s.Auth(w, r, endpoint)
	if g == nil {
		return nil
	}
	page := r.PathValue("page")
	if _, ok := s.PageOf(page); !ok {
		metatest.Invalid(w, 33, "Unsupported post request. Object with ID '"+page+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.")
		return nil
	}
	if g.PageID != page || !g.Has(perms...) {
		metatest.Error(w, http.StatusForbidden, 200, 0, "OAuthException", "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission")
		return nil
	}
	return g
}

func form(r *http.Request) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return r.ParseMultipartForm(MaxPhotoBytes + 1<<20)
	}
	return r.ParseForm()
}

// feed answers POST /{page-id}/feed: message, link, attached_media[n]
// ({"media_fbid": an unpublished photo of the Page}).
func (s *Server) feed(w http.ResponseWriter, r *http.Request) {
	g := s.pageAuth(w, r, "POST /{page-id}/feed", "pages_manage_posts", "pages_read_engagement")
	if g == nil {
		return
	}
	if err := form(r); err != nil {
		metatest.Invalid(w, 0, "(#100) The request body could not be read.")
		return
	}
	msg, link := r.Form.Get("message"), r.Form.Get("link")
	var attached []string
	for i := 0; ; i++ {
		v := r.Form.Get("attached_media[" + strconv.Itoa(i) + "]")
		if v == "" {
			break
		}
		var m struct {
			ID string `json:"media_fbid"`
		}
		if json.Unmarshal([]byte(v), &m) != nil || m.ID == "" {
			metatest.Invalid(w, 0, `(#100) param attached_media must be an array of objects like {"media_fbid":"<photo id>"}`)
			return
		}
		attached = append(attached, m.ID)
	}
	if msg == "" && link == "" && len(attached) == 0 {
		metatest.Invalid(w, 0, "(#100) Missing message or attachment.")
		return
	}
	s.mu.Lock()
	var photos []Photo
	for _, id := range attached {
		p := s.photos[id]
		if p == nil || p.Published || p.Used {
			s.mu.Unlock()
			metatest.Invalid(w, 0, "(#100) param attached_media["+id+"] must be an unpublished photo of this Page that is not attached to a post yet.")
			return
		}
		photos = append(photos, *p)
	}
	s.mu.Unlock()
	s.publish(w, g.PageID, msg, link, photos, "")
}

// publish checks the message and stores the post, then answers (or loses
// the answer).
func (s *Server) publish(w http.ResponseWriter, pageID, msg, link string, photos []Photo, photoID string) {
	if n := utf8.RuneCountInString(msg); n > MaxMessage {
		metatest.Invalid(w, 0, "(#100) The message is too long: "+strconv.Itoa(n)+" characters, the most is 63206.")
		return
	}
	now := s.Now().UTC().Truncate(time.Second)
	s.mu.Lock()
	for i := len(s.posts) - 1; i >= 0; i-- {
		p := s.posts[i]
		if p.PageID == pageID && msg != "" && p.Message == msg && p.Link == link && now.Sub(p.CreatedTime) < time.Hour {
			s.mu.Unlock()
			metatest.Error(w, http.StatusBadRequest, 506, 0, "OAuthException", "(#506) Duplicate status message")
			return
		}
	}
	for _, ph := range photos {
		s.photos[ph.ID].Used = true
	}
	post := &Post{ID: pageID + "_" + s.NextID(), PageID: pageID, Message: msg, Link: link, Photos: photos, CreatedTime: now}
	s.posts = append(s.posts, post)
	s.mu.Unlock()
	if s.Drop(w) {
		return
	}
	if photoID != "" {
		fakeapi.JSON(w, http.StatusOK, map[string]string{"id": photoID, "post_id": post.ID})
		return
	}
	fakeapi.JSON(w, http.StatusOK, map[string]string{"id": post.ID})
}

// sniff names the image formats Facebook takes: JPEG, PNG, GIF, BMP and
// TIFF.
func sniff(b []byte) string {
	switch t := http.DetectContentType(b); {
	case t == "image/jpeg", t == "image/png", t == "image/gif", t == "image/bmp":
		return t
	}
	if bytes.HasPrefix(b, []byte("II*\x00")) || bytes.HasPrefix(b, []byte("MM\x00*")) {
		return "image/tiff"
	}
	return ""
}

// upload answers POST /{page-id}/photos: the photo as the multipart file
// "source" (the fake does not fetch "url"), caption, published
// (default true) and alt_text_custom. A published photo makes a post.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	g := s.pageAuth(w, r, "POST /{page-id}/photos", "pages_manage_posts", "pages_read_engagement")
	if g == nil {
		return
	}
	if err := form(r); err != nil {
		metatest.Invalid(w, 0, "(#100) The request body could not be read.")
		return
	}
	f, _, err := r.FormFile("source")
	if err != nil {
		metatest.Invalid(w, 324, "(#324) Requires upload file")
		return
	}
	data, _ := io.ReadAll(io.LimitReader(f, MaxPhotoBytes+1))
	f.Close()
	typ := sniff(data)
	switch {
	case len(data) > MaxPhotoBytes:
		metatest.Invalid(w, 0, "(#100) The photo is too big: photos must be smaller than 10 MB.")
		return
	case typ == "":
		metatest.Error(w, http.StatusBadRequest, 324, 2069019, "OAuthException", "(#324) Missing or invalid image file")
		return
	case typ != "image/tiff" && typ != "image/bmp":
		if _, _, err := image.DecodeConfig(bytes.NewReader(data)); err != nil {
			metatest.Error(w, http.StatusBadRequest, 324, 2069019, "OAuthException", "(#324) Missing or invalid image file")
			return
		}
	}
	published := r.Form.Get("published") != "false"
	ph := &Photo{ID: s.NextID(), Alt: r.Form.Get("alt_text_custom"), Type: typ, Size: len(data), Published: published}
	if !published {
		s.mu.Lock()
		s.photos[ph.ID] = ph
		s.mu.Unlock()
		fakeapi.JSON(w, http.StatusOK, map[string]string{"id": ph.ID})
		return
	}
	s.mu.Lock()
	s.photos[ph.ID] = ph
	s.mu.Unlock()
	s.publish(w, g.PageID, r.Form.Get("caption"), "", []Photo{*ph}, ph.ID)
}

// list answers GET /{page-id}/posts (and /feed): the Page's posts,
// newest first, with since (Unix seconds) and limit (at most 100).
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	g := s.pageAuth(w, r, "GET /{page-id}/posts", "pages_read_engagement")
	if g == nil {
		return
	}
	q := r.URL.Query()
	limit := 25
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			metatest.Invalid(w, 0, "(#100) limit must be a number from 1 to 100")
			return
		}
		limit = n
	}
	var since time.Time
	if v := q.Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			metatest.Invalid(w, 0, "(#100) since must be a Unix time")
			return
		}
		since = time.Unix(n, 0)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	data := []map[string]any{}
	for i := len(s.posts) - 1; i >= 0 && len(data) < limit; i-- {
		p := s.posts[i]
		if p.PageID != g.PageID || p.CreatedTime.Before(since) {
			continue
		}
		page, post, _ := strings.Cut(p.ID, "_")
		d := map[string]any{"id": p.ID, "created_time": p.CreatedTime.Format("2006-01-02T15:04:05-0700"),
			"permalink_url": "https://www.facebook.com/" + page + "/posts/" + post}
		if p.Message != "" {
			d["message"] = p.Message
		}
		data = append(data, d)
	}
	fakeapi.JSON(w, http.StatusOK, map[string]any{"data": data})
}
