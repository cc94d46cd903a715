// Package instagramtest is a fake Instagram Graph API (Instagram API with
// Facebook Login) for tests: Facebook Login and the token endpoints (from
// the shared Meta fake), and content publishing: POST /{ig-user-id}/media
// (image_url, caption, alt_text, is_carousel_item; media_type=CAROUSEL
// with children), GET /{container-id}?fields=status_code, POST
// /{ig-user-id}/media_publish, GET /{ig-user-id}/media, GET
// /{ig-user-id}/content_publishing_limit and GET /{ig-user-id}.
//
// Like Instagram, the fake fetches image_url itself (the test serves the
// image from a loopback server), and refuses what Instagram refuses: an
// image it cannot fetch, one that is not a JPEG or whose aspect ratio is
// outside 4:5 to 1.91:1, a caption over 2,200 characters or with more than
// 30 hashtags, a carousel of more than 10 items, publishing a container
// that is not FINISHED or is already published, more than the 24-hour
// publishing quota, a missing permission (code 10) and an expired or
// revoked token (code 190).
//
// References followed (2026):
//
//	https://developers.facebook.com/docs/instagram-platform/content-publishing/
//	https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container
//	https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-user/media_publish.md
//	https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit/
//	https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user
//	https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/page
//	https://developers.facebook.com/docs/graph-api/guides/error-handling
//
// The image limits (JPEG, 8 MB, aspect ratio 4:5 to 1.91:1) are those the
// content-publishing guide and the IG User media reference give for
// feed images. The codes and subcodes of refusals the references do not
// list (an unfetchable image, a container not ready) are the ones Meta is
// commonly seen to send; the wording of the messages is the fake's own.
package instagramtest

import (
	"bytes"
	"image"
	_ "image/jpeg" // to read fetched images
	_ "image/png"  // to refuse PNG images with the right message
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/fakeapi"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/metatest"
)

// Instagram's limits, as the fake enforces them.
const (
	MaxCaption    = 2200
	MaxHashtags   = 30
	MaxCarousel   = 10
	MaxImageBytes = 8 << 20
	MinAspect     = 0.8  // 4:5
	MaxAspect     = 1.91 // 1.91:1
	QuotaTotal    = 50   // published posts per 24 hours (media_publish reference)
	ContainerTTL  = 24 * time.Hour
)

// Container is a media container.
type Container struct {
	ID        string
	Owner     string // ig user id
	ImageURL  string
	Caption   string
	Alt       string
	Carousel  bool // is_carousel_item
	Children  []string
	Created   time.Time
	polls     int
	Published bool
	MediaID   string
}

// Media is a published post.
type Media struct {
	ID        string
	Owner     string
	Caption   string
	Images    []string // the image_url of each picture, in order
	Alts      []string
	Timestamp time.Time
	Container string
}

// The shared fake's people, Pages and limits, under names callers outside
// toolkit/publish can use.
type (
	User  = metatest.User
	Page  = metatest.Page
	Limit = metatest.Limit
)

// Server is the fake: the shared Meta fake plus content publishing.
// LoseAnswers loses the answers to POST /{ig-user-id}/media_publish.
type Server struct {
	*metatest.Server
	fakeapi.Lossy
	// ProcessingPolls is how many status checks answer IN_PROGRESS before
	// FINISHED (default 1).
	ProcessingPolls int
	// Fetch fetches image_url (default: http.Client with a 10 s timeout).
	Fetch *http.Client

	mu         sync.Mutex
	containers map[string]*Container
	media      []*Media // oldest first
	fetched    []string
}

// New starts the fake on a loopback port. Close it when done.
func New() *Server { return On(metatest.New()) }

