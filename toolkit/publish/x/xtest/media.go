package xtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/fakeapi"
)

// Sizes X accepts per media category (upload reference: images 5 MB,
// animated GIFs 15 MB, chunks of at most 5 MB).
const (
	MaxImageBytes = 5 << 20
	MaxGIFBytes   = 15 << 20
	MaxChunkBytes = 5 << 20
	MaxAltChars   = 1000
)

func mediaKey(id string) string { return "3_" + id }

// upload answers POST /2/media/upload, the chunked upload's INIT, APPEND
// and FINALIZE commands sent as multipart/form-data (scope media.write).
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	g := s.auth(w, r, "POST /2/media/upload", "media.write")
	if g == nil {
		return
	}
	if err := r.ParseMultipartForm(MaxChunkBytes + 1<<20); err != nil {
		invalid(w, "body", "", "The request must be multipart/form-data.")
		return
	}
	f := r.MultipartForm.Value
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	switch get("command") {
	case "INIT":
		s.initUpload(w, g, get("media_type"), get("total_bytes"), get("media_category"))
	case "APPEND":
		s.appendUpload(w, r, g, get("media_id"), get("segment_index"))
	case "FINALIZE":
		s.finalizeUpload(w, g, get("media_id"))
	default:
		invalid(w, "command", get("command"), "command must be INIT, APPEND or FINALIZE")
	}
}

func (s *Server) initUpload(w http.ResponseWriter, g *grant, mediaType, totalBytes, category string) {
	total, err := strconv.ParseInt(totalBytes, 10, 64)
	if err != nil || total <= 0 {
		invalid(w, "total_bytes", totalBytes, "total_bytes must be a positive number of bytes")
		return
	}
	limit := int64(0)
	switch mediaType {
	case "image/jpeg", "image/png", "image/webp", "image/bmp":
		limit = MaxImageBytes
	case "image/gif":
		limit = MaxGIFBytes
	case "video/mp4", "video/quicktime":
		limit = 512 << 20
	default:
		invalid(w, "media_type", mediaType, "media_type is not supported")
		return
	}
	if category == "tweet_image" && !strings.HasPrefix(mediaType, "image/") {
		invalid(w, "media_category", category, "media_category tweet_image takes images only")
		return
	}
	if total > limit {
		invalid(w, "total_bytes", totalBytes, "File size exceeds "+strconv.FormatInt(limit, 10)+" bytes.")
		return
	}
	s.mu.Lock()
	m := &medium{id: s.nextID(), owner: g.UserID, mediaType: mediaType, category: category, total: total, received: map[int]int64{}}
	s.media[m.id] = m
	s.mu.Unlock()
	fakeapi.JSON(w, http.StatusOK, map[string]any{"data": map[string]any{"id": m.id, "media_key": mediaKey(m.id), "expires_after_secs": 86400}})
}

func (s *Server) owned(w http.ResponseWriter, g *grant, id string) *medium {
	m := s.media[id]
	if m == nil || m.owner != g.UserID {
		invalid(w, "media_id", id, "media_id is not a valid upload")
		return nil
	}
	return m
}

func (s *Server) appendUpload(w http.ResponseWriter, r *http.Request, g *grant, id, segment string) {
	idx, err := strconv.Atoi(segment)
	if err != nil || idx < 0 || idx > 999 {
		invalid(w, "segment_index", segment, "segment_index must be 0 to 999")
		return
	}
	file, _, err := r.FormFile("media")
	if err != nil {
		invalid(w, "media", "", "media (the chunk's bytes) is required")
		return
	}
	n, _ := io.Copy(io.Discard, file)
	file.Close()
	if n > MaxChunkBytes {
		invalid(w, "media", "", "a chunk may have at most 5 MB")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.owned(w, g, id)
	if m == nil {
		return
	}
	if m.finalized {
		invalid(w, "media_id", id, "the upload is already finalized")
		return
	}
	m.received[idx] = n
	fakeapi.JSON(w, http.StatusOK, map[string]any{"data": map[string]any{"expires_at": s.now().Unix() + 86400}})
}

func (s *Server) finalizeUpload(w http.ResponseWriter, g *grant, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.owned(w, g, id)
	if m == nil {
		return
	}
	var sum int64
	for _, n := range m.received {
		sum += n
	}
	if sum != m.total {
		invalid(w, "media_id", id, "File size mismatch: "+strconv.FormatInt(sum, 10)+" bytes received, total_bytes was "+strconv.FormatInt(m.total, 10)+".")
		return
	}
	m.finalized = true
	data := map[string]any{"id": m.id, "media_key": mediaKey(m.id), "size": m.total, "expires_after_secs": 86400}
	if s.ProcessingSteps > 0 {
		data["processing_info"] = map[string]any{"state": "pending", "check_after_secs": 1}
	}
	fakeapi.JSON(w, http.StatusOK, map[string]any{"data": data})
}

// uploadStatus answers GET /2/media/upload?command=STATUS&media_id=ID:
// pending -> in_progress -> succeeded, one step per poll.
func (s *Server) uploadStatus(w http.ResponseWriter, r *http.Request) {
	g := s.auth(w, r, "GET /2/media/upload", "media.write")
	if g == nil {
		return
	}
	q := r.URL.Query()
	if q.Get("command") != "STATUS" {
		invalid(w, "command", q.Get("command"), "command must be STATUS")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.owned(w, g, q.Get("media_id"))
	if m == nil {
		return
	}
	if !m.finalized {
		invalid(w, "media_id", m.id, "the upload is not finalized")
		return
	}
	m.polls++
	info := map[string]any{"state": "succeeded", "progress_percent": 100}
	if m.polls < s.ProcessingSteps {
		info = map[string]any{"state": "in_progress", "check_after_secs": 1, "progress_percent": 100 * m.polls / s.ProcessingSteps}
	}
	fakeapi.JSON(w, http.StatusOK, map[string]any{"data": map[string]any{"id": m.id, "media_key": mediaKey(m.id), "expires_after_secs": 86400, "processing_info": info}})
}

// metadata answers POST /2/media/metadata, of which the fake knows
// alt_text (at most 1000 characters).
func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	g := s.auth(w, r, "POST /2/media/metadata", "media.write")
	if g == nil {
		return
	}
	var req struct {
		ID       string `json:"id"`
		Metadata struct {
			AltText *struct {
				Text string `json:"text"`
			} `json:"alt_text"`
		} `json:"metadata"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		invalid(w, "body", "", "The request body must be JSON.")
		return
	}
	if req.Metadata.AltText == nil {
		invalid(w, "metadata", "", "metadata.alt_text is required by this fake")
		return
	}
	if n := utf8.RuneCountInString(req.Metadata.AltText.Text); n > MaxAltChars {
		invalid(w, "metadata.alt_text.text", "", "alt text may have at most 1000 characters, this has "+strconv.Itoa(n))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.owned(w, g, req.ID)
	if m == nil {
		return
	}
	m.alt = req.Metadata.AltText.Text
	fakeapi.JSON(w, http.StatusOK, map[string]any{"data": map[string]any{"id": m.id, "associated_metadata": map[string]any{"alt_text": map[string]string{"text": m.alt}}}})
}
