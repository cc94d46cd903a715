package xtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/fakeapi"
)

// me answers GET /2/users/me (scopes tweet.read and users.read).
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	g := s.auth(w, r, "GET /2/users/me", "tweet.read", "users.read")
	if g == nil {
		return
	}
	s.mu.Lock()
	u := s.users[g.UserID]
	s.mu.Unlock()
	fakeapi.JSON(w, http.StatusOK, map[string]any{"data": map[string]string{"id": u.ID, "name": u.Name, "username": u.Username}})
}

type createRequest struct {
	Text  *string `json:"text"`
	Media *struct {
		MediaIDs      []string `json:"media_ids"`
		TaggedUserIDs []string `json:"tagged_user_ids"`
	} `json:"media"`
}

// createTweet answers POST /2/tweets (scopes tweet.read, tweet.write,
// users.read) with the checks X makes: 280 weighted characters, at most
// four media that the same user uploaded and that finished processing,
// and no duplicate of the user's recent text.
func (s *Server) createTweet(w http.ResponseWriter, r *http.Request) {
	g := s.auth(w, r, "POST /2/tweets", "tweet.read", "tweet.write", "users.read")
	if g == nil {
		return
	}
	var req createRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || dec.Decode(&req) != nil {
		invalid(w, "body", "", "The request body must be a JSON object with the fields of a Post.")
		return
	}
	text := ""
	if req.Text != nil {
		text = *req.Text
	}
	var ids []string
	if req.Media != nil {
		ids = req.Media.MediaIDs
	}
	if text == "" && len(ids) == 0 {
		invalid(w, "text", "", "A Post needs text or media.")
		return
	}
	// twitter-text weighted length, as X counts it
	if n := caption.Count("x", text); n > 280 {
		invalid(w, "text", text, "Your Post text is too long: its weighted length is "+strconv.Itoa(n)+", the most is 280.")
		return
	}
	if len(ids) > 4 {
		invalid(w, "media.media_ids", strings.Join(ids, ","), "A Post may have at most 4 media.")
		return
	}
	s.mu.Lock()
	var alts []string
	for _, id := range ids {
		m := s.media[id]
		if m == nil || m.owner != g.UserID || !m.finalized || m.polls < s.ProcessingSteps {
			s.mu.Unlock()
			invalid(w, "media.media_ids", id, "Your media IDs are invalid.")
			return
		}
		alts = append(alts, m.alt)
	}
	for _, t := range s.tweets {
		if t.AuthorID == g.UserID && t.Text == text && s.now().Sub(t.CreatedAt) < 24*time.Hour {
			s.mu.Unlock()
			problem(w, http.StatusForbidden, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
			return
		}
	}
	t := &Tweet{ID: s.nextID(), AuthorID: g.UserID, Text: text, CreatedAt: s.now().UTC().Truncate(time.Second), MediaIDs: ids, Alts: alts}
	s.tweets = append(s.tweets, t)
	s.mu.Unlock()
	if s.Drop(w) {
		return
	}
	fakeapi.JSON(w, http.StatusCreated, map[string]any{"data": map[string]any{"id": t.ID, "text": text, "edit_history_tweet_ids": []string{t.ID}}})
}

var urlRe = regexp.MustCompile(`https?://[^\s]+`)

// rendered is a post as X's read endpoints give it: &, < and > escaped as
// HTML entities, links replaced by t.co links listed in entities.urls, and
// a t.co link to the media appended.
func (s *Server) rendered(t *Tweet, fields map[string]bool) map[string]any {
	var urls []map[string]any
	text := html.EscapeString(t.Text)
	text = strings.ReplaceAll(text, "&#34;", `"`)
	text = strings.ReplaceAll(text, "&#39;", "'")
	text = urlRe.ReplaceAllStringFunc(text, func(u string) string {
		expanded := html.UnescapeString(u)
		short := tco(expanded)
		urls = append(urls, map[string]any{"url": short, "expanded_url": expanded, "display_url": strings.TrimPrefix(strings.TrimPrefix(expanded, "https://"), "http://")})
		return short
	})
	if len(t.MediaIDs) > 0 {
		u := s.users[t.AuthorID]
		expanded := "https://x.com/" + u.Username + "/status/" + t.ID + "/photo/1"
		short := tco(expanded)
		urls = append(urls, map[string]any{"url": short, "expanded_url": expanded, "display_url": "pic.x.com/" + t.ID[:6], "media_key": "3_" + t.MediaIDs[0]})
		if text != "" {
			text += " "
		}
		text += short
	}
	out := map[string]any{"id": t.ID, "text": text, "edit_history_tweet_ids": []string{t.ID}}
	if fields["created_at"] {
		out["created_at"] = t.CreatedAt.Format("2006-01-02T15:04:05.000Z")
	}
	if fields["author_id"] {
		out["author_id"] = t.AuthorID
	}
	if fields["entities"] && len(urls) > 0 {
		out["entities"] = map[string]any{"urls": urls}
	}
	if fields["attachments"] && len(t.MediaIDs) > 0 {
		keys := make([]string, len(t.MediaIDs))
		for i, id := range t.MediaIDs {
			keys[i] = "3_" + id
		}
		out["attachments"] = map[string]any{"media_keys": keys}
	}
	return out
}

func tco(u string) string {
	sum := sha256.Sum256([]byte(u))
	return "https://t.co/" + hex.EncodeToString(sum[:5])
}

// userTweets answers GET /2/users/:id/tweets (scopes tweet.read,
// users.read): the user's posts, newest first, max_results 5 to 100,
// start_time, exclude and tweet.fields.
func (s *Server) userTweets(w http.ResponseWriter, r *http.Request) {
	g := s.auth(w, r, "GET /2/users/:id/tweets", "tweet.read", "users.read")
	if g == nil {
		return
	}
	q := r.URL.Query()
	max := 10
	if v := q.Get("max_results"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 5 || n > 100 {
			invalid(w, "max_results", v, "The `max_results` query parameter value ["+v+"] is not between 5 and 100")
			return
		}
		max = n
	}
	var since time.Time
	if v := q.Get("start_time"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			invalid(w, "start_time", v, "Invalid 'start_time':'"+v+"'. 'start_time' must be a timestamp such as 2026-12-18T09:00:00Z.")
			return
		}
		since = t
	}
	fields := map[string]bool{}
	for _, f := range strings.Split(q.Get("tweet.fields"), ",") {
		fields[f] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	if s.users[id] == nil {
		invalid(w, "id", id, "The `id` query parameter value ["+id+"] is not valid")
		return
	}
	var data []map[string]any
	for i := len(s.tweets) - 1; i >= 0 && len(data) < max; i-- {
		t := s.tweets[i]
		if t.AuthorID != id || t.CreatedAt.Before(since) {
			continue
		}
		data = append(data, s.rendered(t, fields))
	}
	meta := map[string]any{"result_count": len(data)}
	if len(data) > 0 {
		meta["newest_id"] = data[0]["id"]
		meta["oldest_id"] = data[len(data)-1]["id"]
	}
	body := map[string]any{"meta": meta}
	if len(data) > 0 {
		body["data"] = data
	}
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(body)
	w.Header().Set("Content-Type", "application/json")
	w.Write(buf.Bytes())
}
