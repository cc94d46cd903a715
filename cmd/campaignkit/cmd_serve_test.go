package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit/queue"
)

// TestServe runs the real command on a free loopback port with a queue in
// its state folder, uses the page and the dashboard, and stops it.
func TestServe(t *testing.T) {
	state := t.TempDir()
	ctx := context.Background()
	st, err := queue.OpenSQLite(ctx, filepath.Join(state, queue.FileName))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 18, 8, 0, 0, 0, time.UTC)
	if _, err := st.Enqueue(ctx, at.Add(-time.Hour), []queue.Post{{
		ID: "post-one", Source: "migrants-day-2026", Slot: "post:one", Channel: "mastodon", Lang: "en",
		At: at, Local: "2026-12-18 09:00", Zone: "Europe/Zurich", Card: "quote-guterres", Text: "Hello",
	}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	t.Setenv(adminTokenEnv, "tok-123")

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"campaignkit", "serve", "--addr", "127.0.0.1:0", "--state", state}, pw, io.Discard)
		pw.Close()
	}()
	addr := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/`)
	lines := bufio.NewScanner(pr)
	var base string
	for lines.Scan() {
		if m := addr.FindStringSubmatch(lines.Text()); m != nil {
			base = "http://" + m[1]
			break
		}
	}
	if base == "" {
		t.Fatalf("serve did not say where it listens")
	}
	go io.Copy(io.Discard, pr)

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cases := []struct {
		name, method, path, auth string
		want                     int
		inBody                   string
	}{
		{"toolkit page", "GET", "/", "", 200, "International Migrants Day"},
		{"arabic page", "GET", "/?lang=ar", "", 200, `dir="rtl"`},
		{"dashboard without token", "GET", "/admin", "", 401, "Admin token"},
		{"dashboard", "GET", "/admin", "Bearer tok-123", 200, "post-one"},
		{"cancel", "POST", "/admin/posts/post-one/cancel", "Bearer tok-123", 303, ""},
		{"cancelled", "GET", "/admin", "Bearer tok-123", 200, "cancelled"},
		{"unknown post", "POST", "/admin/posts/nothing/cancel", "Bearer tok-123", 404, ""},
		{"pause", "POST", "/admin/pause", "Bearer tok-123", 303, ""},
		{"paused", "GET", "/admin", "Bearer tok-123", 200, "Resume publishing"},
		{"resume", "POST", "/admin/resume", "Bearer tok-123", 303, ""},
		{"running", "GET", "/admin", "Bearer tok-123", 200, "Pause publishing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, base+c.path, nil)
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			res, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != c.want || !strings.Contains(string(body), c.inBody) {
				t.Errorf("status %d (want %d), body has %q: %v", res.StatusCode, c.want, c.inBody, strings.Contains(string(body), c.inBody))
			}
			if strings.Contains(string(body), "tok-123") {
				t.Error("the admin token appears in a page")
			}
		})
	}
	cancel()
	if got := <-code; got != 130 {
		t.Errorf("exit code %d after interrupt, want 130", got)
	}
}

// logLines keeps what a command writes, line by line, and lets a test
// wait for a line instead of sleeping.
type logLines struct {
	mu      sync.Mutex
	partial []byte
	lines   []string
	added   chan struct{} // closed, and replaced, when a line comes
}

func newLogLines() *logLines { return &logLines{added: make(chan struct{})} }

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.lines = append(l.lines, string(l.partial[:i]))
		l.partial = l.partial[i+1:]
		close(l.added)
		l.added = make(chan struct{})
	}
	return len(p), nil
}

// waitFor returns the first line match accepts, waiting for it until ctx
// ends.
func (l *logLines) waitFor(t *testing.T, ctx context.Context, what string, match func(string) bool) string {
	t.Helper()
	for {
		l.mu.Lock()
		for _, line := range l.lines {
			if match(line) {
				l.mu.Unlock()
				return line
			}
		}
		added := l.added
		l.mu.Unlock()
		select {
		case <-added:
		case <-ctx.Done():
			t.Fatalf("no line %s:\n%s", what, l.String())
		}
	}
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// command is a campaignkit command a test started and stops.
type command struct {
	out, log *logLines
	cancel   context.CancelFunc
	code     chan int
}

// startCommand runs args in app's image; serveClock, when not nil, is
// the clock `serve` gets instead of the wall clock.
func startCommand(t *testing.T, serveClock func() time.Time, args ...string) *command {
	t.Helper()
	c := &command{out: newLogLines(), log: newLogLines(), code: make(chan int, 1)}
	app := newApp(c.out, c.log)
	if serveClock != nil {
		for i, cmd := range app.Commands {
			if cmd.Name == "serve" {
				app.Commands[i] = newServeCommand(serveClock)
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go func() { c.code <- exitCode(app.RunContext(ctx, append([]string{"campaignkit"}, args...)), c.log) }()
	t.Cleanup(cancel)
	return c
}

// stop interrupts the command as SIGINT would and checks that it ends
// within bound with exit code 130.
func (c *command) stop(t *testing.T, bound time.Duration) {
	t.Helper()
	c.cancel()
	select {
	case code := <-c.code:
		if code != 130 {
			t.Errorf("exit code %d after interrupt, want 130; log:\n%s", code, c.log)
		}
	case <-time.After(bound):
		t.Errorf("still running %s after interrupt", bound)
	}
}

var listening = regexp.MustCompile(`serving .* on (http://127\.0\.0\.1:\d+)/`)

// baseURL waits for serve to say where it listens.
func (c *command) baseURL(t *testing.T, ctx context.Context) string {
	t.Helper()
	line := c.out.waitFor(t, ctx, "saying where serve listens", listening.MatchString)
	return listening.FindStringSubmatch(line)[1]
}

// noChannelCredentials makes every channel go to the outbox.
func noChannelCredentials(t *testing.T) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "CAMPAIGNKIT_") {
			t.Setenv(name, "")
		}
	}
}