// On adds the Instagram endpoints to m, the Meta fake of another fake (a
// facebooktest.Server's Server): Facebook Pages and Instagram then share
// one Graph API host with its users, Pages and tokens, as both share
// graph.facebook.com. Closing either fake closes both.
func On(m *metatest.Server) *Server {
	s := &Server{Server: m, ProcessingPolls: 1, Fetch: &http.Client{Timeout: 10 * time.Second}, containers: map[string]*Container{}}
	s.Mux.HandleFunc("POST /{ver}/{ig}/media", s.create)
	s.Mux.HandleFunc("POST /{ver}/{ig}/media_publish", s.publish)
	s.Mux.HandleFunc("GET /{ver}/{ig}/media", s.list)
	s.Mux.HandleFunc("GET /{ver}/{ig}/content_publishing_limit", s.limit)
	s.Mux.HandleFunc("GET /{ver}/{id}", s.node)
	return s
}

// Media returns the published posts, oldest first.
func (s *Server) Media() []Media { return fakeapi.Copies(&s.mu, &s.media) }

// Containers returns how many containers were made.
func (s *Server) Containers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.containers)
}

// Fetched returns every image_url the fake fetched.
func (s *Server) Fetched() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.fetched...)
}

// igAuth authenticates a call on the Instagram account in the path: the
// token's person must manage the Page it is linked to, and have perms.
func (s *Server) igAuth(w http.ResponseWriter, r *http.Request, endpoint string, perms ...string) *metatest.Grant {
	g := s.Auth(w, r, endpoint)
	if g == nil {
		return nil
	}
	ig := r.PathValue("ig")
	page, ok := s.PageOf(ig)
	if !ok || page.IGUserID != ig || (page.Owner != g.UserID) {
		metatest.Invalid(w, 33, "Unsupported request. Object with ID '"+ig+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.")
		return nil
	}
	if !g.Has(perms...) {
		metatest.Error(w, http.StatusForbidden, 10, 0, "OAuthException", "(#10) Application does not have permission for this action")
		return nil
	}
	return g
}

var publishPerms = []string{"instagram_basic", "instagram_content_publish", "pages_read_engagement"}

func checkCaption(w http.ResponseWriter, c string) bool {
	if n := utf8.RuneCountInString(c); n > MaxCaption {
		metatest.Invalid(w, 2207010, "(#100) The caption is too long: "+strconv.Itoa(n)+" characters, the most is 2200.")
		return false
	}
	if n := caption.HashtagCount(c); n > MaxHashtags {
		metatest.Invalid(w, 2207010, "(#100) The caption has "+strconv.Itoa(n)+" hashtags, the most is 30.")
		return false
	}
	return true
}

// fetchImage does what Instagram does with image_url: fetch it and check
// it is a JPEG of an aspect ratio it takes.
func (s *Server) fetchImage(w http.ResponseWriter, u string) bool {
	s.mu.Lock()
	s.fetched = append(s.fetched, u)
	s.mu.Unlock()
	fail := func() bool {
		metatest.Error(w, http.StatusBadRequest, 9004, 2207052, "OAuthException", "Only photo or video can be accepted as media type. The media could not be fetched from this uri: "+u)
		return false
	}
	data, err := fakeapi.Fetch(s.Fetch, u, MaxImageBytes)
	if err != nil {
		return fail()
	}
	if len(data) > MaxImageBytes {
		metatest.Invalid(w, 2207004, "(#100) The image is too big: the most is 8 MB.")
		return false
	}
	if http.DetectContentType(data) != "image/jpeg" {
		metatest.Invalid(w, 2207026, "(#100) Only JPEG images can be published.")
		return false
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return fail()
	}
	if r := float64(cfg.Width) / float64(cfg.Height); r < MinAspect-0.001 || r > MaxAspect+0.001 {
		metatest.Error(w, http.StatusBadRequest, 36003, 2207009, "OAuthException", "(#36003) The aspect ratio is not supported.")
		return false
	}
	return true
}

// create answers POST /{ig-user-id}/media: an image container
// (image_url, caption, alt_text), a carousel item (is_carousel_item=true)
// or a carousel (media_type=CAROUSEL, children, caption).
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	g := s.igAuth(w, r, "POST /{ig-user-id}/media", publishPerms...)
	if g == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		metatest.Invalid(w, 0, "(#100) The request body could not be read.")
		return
	}
	f := r.Form
	ig := r.PathValue("ig")
	c := &Container{ID: s.NextID(), Owner: ig, Caption: f.Get("caption"), Alt: f.Get("alt_text"), Created: s.Now(),
		Carousel: f.Get("is_carousel_item") == "true"}
	switch f.Get("media_type") {
	case "CAROUSEL":
		ids := strings.Split(f.Get("children"), ",")
		if f.Get("children") == "" || len(ids) < 2 {
			metatest.Invalid(w, 0, "(#100) A carousel needs at least 2 children.")
			return
		}
		if len(ids) > MaxCarousel {
			metatest.Invalid(w, 2207028, "(#100) A carousel can have at most 10 children, this one has "+strconv.Itoa(len(ids))+".")
			return
		}
		if !checkCaption(w, c.Caption) {
			return
		}
		s.mu.Lock()
		for _, id := range ids {
			ch := s.containers[id]
			if ch == nil || ch.Owner != ig || !ch.Carousel || ch.polls < s.ProcessingPolls {
				s.mu.Unlock()
				metatest.Invalid(w, 2207001, "(#100) children must be FINISHED carousel item containers of this account: "+id)
				return
			}
		}
		c.Children = ids
		s.containers[c.ID] = c
		s.mu.Unlock()
	case "", "IMAGE":
		c.ImageURL = f.Get("image_url")
		if c.ImageURL == "" {
			metatest.Invalid(w, 0, "(#100) The parameter image_url is required")
			return
		}
		if !c.Carousel && !checkCaption(w, c.Caption) {
			return
		}
		if !s.fetchImage(w, c.ImageURL) {
			return
		}
		s.mu.Lock()
		s.containers[c.ID] = c
		s.mu.Unlock()
	default:
		metatest.Invalid(w, 0, "(#100) media_type must be CAROUSEL for a carousel; this fake takes images only")
		return
	}
	fakeapi.JSON(w, http.StatusOK, map[string]string{"id": c.ID})
}

