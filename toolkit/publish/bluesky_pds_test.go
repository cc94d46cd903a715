package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/pdstest"
)

// TestBlueskyRealPDS publishes to a real @atproto/pds on loopback (see
// internal/pdstest): skipped unless node and the PDS are installed (go run
// ./toolkit/publish/internal/pdstest/install), required when CI is set.
func TestBlueskyRealPDS(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real Bluesky PDS; skipped with -short")
	}
	srv := pdstest.Start(t)
	ctx := context.Background()

	// Log in the way users will: with an app password.
	var app struct {
		Password string `json:"password"`
	}
	xrpcJSON(t, srv.URL, http.MethodPost, "com.atproto.server.createAppPassword", srv.AccessJwt, map[string]string{"name": "campaignkit-test"}, &app)
	rec := &recordingTransport{}
	newPublisher := func() *Bluesky {
		b, err := NewBluesky(BlueskyConfig{Service: srv.URL, Identifier: srv.Handle, AppPassword: NewSecret(app.Password), Client: &http.Client{Transport: rec}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	card := writePNG(t, t.TempDir(), "card.png", 16, 9)
	p := Post{
		ID:     "migrants-day-2026-20261218T0900Z-bluesky-es",
		Lang:   "es",
		At:     time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC),
		Text:   "Día Internacional del Migrante 🌍 #MigrantsDay #DíaDelMigrante con @" + srv.Handle + ".",
		Link:   "https://www.un.org/es/observances/migrants-day",
		Images: []Image{{Path: card, Alt: "Dos manos sostienen un barco de papel"}},
	}
	wantText := p.Text + "\n\n" + p.Link

	b := newPublisher()
	res, err := b.Publish(ctx, p)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	rkey := BlueskyRecordKey(p)
	if want := "at://" + srv.DID + "/app.bsky.feed.post/" + rkey; res.RemoteID != want {
		t.Errorf("RemoteID = %q, want %q", res.RemoteID, want)
	}

	var got struct {
		URI   string `json:"uri"`
		Value struct {
			Text      string         `json:"text"`
			Langs     []string       `json:"langs"`
			CreatedAt string         `json:"createdAt"`
			Facets    []blueskyFacet `json:"facets"`
			Embed     struct {
				Type   string `json:"$type"`
				Images []struct {
					Alt   string `json:"alt"`
					Image struct {
						MimeType string `json:"mimeType"`
						Size     int    `json:"size"`
					} `json:"image"`
					AspectRatio blueskyAspectRatio `json:"aspectRatio"`
				} `json:"images"`
			} `json:"embed"`
		} `json:"value"`
	}
	q := url.Values{"repo": {srv.DID}, "collection": {"app.bsky.feed.post"}, "rkey": {rkey}}
	xrpcJSON(t, srv.URL, http.MethodGet, "com.atproto.repo.getRecord?"+q.Encode(), "", nil, &got)
	if got.Value.Text != wantText {
		t.Errorf("text = %q, want %q", got.Value.Text, wantText)
	}
	if strings.Join(got.Value.Langs, ",") != "es" {
		t.Errorf("langs = %v, want [es]", got.Value.Langs)
	}
	if _, err := time.Parse(time.RFC3339, got.Value.CreatedAt); err != nil {
		t.Errorf("createdAt = %q: %v", got.Value.CreatedAt, err)
	}
	// Expected facets, with byte offsets found independently of the code
	// under test.
	type facetWant struct{ sub, kind, value string }
	wants := []facetWant{
		{"#MigrantsDay", "app.bsky.richtext.facet#tag", "MigrantsDay"},
		{"#DíaDelMigrante", "app.bsky.richtext.facet#tag", "DíaDelMigrante"},
		{"@" + srv.Handle, "app.bsky.richtext.facet#mention", srv.DID},
		{p.Link, "app.bsky.richtext.facet#link", p.Link},
	}
	if len(got.Value.Facets) != len(wants) {
		t.Fatalf("facets = %+v, want %d", got.Value.Facets, len(wants))
	}
	for i, w := range wants {
		f := got.Value.Facets[i]
		start := bytes.Index([]byte(wantText), []byte(w.sub))
		if f.Index.ByteStart != start || f.Index.ByteEnd != start+len(w.sub) {
			t.Errorf("facet %d (%s): bytes [%d,%d), want [%d,%d)", i, w.sub, f.Index.ByteStart, f.Index.ByteEnd, start, start+len(w.sub))
		}
		if len(f.Features) != 1 || f.Features[0].Type != w.kind {
			t.Errorf("facet %d (%s): features %+v, want one %s", i, w.sub, f.Features, w.kind)
			continue
		}
		if v := f.Features[0].Tag + f.Features[0].URI + f.Features[0].DID; v != w.value {
			t.Errorf("facet %d (%s): value %q, want %q", i, w.sub, v, w.value)
		}
	}
	imgs := got.Value.Embed.Images
	if got.Value.Embed.Type != "app.bsky.embed.images" || len(imgs) != 1 {
		t.Fatalf("embed = %+v, want app.bsky.embed.images with one image", got.Value.Embed)
	}
	if imgs[0].Alt != p.Images[0].Alt || imgs[0].Image.MimeType != "image/png" || imgs[0].AspectRatio != (blueskyAspectRatio{16, 9}) {
		t.Errorf("image = %+v, want alt %q, image/png, aspect ratio 16:9", imgs[0], p.Images[0].Alt)
	}

	// The same post again: from the same publisher, from a new one (a
	// restart), and straight into createRecord, as if the first answer had
	// been lost (the PDS answers 500 for the key collision).
	res2, err := b.Publish(ctx, p)
	if err != nil || res2 != res {
		t.Errorf("second Publish = %+v, %v; want %+v, nil", res2, err, res)
	}
	res3, err := newPublisher().Publish(ctx, p)
	if err != nil || res3 != res {
		t.Errorf("Publish after restart = %+v, %v; want %+v, nil", res3, err, res)
	}
	sess, err := b.login(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again := blueskyRecord{Type: blueskyPostNSID, Text: wantText, CreatedAt: got.Value.CreatedAt, Langs: []string{"es"}}
	res4, err := b.create(ctx, sess, rkey, again)
	if err != nil || res4 != res {
		t.Errorf("createRecord on an existing key = %+v, %v; want %+v, nil", res4, err, res)
	}
	if got, want := rec.last("com.atproto.repo.createRecord"), 500; got != want {
		t.Errorf("PDS answered the key collision with HTTP %d, want %d", got, want)
	}
	if n := countRecords(t, srv.URL, srv.DID); n != 1 {
		t.Errorf("listRecords: %d posts, want 1", n)
	}

	// An access token the PDS refuses (it answers 400 InvalidToken or
	// ExpiredToken, not 401): the publisher refreshes and goes on.
	b.mu.Lock()
	b.session.AccessJwt = sess.AccessJwt[:len(sess.AccessJwt)-4] + "AAAA"
	b.session.expires = time.Time{}
	b.mu.Unlock()
	p2 := p
	p2.ID += "-2"
	p2.Text = "Second post #MigrantsDay"
	if _, err := b.Publish(ctx, p2); err != nil {
		t.Fatalf("Publish with a refused access token: %v", err)
	}
	if got := rec.calls(); !strings.Contains(got, "com.atproto.repo.uploadBlob 400 InvalidToken, com.atproto.server.refreshSession 200, com.atproto.repo.uploadBlob 200") {
		t.Errorf("calls: %s\nwant uploadBlob refused with 400 InvalidToken, then refreshSession, then uploadBlob again", got)
	}
	if n := countRecords(t, srv.URL, srv.DID); n != 2 {
		t.Errorf("listRecords: %d posts, want 2", n)
	}

	// What the PDS refuses, the publisher reports as permanent.
	long := p
	long.ID += "-long"
	long.Text = strings.Repeat("é", 301)
	long.Link = ""
	if _, err := b.Publish(ctx, long); !IsPermanent(err) {
		t.Errorf("301 graphemes: err = %v, want permanent", err)
	}
	bad, err := NewBluesky(BlueskyConfig{Service: srv.URL, Identifier: srv.Handle, AppPassword: NewSecret("wrong-password")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.Publish(ctx, p2)
	if !IsPermanent(err) || errorStatus(err) != http.StatusUnauthorized {
		t.Errorf("wrong app password: err = %v, want permanent HTTP 401", err)
	}
}

// recordingTransport notes each XRPC call's method, status and error name.
type recordingTransport struct {
	mu  sync.Mutex
	log []string
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	entry := strings.TrimPrefix(req.URL.Path, "/xrpc/") + " " + strconv.Itoa(resp.StatusCode)
	if resp.StatusCode >= 400 {
		b, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(b))
		entry += " " + xrpcErrorName(b)
	}
	r.mu.Lock()
	r.log = append(r.log, entry)
	r.mu.Unlock()
	return resp, nil
}

func (r *recordingTransport) calls() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.log, ", ")
}

func (r *recordingTransport) last(nsid string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.log) - 1; i >= 0; i-- {
		if name, status, ok := strings.Cut(r.log[i], " "); ok && name == nsid {
			n, _ := strconv.Atoi(strings.Fields(status)[0])
			return n
		}
	}
	return 0
}

func countRecords(t *testing.T, base, did string) int {
	t.Helper()
	var list struct {
		Records []json.RawMessage `json:"records"`
	}
	q := url.Values{"repo": {did}, "collection": {"app.bsky.feed.post"}, "limit": {"100"}}
	xrpcJSON(t, base, http.MethodGet, "com.atproto.repo.listRecords?"+q.Encode(), "", nil, &list)
	return len(list.Records)
}

// xrpcJSON calls an XRPC method for the test itself (setup and checks).
func xrpcJSON(t *testing.T, base, method, nsidAndQuery, token string, in, out any) {
	t.Helper()
	var body *bytes.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	} else {
		body = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, base+"/xrpc/"+nsidAndQuery, body)
	if err != nil {
		t.Fatal(err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw bytes.Buffer
	_, _ = raw.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: HTTP %d: %s", method, nsidAndQuery, resp.StatusCode, raw.String())
	}
	if err := json.Unmarshal(raw.Bytes(), out); err != nil {
		t.Fatalf("%s: %v", nsidAndQuery, err)
	}
}