func adminPage(t *testing.T, base, tok string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/admin", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("dashboard: status %d", res.StatusCode)
	}
	return string(body)
}

func adminPost(t *testing.T, base, tok, path string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", base+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// serveRunPost is a post the test adds to a copy of the demo: to the
// outbox, an hour before anything else in campaign week.
const serveRunPost = `
  - id: serve-run
    card: hashtag-migrantsday
    at: "2026-12-12 08:00"
    channels: [outbox]
    languages: [en]
    text:
      en: "Campaign week starts in an hour: this post checks serve --run."
`

// TestServeRun runs `serve --run` on a copy of the demo with one more
// post, to the outbox, and a clock stopped at that post's time: the
// runner in the same process plans the campaign into the queue and
// publishes the post, and the dashboard shows it published. Nothing waits
// on the wall clock but the runner's once-a-second tick.
func TestServeRun(t *testing.T) {
	dir := t.TempDir()
	err := fs.WalkDir(assets.Demo, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, p), 0o755)
		}
		data, err := fs.ReadFile(assets.Demo, p)
		if p == assets.DemoFile {
			data = append(data, serveRunPost...)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, p), data, 0o644)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	zurich, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 12, 8, 0, 0, 0, zurich)
	state := filepath.Join(dir, "state")
	noChannelCredentials(t)
	t.Setenv(adminTokenEnv, "tok-run")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	c := startCommand(t, func() time.Time { return at },
		"serve", "--run", "-c", filepath.Join(dir, assets.DemoFile), "--state", state, "--addr", "127.0.0.1:0", "--stop-timeout", "5s")
	base := c.baseURL(t, ctx)
	line := c.log.waitFor(t, ctx, "saying the outbox post was published (or failed)", func(l string) bool {
		return strings.Contains(l, "channel=outbox") && (strings.Contains(l, "msg=published") || strings.Contains(l, "level=ERROR"))
	})
	if !strings.Contains(line, "msg=published") {
		t.Fatalf("the post was not published: %s", line)
	}

	page := adminPage(t, base, "tok-run")
	row := regexp.MustCompile(`<tr data-id="[^"]+"><td><time datetime="2026-12-12T07:00:00Z" title="2026-12-12 07:00:00 UTC">08:00</time></td><td>outbox</td><td>en</td><td>hashtag-migrantsday</td><td class="state state-published" data-state="published">published <code class="where">file://[^<]+</code></td><td>1</td><td class="id">([^<]+)</td>`)
	m := row.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the dashboard does not show the outbox post published:\n%s", page)
	}
	for _, want := range []string{`<li class="state-published" data-state="published">published: <span class="n">1</span></li>`, "Publishing is running"} {
		if !strings.Contains(page, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	// the rest of the campaign is planned, later in the week
	if planned := regexp.MustCompile(`<li class="state-planned" data-state="planned">planned: <span class="n">(\d+)</span></li>`).FindStringSubmatch(page); planned == nil || planned[1] == "0" {
		t.Errorf("the dashboard shows no planned posts: the runner did not plan the campaign into the queue the server shows")
	}
	post, err := os.ReadFile(filepath.Join(state, "outbox", m[1], "post.json"))
	if err != nil || !bytes.Contains(post, []byte("this post checks serve --run")) {
		t.Errorf("outbox post %s: %v\n%s", m[1], err, post)
	}
	c.stop(t, 15*time.Second)
}

// TestServeBesideRun runs `run` and `serve` side by side on one state
// folder, each with its own connection to the queue, as two processes
// would: the dashboard shows what the runner planned, and the runner
// obeys a pause and a resume given on the dashboard.
func TestServeBesideRun(t *testing.T) {
	state := t.TempDir()
	noChannelCredentials(t)
	t.Setenv(adminTokenEnv, "tok-two")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	runner := startCommand(t, nil, "run", "--state", state, "--stop-timeout", "5s")
	runner.log.waitFor(t, ctx, "saying the runner started", func(l string) bool { return strings.Contains(l, `msg="runner started"`) })
	server := startCommand(t, nil, "serve", "--state", state, "--addr", "127.0.0.1:0")
	base := server.baseURL(t, ctx)

	page := adminPage(t, base, "tok-two")
	if !strings.Contains(page, "hashtag-community") || strings.Contains(page, "No queue yet") {
		t.Fatalf("the dashboard does not show the queue the runner planned:\n%s", page)
	}
	if got := adminPost(t, base, "tok-two", "/admin/pause"); got != 303 {
		t.Fatalf("pause: %d", got)
	}
	runner.log.waitFor(t, ctx, "saying the runner saw the pause", func(l string) bool { return strings.Contains(l, `msg="queue paused`) })
	if got := adminPost(t, base, "tok-two", "/admin/resume"); got != 303 {
		t.Fatalf("resume: %d", got)
	}
	runner.log.waitFor(t, ctx, "saying the runner saw the resume", func(l string) bool { return strings.Contains(l, `msg="queue resumed"`) })
	if page := adminPage(t, base, "tok-two"); !strings.Contains(page, "Pause publishing") {
		t.Errorf("the dashboard does not show publishing running again")
	}
	server.stop(t, 15*time.Second)
	runner.stop(t, 15*time.Second)
	for _, c := range []*command{server, runner} {
		if strings.Contains(c.log.String(), "database is locked") || strings.Contains(c.log.String(), "SQLITE_BUSY") {
			t.Errorf("the queue was locked:\n%s", c.log)
		}
	}
}

// TestServeShortSessionKey: a session key too short to sign with is
// refused before serve listens.
func TestServeShortSessionKey(t *testing.T) {
	t.Setenv(adminTokenEnv, "tok-123")
	t.Setenv(sessionKeyEnv, "short")
	var stderr strings.Builder
	code := run(context.Background(), []string{"campaignkit", "serve", "--addr", "127.0.0.1:0", "--state", t.TempDir()}, io.Discard, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), sessionKeyEnv+" is 5 characters long") {
		t.Errorf("exit %d, %q: want 2 and the key's length named", code, stderr.String())
	}
	if strings.Contains(stderr.String(), `"short"`) {
		t.Error("the key appears in the message")
	}
}
