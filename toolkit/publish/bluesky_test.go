package publish

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// fakePDS answers the XRPC methods the publisher uses the way a real PDS
// does (see TestBlueskyRealPDS for the real one): a refused token is 400
// ExpiredToken/InvalidToken, a missing record 400 RecordNotFound, a record key
// collision 500 with no detail, a rate limit 429 with RateLimit-Reset.
type fakePDS struct {
	did, handle, password string
	now                   time.Time

	mu          sync.Mutex
	tokens      int
	access      map[string]bool // valid access tokens
	refresh     map[string]bool // valid refresh tokens
	records     map[string]json.RawMessage
	blobs       int
	handles     map[string]string
	loseAnswer  int // drop the connection after this many createRecords
	failGets    int // answer this many getRecords with 503
	afterCreate func()
	rateLimit   int
	calls       []string
}

func newFakePDS(t *testing.T) (*fakePDS, *httptest.Server) {
	f := &fakePDS{
		did: "did:plc:abc123", handle: "campaign.example", password: "app-pass-1234",
		now:     time.Date(2026, 12, 18, 9, 0, 1, 0, time.UTC),
		access:  map[string]bool{},
		refresh: map[string]bool{},
		records: map[string]json.RawMessage{},
		handles: map[string]string{"iom.int": "did:plc:iom", "campaign.example": "did:plc:abc123"},
	}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

func xrpcError(w http.ResponseWriter, status int, name, msg string) {
	writeJSON(w, status, map[string]string{"error": name, "message": msg})
}

// jwt makes a token the publisher can read exp from (the signature is not
// checked by anyone but this fake).
func (f *fakePDS) jwt(kind string, exp time.Time) string {
	f.tokens++
	payload, _ := json.Marshal(map[string]any{"scope": kind, "exp": exp.Unix(), "n": f.tokens})
	return "eyJhbGciOiJIUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(payload) + ".sig"
}

func (f *fakePDS) newSession(w http.ResponseWriter) {
	a, r := f.jwt("access", f.now.Add(2*time.Hour)), f.jwt("refresh", f.now.Add(90*24*time.Hour))
	f.access[a], f.refresh[r] = true, true
	writeJSON(w, 200, map[string]any{"did": f.did, "handle": f.handle, "accessJwt": a, "refreshJwt": r, "active": true})
}

func (f *fakePDS) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	nsid := strings.TrimPrefix(r.URL.Path, "/xrpc/")
	f.calls = append(f.calls, nsid)
	if f.rateLimit > 0 {
		f.rateLimit--
		w.Header().Set("RateLimit-Limit", "5000")
		w.Header().Set("RateLimit-Remaining", "0")
		w.Header().Set("RateLimit-Reset", strconv.FormatInt(f.now.Add(10*time.Minute).Unix(), 10))
		xrpcError(w, 429, "RateLimitExceeded", "Rate Limit Exceeded")
		return
	}
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	switch nsid {
	case "com.atproto.server.createSession":
		var in struct{ Identifier, Password string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		if (in.Identifier != f.handle && in.Identifier != f.did) || in.Password != f.password {
			xrpcError(w, 401, "AuthenticationRequired", "Invalid identifier or password")
			return
		}
		f.newSession(w)
		return
	case "com.atproto.server.refreshSession":
		if !f.refresh[tok] {
			xrpcError(w, 400, "ExpiredToken", "Token has expired")
			return
		}
		delete(f.refresh, tok)
		f.newSession(w)
		return
	case "com.atproto.repo.getRecord":
		if f.failGets > 0 {
			f.failGets--
			xrpcError(w, 503, "ServiceUnavailable", "try later")
			return
		}
		q := r.URL.Query()
		rec, ok := f.records[q.Get("rkey")]
		if !ok || q.Get("repo") != f.did {
			xrpcError(w, 400, "RecordNotFound", "Could not locate record: at://"+q.Get("repo")+"/"+q.Get("collection")+"/"+q.Get("rkey"))
			return
		}
		writeJSON(w, 200, map[string]any{"uri": "at://" + f.did + "/app.bsky.feed.post/" + q.Get("rkey"), "cid": "bafyfake", "value": rec})
		return
	case "com.atproto.identity.resolveHandle":
		did, ok := f.handles[r.URL.Query().Get("handle")]
		if !ok {
			xrpcError(w, 400, "InvalidRequest", "Unable to resolve handle")
			return
		}
		writeJSON(w, 200, map[string]string{"did": did})
		return
	}
	if !f.access[tok] {
		xrpcError(w, 400, "ExpiredToken", "Token has expired")
		return
	}
	switch nsid {
	case "com.atproto.repo.uploadBlob":
		b, _ := io.ReadAll(r.Body)
		f.blobs++
		writeJSON(w, 200, map[string]any{"blob": map[string]any{
			"$type": "blob", "ref": map[string]string{"$link": fmt.Sprintf("bafkrei%d", f.blobs)},
			"mimeType": r.Header.Get("Content-Type"), "size": len(b),
		}})
	case "com.atproto.repo.createRecord":
		var in struct {
			Repo, Collection, Rkey string
			Record                 json.RawMessage
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			xrpcError(w, 400, "InvalidRequest", err.Error())
			return
		}
		var post struct{ Text string }
		_ = json.Unmarshal(in.Record, &post)
		if utf8.RuneCountInString(post.Text) > 300 {
			xrpcError(w, 400, "InvalidRequest", "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes")
			return
		}
		if _, dup := f.records[in.Rkey]; dup {
			xrpcError(w, 500, "InternalServerError", "Internal Server Error")
			return
		}
		f.records[in.Rkey] = in.Record
		if f.afterCreate != nil {
			f.afterCreate()
			f.afterCreate = nil
		}
		if f.loseAnswer > 0 {
			f.loseAnswer--
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		writeJSON(w, 200, map[string]any{"uri": "at://" + f.did + "/app.bsky.feed.post/" + in.Rkey, "cid": "bafyfake", "validationStatus": "valid"})
	default:
		xrpcError(w, 501, "MethodNotImplemented", "Method Not Implemented")
	}
}

func (f *fakePDS) callLog() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.calls, " ")
}