// status is the container's status_code; each check moves an
// IN_PROGRESS container on.
func (s *Server) status(c *Container) string {
	switch {
	case c.Published:
		return "PUBLISHED"
	case s.Now().Sub(c.Created) >= ContainerTTL:
		return "EXPIRED"
	case c.polls < s.ProcessingPolls:
		c.polls++
		return "IN_PROGRESS"
	}
	return "FINISHED"
}

// node answers GET /{id}: a container's status_code, a media's fields, an
// Instagram account's id and username.
func (s *Server) node(w http.ResponseWriter, r *http.Request) {
	g := s.Auth(w, r, "GET /{id}")
	if g == nil {
		return
	}
	id := r.PathValue("id")
	if p, ok := s.PageOf(id); ok && p.IGUserID == id {
		if p.Owner != g.UserID || !g.Has("instagram_basic") {
			metatest.Error(w, http.StatusForbidden, 10, 0, "OAuthException", "(#10) Application does not have permission for this action")
			return
		}
		fakeapi.JSON(w, http.StatusOK, map[string]string{"id": id, "username": p.IGUsername})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.containers[id]; c != nil {
		st := s.status(c)
		out := map[string]string{"id": id, "status_code": st}
		if st == "FINISHED" || st == "PUBLISHED" {
			out["status"] = "Finished: Media has been uploaded and it is ready to be published."
		}
		fakeapi.JSON(w, http.StatusOK, out)
		return
	}
	for _, m := range s.media {
		if m.ID == id {
			fakeapi.JSON(w, http.StatusOK, map[string]string{"id": id, "caption": m.Caption, "permalink": "https://www.instagram.com/p/" + m.ID + "/"})
			return
		}
	}
	metatest.Invalid(w, 33, "Unsupported get request. Object with ID '"+id+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.")
}

func (s *Server) publishedSince(ig string, since time.Time) int {
	n := 0
	for _, m := range s.media {
		if m.Owner == ig && !m.Timestamp.Before(since) {
			n++
		}
	}
	return n
}

// publish answers POST /{ig-user-id}/media_publish?creation_id=: only a
// FINISHED container, once, within the 24-hour quota.
func (s *Server) publish(w http.ResponseWriter, r *http.Request) {
	g := s.igAuth(w, r, "POST /{ig-user-id}/media_publish", publishPerms...)
	if g == nil {
		return
	}
	r.ParseForm()
	ig := r.PathValue("ig")
	s.mu.Lock()
	c := s.containers[r.Form.Get("creation_id")]
	if c == nil || c.Owner != ig || c.Carousel {
		s.mu.Unlock()
		metatest.Invalid(w, 2207001, "(#100) creation_id must be a container of this account")
		return
	}
	if c.Published {
		s.mu.Unlock()
		metatest.Invalid(w, 2207008, "(#100) This container has already been published.")
		return
	}
	if st := s.status(c); st != "FINISHED" {
		s.mu.Unlock()
		metatest.Error(w, http.StatusBadRequest, 9007, 2207027, "OAuthException", "Media ID is not available. The media is not ready for publishing, please wait for a moment (status_code "+st+").")
		return
	}
	if s.publishedSince(ig, s.Now().Add(-24*time.Hour)) >= QuotaTotal {
		s.mu.Unlock()
		metatest.Error(w, http.StatusBadRequest, 9, 2207042, "OAuthException", "Application request limit reached: you reached the maximum number of posts that is allowed to be published by Content Publish API.")
		return
	}
	m := &Media{ID: "179" + s.NextID(), Owner: ig, Caption: c.Caption, Timestamp: s.Now().UTC().Truncate(time.Second), Container: c.ID}
	kids := c.Children
	if len(kids) == 0 {
		kids = []string{c.ID}
	}
	for _, id := range kids {
		m.Images = append(m.Images, s.containers[id].ImageURL)
		m.Alts = append(m.Alts, s.containers[id].Alt)
	}
	c.Published, c.MediaID = true, m.ID
	s.media = append(s.media, m)
	s.mu.Unlock()
	if s.Drop(w) {
		return
	}
	fakeapi.JSON(w, http.StatusOK, map[string]string{"id": m.ID})
}

// list answers GET /{ig-user-id}/media: the account's posts, newest
// first, with id, caption, timestamp and permalink; limit at most 100.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	g := s.igAuth(w, r, "GET /{ig-user-id}/media", "instagram_basic")
	if g == nil {
		return
	}
	limit := 25
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			metatest.Invalid(w, 0, "(#100) limit must be a number from 1 to 100")
			return
		}
		limit = n
	}
	ig := r.PathValue("ig")
	s.mu.Lock()
	defer s.mu.Unlock()
	data := []map[string]any{}
	for i := len(s.media) - 1; i >= 0 && len(data) < limit; i-- {
		m := s.media[i]
		if m.Owner != ig {
			continue
		}
		d := map[string]any{"id": m.ID, "timestamp": m.Timestamp.Format("2006-01-02T15:04:05-0700"), "permalink": "https://www.instagram.com/p/" + m.ID + "/"}
		if m.Caption != "" {
			d["caption"] = m.Caption
		}
		data = append(data, d)
	}
	fakeapi.JSON(w, http.StatusOK, map[string]any{"data": data})
}

// limit answers GET /{ig-user-id}/content_publishing_limit.
func (s *Server) limit(w http.ResponseWriter, r *http.Request) {
	g := s.igAuth(w, r, "GET /{ig-user-id}/content_publishing_limit", "instagram_basic", "instagram_content_publish")
	if g == nil {
		return
	}
	s.mu.Lock()
	used := s.publishedSince(r.PathValue("ig"), s.Now().Add(-24*time.Hour))
	s.mu.Unlock()
	fakeapi.JSON(w, http.StatusOK, map[string]any{"data": []any{map[string]any{"quota_usage": used,
		"config": map[string]int{"quota_total": QuotaTotal, "quota_duration": 86400}}}})
}
