package threadstest

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/fakeapi"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/metatest"
	"github.com/campaignkit/campaignkit/toolkit/publish/threads"
)

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	g := s.auth(w, r, "GET /me", "threads_basic")
	if g == nil {
		return
	}
	s.mu.Lock()
	u := s.users[g.UserID]
	s.mu.Unlock()
	fakeapi.JSON(w, http.StatusOK, map[string]any{"id": u.ID, "username": u.Username, "name": u.Username})
}

// param reads a parameter from the query or the form, as Graph does.
func param(r *http.Request, name string) string {
	if v := r.URL.Query().Get(name); v != "" {
		return v
	}
	return r.PostFormValue(name)
}

func (s *Server) ownUser(w http.ResponseWriter, r *http.Request, g *grant) bool {
	uid := r.PathValue("uid")
	if uid != g.UserID && uid != "me" {
		metatest.Error(w, http.StatusBadRequest, 100, 33, "GraphMethodException", "Unsupported request - method type: "+strings.ToLower(r.Method))
		return false
	}
	return true
}

// createContainer is POST /{threads-user-id}/threads.
func (s *Server) createContainer(w http.ResponseWriter, r *http.Request) {
	g := s.auth(w, r, "POST /threads", "threads_basic", "threads_content_publish")
	if g == nil || !s.ownUser(w, r, g) {
		return
	}
	mt, text, imageURL, alt := param(r, "media_type"), param(r, "text"), param(r, "image_url"), param(r, "alt_text")
	switch {
	case mt != "TEXT" && mt != "IMAGE" && mt != "VIDEO" && mt != "CAROUSEL":
		metatest.Error(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) The parameter media_type is required: TEXT, IMAGE, VIDEO or CAROUSEL")
		return
	case mt == "TEXT" && text == "":
		metatest.Error(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) The parameter text is required for media_type=TEXT")
		return
	case mt == "IMAGE" && imageURL == "":
		metatest.Error(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) The parameter image_url is required for media_type=IMAGE")
		return
	case threads.Count(text) > MaxText:
		metatest.Error(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Param text must be at most "+strconv.Itoa(MaxText)+" characters long (emoji count as their UTF-8 bytes): it has "+strconv.Itoa(threads.Count(text)))
		return
	case utf8.RuneCountInString(alt) > MaxAlt:
		metatest.Error(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Param alt_text must be at most "+strconv.Itoa(MaxAlt)+" characters long")
		return
	}
	s.mu.Lock()
	c := &container{id: s.next(), userID: g.UserID, mediaType: mt, text: text, imageURL: imageURL, altText: alt, status: "IN_PROGRESS", created: s.Now()}
	s.containers[c.id] = c
	s.mu.Unlock()
	fakeapi.JSON(w, http.StatusOK, map[string]any{"id": c.id})
}

// fetch gets the image of an IMAGE container, as Threads does from its
// public server.
func (s *Server) fetch(u string) ([]byte, error) {
	if s.Fetch != nil {
		return s.Fetch(u)
	}
	return fakeapi.Fetch(&http.Client{Timeout: 10 * time.Second}, u, 9<<20)
}

// object is GET /{id}: a container's status, or a thread's fields.
func (s *Server) object(w http.ResponseWriter, r *http.Request) {
	g := s.auth(w, r, "GET /object", "threads_basic")
	if g == nil {
		return
	}
	id := r.PathValue("id")
	s.mu.Lock()
	c := s.containers[id]
	var th *Thread
	for _, t := range s.threads {
		if t.ID == id {
			th = t
		}
	}
	s.mu.Unlock()
	switch {
	case c != nil && c.userID == g.UserID:
		s.advance(c)
		s.mu.Lock()
		out := map[string]any{"id": c.id, "status": c.status}
		if c.errorMessage != "" {
			out["error_message"] = c.errorMessage
		}
		s.mu.Unlock()
		fakeapi.JSON(w, http.StatusOK, out)
	case th != nil && th.UserID == g.UserID:
		s.mu.Lock()
		u := s.users[th.UserID]
		s.mu.Unlock()
		fakeapi.JSON(w, http.StatusOK, map[string]any{"id": th.ID, "media_type": th.MediaType, "text": th.Text,
			"permalink": "https://www.threads.net/@" + u.Username + "/post/" + th.ID, "timestamp": th.Timestamp.UTC().Format("2006-01-02T15:04:05-0700")})
	default:
		metatest.Error(w, http.StatusBadRequest, 100, 33, "GraphMethodException", "Unsupported get request. Object with ID '"+id+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.")
	}
}

// advance moves an IN_PROGRESS container on by one status read: after
// ProcessingPolls reads it is FINISHED, or ERROR when its image cannot be
// fetched; after 24 hours unpublished it is EXPIRED.
func (s *Server) advance(c *container) {
	s.mu.Lock()
	if c.status == "FINISHED" && s.Now().Sub(c.created) > 24*time.Hour {
		c.status = "EXPIRED"
	}
	if c.status != "IN_PROGRESS" {
		s.mu.Unlock()
		return
	}
	c.polls++
	ready := c.polls > s.ProcessingPolls
	imageURL := c.imageURL
	s.mu.Unlock()
	if !ready {
		return
	}
	var img []byte
	status, msg := "FINISHED", ""
	if imageURL != "" {
		b, err := s.fetch(imageURL)
		ct := http.DetectContentType(b)
		switch {
		case err != nil:
			status, msg = "ERROR", "FAILED_DOWNLOADING_IMAGE"
		case ct != "image/jpeg" && ct != "image/png":
			status, msg = "ERROR", "UNSUPPORTED_IMAGE_FORMAT"
		default:
			img = b
		}
	}
	s.mu.Lock()
	c.status, c.errorMessage, c.image = status, msg, img
	s.mu.Unlock()
}

// publish is POST /{threads-user-id}/threads_publish?creation_id=….
func (s *Server) publish(w http.ResponseWriter, r *http.Request) {
	g := s.auth(w, r, "POST /threads_publish", "threads_basic", "threads_content_publish")
	if g == nil || !s.ownUser(w, r, g) {
		return
	}
	s.mu.Lock()
	c := s.containers[param(r, "creation_id")]
	n := 0
	for _, t := range s.threads {
		if t.UserID == g.UserID && s.Now().Sub(t.Timestamp) < 24*time.Hour {
			n++
		}
	}
	switch {
	case c == nil || c.userID != g.UserID:
		s.mu.Unlock()
		metatest.Error(w, http.StatusBadRequest, 24, 4279009, "OAuthException", "The requested resource does not exist: creation_id "+param(r, "creation_id"))
		return
	case c.status == "PUBLISHED":
		s.mu.Unlock()
		metatest.Error(w, http.StatusBadRequest, 10, 4279013, "OAuthException", "The media container has already been published")
		return
	case c.status != "FINISHED":
		st := c.status
		s.mu.Unlock()
		metatest.Error(w, http.StatusBadRequest, 9007, 2207027, "OAuthException", "Media ID is not available: the container is "+st+", not FINISHED; wait for it to finish processing")
		return
	case n >= Quota:
		s.mu.Unlock()
		metatest.Error(w, http.StatusBadRequest, 9, 2207042, "OAuthException", "You reached the maximum number of posts that may be published through the API in 24 hours ("+strconv.Itoa(Quota)+")")
		return
	}
	mt := "TEXT_POST"
	if c.mediaType == "IMAGE" {
		mt = "IMAGE"
	}
	t := &Thread{ID: s.next(), UserID: g.UserID, MediaType: mt, Text: c.text, ImageURL: c.imageURL, Image: c.image, AltText: c.altText, Container: c.id, Timestamp: s.Now()}
	s.threads = append(s.threads, t)
	c.status, c.published = "PUBLISHED", t.ID
	s.mu.Unlock()
	if s.Drop(w) {
		return
	}
	fakeapi.JSON(w, http.StatusOK, map[string]any{"id": t.ID})
}

// listThreads is GET /{threads-user-id}/threads: the user's posts, newest
// first, since a Unix time when given.
func (s *Server) listThreads(w http.ResponseWriter, r *http.Request) {
	g := s.auth(w, r, "GET /threads", "threads_basic")
	if g == nil || !s.ownUser(w, r, g) {
		return
	}
	since, _ := strconv.ParseInt(param(r, "since"), 10, 64)
	limit, _ := strconv.Atoi(param(r, "limit"))
	if limit <= 0 || limit > 100 {
		limit = 25
	}
	s.mu.Lock()
	u := s.users[g.UserID]
	var mine []*Thread
	for _, t := range s.threads {
		if t.UserID == g.UserID && (since == 0 || t.Timestamp.Unix() >= since) {
			mine = append(mine, t)
		}
	}
	s.mu.Unlock()
	sort.SliceStable(mine, func(i, j int) bool { return mine[i].Timestamp.After(mine[j].Timestamp) })
	if len(mine) > limit {
		mine = mine[:limit]
	}
	data := []any{}
	for _, t := range mine {
		data = append(data, map[string]any{"id": t.ID, "media_type": t.MediaType, "text": t.Text,
			"permalink": "https://www.threads.net/@" + u.Username + "/post/" + t.ID, "timestamp": t.Timestamp.UTC().Format("2006-01-02T15:04:05-0700")})
	}
	fakeapi.JSON(w, http.StatusOK, map[string]any{"data": data, "paging": map[string]any{}})
}

// publishingLimit is GET /{threads-user-id}/threads_publishing_limit.
func (s *Server) publishingLimit(w http.ResponseWriter, r *http.Request) {
	g := s.auth(w, r, "GET /threads_publishing_limit", "threads_basic", "threads_content_publish")
	if g == nil || !s.ownUser(w, r, g) {
		return
	}
	s.mu.Lock()
	n := 0
	for _, t := range s.threads {
		if t.UserID == g.UserID && s.Now().Sub(t.Timestamp) < 24*time.Hour {
			n++
		}
	}
	s.mu.Unlock()
	fakeapi.JSON(w, http.StatusOK, map[string]any{"data": []any{map[string]any{"quota_usage": n, "config": map[string]any{"quota_total": Quota, "quota_duration": 86400}}}})
}