func newTestBluesky(t *testing.T, f *fakePDS, srv *httptest.Server, password string) *Bluesky {
	t.Helper()
	b, err := NewBluesky(BlueskyConfig{Service: srv.URL, Identifier: f.handle, AppPassword: NewSecret(password), Client: srv.Client(), Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBlueskyPublish(t *testing.T) {
	f, srv := newFakePDS(t)
	b := newTestBluesky(t, f, srv, f.password)
	dir := t.TempDir()
	p := Post{
		ID: "post-b-1", Lang: "en", At: time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC),
		Text:   "🌍 #MigrantsDay with @iom.int and @nobody.example",
		Images: []Image{{Path: writePNG(t, dir, "a.png", 12, 6), Alt: "A paper boat"}, {Path: writePNG(t, dir, "b.png", 5, 5), Alt: "A candle"}},
	}
	res, err := b.Publish(context.Background(), p)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	rkey := BlueskyRecordKey(p)
	want := Result{RemoteID: "at://did:plc:abc123/app.bsky.feed.post/" + rkey, URL: "https://bsky.app/profile/campaign.example/post/" + rkey}
	if res != want {
		t.Errorf("Result = %+v, want %+v", res, want)
	}
	var got blueskyRecord
	if err := json.Unmarshal(f.records[rkey], &got); err != nil {
		t.Fatal(err)
	}
	if got.Type != "app.bsky.feed.post" || got.Text != p.Text || strings.Join(got.Langs, ",") != "en" || got.CreatedAt != "2026-12-18T09:00:01.000Z" {
		t.Errorf("record = %+v, want the post's text, langs [en], createdAt from the clock", got)
	}
	var facets []string
	for _, fc := range got.Facets {
		ft := fc.Features[0]
		facets = append(facets, fmt.Sprintf("%s %d-%d %s%s%s", ft.Type, fc.Index.ByteStart, fc.Index.ByteEnd, ft.Tag, ft.URI, ft.DID))
	}
	wantFacets := []string{
		"app.bsky.richtext.facet#tag 5-17 MigrantsDay",
		"app.bsky.richtext.facet#mention 23-31 did:plc:iom", // @nobody.example does not resolve: plain text
	}
	if strings.Join(facets, "; ") != strings.Join(wantFacets, "; ") {
		t.Errorf("facets = %q, want %q", facets, wantFacets)
	}
	if got.Embed == nil || len(got.Embed.Images) != 2 {
		t.Fatalf("embed = %+v, want two images", got.Embed)
	}
	for i, w := range []struct {
		alt  string
		w, h int
	}{{"A paper boat", 12, 6}, {"A candle", 5, 5}} {
		img := got.Embed.Images[i]
		if img.Alt != w.alt || img.AspectRatio == nil || *img.AspectRatio != (blueskyAspectRatio{w.w, w.h}) || !strings.Contains(string(img.Image), `"mimeType":"image/png"`) {
			t.Errorf("image %d = alt %q ratio %+v blob %s; want %q %dx%d image/png", i, img.Alt, img.AspectRatio, img.Image, w.alt, w.w, w.h)
		}
	}
}

func TestBlueskySessionRefresh(t *testing.T) {
	tests := []struct {
		name      string
		spoil     func(f *fakePDS)
		wantCalls string
	}{
		{"access token expired: refresh",
			func(f *fakePDS) { f.access = map[string]bool{} },
			"com.atproto.repo.getRecord com.atproto.repo.uploadBlob com.atproto.server.refreshSession com.atproto.repo.uploadBlob com.atproto.repo.createRecord"},
		{"both tokens expired: log in again",
			func(f *fakePDS) { f.access, f.refresh = map[string]bool{}, map[string]bool{} },
			"com.atproto.repo.getRecord com.atproto.repo.uploadBlob com.atproto.server.refreshSession com.atproto.server.createSession com.atproto.repo.uploadBlob com.atproto.repo.createRecord"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakePDS(t)
			b := newTestBluesky(t, f, srv, f.password)
			card := writePNG(t, t.TempDir(), "a.png", 4, 4)
			if _, err := b.Publish(context.Background(), Post{ID: "first", Text: "one", Images: []Image{{Path: card, Alt: "x"}}}); err != nil {
				t.Fatal(err)
			}
			tt.spoil(f)
			f.calls = nil
			if _, err := b.Publish(context.Background(), Post{ID: "second", Text: "two", Images: []Image{{Path: card, Alt: "x"}}}); err != nil {
				t.Fatalf("Publish after the tokens expired: %v", err)
			}
			if got := f.callLog(); got != tt.wantCalls {
				t.Errorf("calls:\n got %s\nwant %s", got, tt.wantCalls)
			}
		})
	}
}

func TestBlueskyExpiryFromToken(t *testing.T) {
	// The access token says it expires in 2 hours: 3 hours later the
	// publisher refreshes before its first request instead of being refused.
	f, srv := newFakePDS(t)
	b := newTestBluesky(t, f, srv, f.password)
	if _, err := b.Publish(context.Background(), Post{ID: "a", Text: "one"}); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(3 * time.Hour)
	f.calls = nil
	if _, err := b.Publish(context.Background(), Post{ID: "b", Text: "two"}); err != nil {
		t.Fatal(err)
	}
	if got, want := f.callLog(), "com.atproto.server.refreshSession com.atproto.repo.getRecord com.atproto.repo.createRecord"; got != want {
		t.Errorf("calls: got %s, want %s", got, want)
	}
}

// TestBlueskyNoDuplicate loses the createRecord answer: the record exists
// but the publisher sees a network error. It reads the record back at once;
// when that fails too, a later retry, in this process or after a restart,
// finds the record under the post's key and does not post again.
func TestBlueskyNoDuplicate(t *testing.T) {
	tests := []struct {
		name      string
		failGets  int // getRecord answers 503 this many times after the lost answer
		restart   bool
		wantFirst bool // the first Publish succeeds
	}{
		{"read back at once", 0, false, true},
		{"read back fails, retried in the same process", 1, false, false},
		{"read back fails, retried after a restart", 1, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakePDS(t)
			b := newTestBluesky(t, f, srv, f.password)
			p := Post{ID: "post-b-2", Lang: "en", At: time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC), Text: "Once only #MigrantsDay"}
			want := "at://did:plc:abc123/app.bsky.feed.post/" + BlueskyRecordKey(p)
			f.loseAnswer = 1
			res, err := publishFailingGets(b, f, p, tt.failGets)
			if tt.wantFirst {
				if err != nil || res.RemoteID != want {
					t.Fatalf("first Publish = %+v, %v; want %s, nil", res, err, want)
				}
			} else {
				if err == nil || IsPermanent(err) {
					t.Fatalf("first Publish: err = %v, want a retryable error", err)
				}
				if tt.restart {
					b = newTestBluesky(t, f, srv, f.password)
				}
				f.calls = nil
				res, err = b.Publish(context.Background(), p)
				if err != nil || res.RemoteID != want {
					t.Fatalf("retry = %+v, %v; want %s, nil", res, err, want)
				}
				if strings.Contains(f.callLog(), "createRecord") {
					t.Errorf("retry calls %s: want no createRecord", f.callLog())
				}
			}
			if got := len(f.records); got != 1 {
				t.Errorf("PDS has %d records, want 1", got)
			}
		})
	}
}

