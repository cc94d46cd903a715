package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

// testServer is a Server on a loopback httptest server.
type testServer struct {
	*Server
	url   string
	http  *httptest.Server
	clock *toolkittest.Clock
	store *fakeStore
}

func demoOptions(t testing.TB) Options {
	t.Helper()
	c, err := campaign.Load(assets.Demo, assets.DemoFile)
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		Campaign: c, CampaignFS: assets.Demo,
		Themes: func(name string) (*theme.Theme, fs.FS, error) {
			th, err := theme.Load(assets.Themes, name)
			return th, assets.Themes, err
		},
	}
}

func newTestServer(t testing.TB, mod func(*Options)) *testServer {
	t.Helper()
	o := demoOptions(t)
	clk := toolkittest.NewClock(time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC))
	o.Now = clk.Now
	st := newFakeStore()
	o.Store = st
	if mod != nil {
		mod(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() {
		hs.Close()
		s.Close()
	})
	return &testServer{Server: s, url: hs.URL, http: hs, clock: clk, store: st}
}

// client never follows redirects and never asks for gzip on its own, so
// tests see exactly what the server sent.
func (ts *testServer) client() *http.Client {
	return &http.Client{
		Transport:     &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (ts *testServer) do(t testing.TB, req *http.Request) response {
	t.Helper()
	res, err := ts.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, b}
}

func (ts *testServer) get(t testing.TB, path string, hdr ...string) response {
	t.Helper()
	req, err := http.NewRequest("GET", ts.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return ts.do(t, req)
}

// upload posts a co-brand form with a logo file and a name.
func (ts *testServer) upload(t testing.TB, file []byte, name string) response {
	t.Helper()
	body, ctype := multipartBody(t, file, name)
	req, err := http.NewRequest("POST", ts.url+"/cobrand", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	return ts.do(t, req)
}

func multipartBody(t testing.TB, file []byte, name string) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("name", name)
	if file != nil {
		fw, err := mw.CreateFormFile("logo", "logo.png")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// solidPNG is a w x h PNG of one colour.
func solidPNG(t testing.TB, w, h int, c color.Color) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t testing.TB, page []byte) string {
	t.Helper()
	m := csrfRe.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field in page:\n%s", page)
	}
	return string(m[1])
}

// fakeStore is an in-memory Store recording what the dashboard asked.
type fakeStore struct {
	mu        sync.Mutex
	snap      Snapshot
	called    []string
	signedOut map[string]time.Time
	signErr   error // what SignOut and SignedOut answer, when set
}

var _ Store = (*fakeStore)(nil)

func newFakeStore() *fakeStore {
	at := time.Date(2026, 12, 18, 8, 0, 0, 0, time.UTC)
	return &fakeStore{snap: Snapshot{Posts: []queue.Post{
		{ID: "p-planned", Channel: "mastodon", Lang: "en", Card: "quote-guterres", At: at, Due: at, Local: "2026-12-18 09:00", Zone: "Europe/Zurich", State: queue.Planned},
		{ID: "p-failed", Channel: "bluesky", Lang: "fr", Card: "quote-guterres", At: at.Add(-24 * time.Hour), Local: "2026-12-17 09:00", Zone: "Europe/Zurich", State: queue.Failed, Attempts: 5, LastError: "bluesky: 401 invalid credentials"},
		{ID: "p-done", Channel: "mastodon", Lang: "ar", Card: "quote-guterres", At: at.Add(-48 * time.Hour), Local: "2026-12-16 09:00", Zone: "Europe/Zurich", State: queue.Published, Attempts: 1, URL: "https://mastodon.example/@iom/1"},
		{ID: "p-outbox", Channel: "outbox", Lang: "en", Card: "quote-guterres", At: at.Add(-48 * time.Hour), Local: "2026-12-16 09:00", Zone: "Europe/Zurich", State: queue.Published, Attempts: 1, URL: "file:///srv/state/outbox/p-outbox"},
	}}}
}

func (f *fakeStore) List(context.Context) (Snapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.snap
	s.Posts = append([]queue.Post(nil), s.Posts...)
	return s, nil
}

func (f *fakeStore) set(id string, state queue.State) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.snap.Posts {
		if f.snap.Posts[i].ID == id {
			f.snap.Posts[i].State = state
			f.called = append(f.called, string(state)+" "+id)
			return nil
		}
	}
	return ErrNotFound
}

func (f *fakeStore) Cancel(_ context.Context, id string) error { return f.set(id, queue.Cancelled) }
func (f *fakeStore) Retry(_ context.Context, id string) error  { return f.set(id, queue.Planned) }
func (f *fakeStore) Pause(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snap.Paused = true
	f.called = append(f.called, "pause")
	return nil
}
func (f *fakeStore) Resume(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snap.Paused = false
	f.called = append(f.called, "resume")
	return nil
}

func (f *fakeStore) SignOut(_ context.Context, id string, until time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.signErr != nil {
		return f.signErr
	}
	if f.signedOut == nil {
		f.signedOut = map[string]time.Time{}
	}
	f.signedOut[id] = until
	return nil
}

func (f *fakeStore) SignedOut(_ context.Context, id string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.signedOut[id]
	return ok, f.signErr
}

func (f *fakeStore) calls() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.called, ",")
}

func mustRequest(t testing.TB, method, url, body string, hdr ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return req
}

func mustDecode(t testing.TB, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}