// publishFailingGets publishes p while getRecord fails n times once the
// record has been created.
func publishFailingGets(b *Bluesky, f *fakePDS, p Post, n int) (Result, error) {
	f.mu.Lock()
	f.afterCreate = func() { f.failGets = n }
	f.mu.Unlock()
	return b.Publish(context.Background(), p)
}

func TestBlueskyKeyHoldsAnotherPost(t *testing.T) {
	f, srv := newFakePDS(t)
	b := newTestBluesky(t, f, srv, f.password)
	p := Post{ID: "post-b-3", Text: "original"}
	f.records[BlueskyRecordKey(p)] = json.RawMessage(`{"$type":"app.bsky.feed.post","text":"something else","createdAt":"2026-12-18T09:00:00.000Z"}`)
	_, err := b.Publish(context.Background(), p)
	if !IsPermanent(err) || !strings.Contains(err.Error(), "already holds a different post") {
		t.Errorf("err = %v, want a permanent error saying the key holds a different post", err)
	}
}

func TestBlueskyFailures(t *testing.T) {
	dir := t.TempDir()
	big := dir + "/big.png"
	if err := writeBytes(big, append(pngHeader(), make([]byte, 1_000_000)...)); err != nil {
		t.Fatal(err)
	}
	gif := dir + "/anim.gif"
	if err := writeBytes(gif, []byte("GIF89a\x01\x00\x01\x00")); err != nil {
		t.Fatal(err)
	}
	small := writePNG(t, dir, "small.png", 2, 2)
	tests := []struct {
		name      string
		post      Post
		setup     func(f *fakePDS)
		password  string
		permanent bool
		after     time.Duration
		msg       string
		noNetwork bool
	}{
		{"301 graphemes", Post{ID: "x", Text: strings.Repeat("👩‍👩‍👧", 301)}, nil, "", true, 0, "text is 301 graphemes; at most 300 allowed", true},
		{"300 graphemes in 3001 bytes", Post{ID: "x", Text: strings.Repeat("👩‍👩‍👧", 167)}, nil, "", true, 0, "bytes; at most 3000 allowed", true},
		{"link pushes it over", Post{ID: "x", Text: strings.Repeat("a", 290), Link: "https://example.org/x"}, nil, "", true, 0, "graphemes; at most 300", true},
		{"five images", Post{ID: "x", Images: make([]Image, 5)}, nil, "", true, 0, "has 5 images; at most 4 allowed", true},
		{"image too big", Post{ID: "x", Images: []Image{{Path: big}}}, nil, "", true, 0, "must be under 1000000", true},
		{"gif", Post{ID: "x", Images: []Image{{Path: gif}}}, nil, "", true, 0, "is image/gif; want JPEG or PNG", true},
		{"wrong app password", Post{ID: "x", Text: "hi"}, nil, "nope", true, 0, "HTTP 401): bluesky: com.atproto.server.createSession: AuthenticationRequired: Invalid identifier or password", false},
		{"rate limited", Post{ID: "x", Text: "hi", Images: []Image{{Path: small}}}, func(f *fakePDS) { f.rateLimit = 1 }, "", false, 10 * time.Minute, "RateLimitExceeded", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakePDS(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			pw := tt.password
			if pw == "" {
				pw = f.password
			}
			_, err := newTestBluesky(t, f, srv, pw).Publish(context.Background(), tt.post)
			wantFailure(t, err, tt.permanent, tt.after, tt.msg, pw)
			if tt.noNetwork && f.callLog() != "" {
				t.Errorf("made requests %s, want none: refused before sending", f.callLog())
			}
			if len(f.records) != 0 {
				t.Errorf("PDS has %d records, want 0", len(f.records))
			}
		})
	}
}

func pngHeader() []byte { return []byte("\x89PNG\r\n\x1a\n") }

func writeBytes(path string, b []byte) error { return os.WriteFile(path, b, 0o644) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
