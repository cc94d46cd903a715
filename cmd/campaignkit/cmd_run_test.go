package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/runner"
)

// crashCampaign is a one-card campaign for the tests that run `run`: the
// crash tests, the alert tests and the runner's PostgreSQL store.
const crashCampaign = `name: Crash Test
slug: crash-test
title: {en: Crash Test}
day: 2026-12-18
week: {start: 2026-12-12, end: 2026-12-18}
timezone: Europe/London
languages: [en]
cards:
  - id: tag
    kind: hashtag
    tag: "#CrashTest"
`

// TestRunSurvivesKills runs `campaignkit run` as a subprocess with 50 posts
// due over the next seconds, half to the outbox and half to a signed
// webhook on loopback that fails some deliveries, SIGKILLs it 20 times at
// random moments, restarting it at once each time, and checks that in the
// end the outbox and the webhook receiver have every post exactly once, the
// queue says each was published, and that they went out on time: with the
// default 30 s lease, a restarted runner takes back its dead predecessor's
// posts at once, so the 99th percentile of lateness stays within 5 s.
func TestRunSurvivesKills(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs for about 20 seconds")
	}
	killTest{runners: 1, posts: 50, every: 350 * time.Millisecond, kills: 20, pause: [2]int{200, 1300},
		imageSide: 1024, maxP99: 5 * time.Second}.run(t)
}

// killTest is a crash test: posts fall due, half to the outbox and half to
// a signed webhook that fails some first deliveries, while runners of one
// campaign are SIGKILLed at random and each restarted at once.
type killTest struct {
	store     string // --store URL; "" for queue.db in the state folder
	runners   int    // processes running at once
	posts     int
	every     time.Duration // between the times of two posts
	kills     int
	pause     [2]int        // ms between two kills: at least pause[0], plus up to pause[1]
	imageSide int           // px of each post's square image of noise
	maxP99    time.Duration // bound on the 99th percentile of lateness
}

// run builds the binary once, runs the runners, and checks that every post
// was published exactly once: in the queue (one attempt recorded as
// published), in the outbox, and at the webhook receiver, which acts once
// per Idempotency-Key as the webhook contract asks. All runners share one
// state folder, as processes of one machine do, so one outbox: the outbox
// is a folder of a machine, and its publish is idempotent only within it.
func (k killTest) run(t *testing.T) {
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	path := writeCampaign(t, dir, crashCampaign, nil)
	state := filepath.Join(dir, "state")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store := openTestStore(t, k.store, state)
	// A large image of noise, which does not compress, makes each publish
	// take a while (copy and sync), so that kills land in the middle of
	// publishes too.
	img := writeTestPNG(t, filepath.Join(dir, "big.png"), k.imageSide, k.imageSide)
	secret := "crash-test-secret"
	var mu sync.Mutex
	acted, faults := map[string]int{}, map[string]int{}
	deliveries, again := 0, 0
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := publish.VerifyWebhook([]byte(secret), r.Header.Get(publish.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var pl publish.WebhookPayload
		if err := json.Unmarshal(body, &pl); err != nil || pl.ID != r.Header.Get("Idempotency-Key") {
			http.Error(w, "payload id and Idempotency-Key differ", http.StatusBadRequest)
			return
		}
		mu.Lock()
		deliveries++
		switch {
		case acted[pl.ID] > 0:
			// delivered again (its runner died before recording the
			// first): answered as before, not acted on twice
			again++
		case faults[pl.ID] == 0 && (strings.HasSuffix(pl.ID, "0") || strings.HasSuffix(pl.ID, "5")):
			// some posts' first delivery fails, as a flaky network would
			faults[pl.ID]++
			mu.Unlock()
			http.Error(w, "try again", http.StatusBadGateway)
			return
		default:
			acted[pl.ID]++
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id": %q}`, "hook-"+pl.ID)
	}))
	defer hook.Close()

	start := time.Now().Add(time.Second).Truncate(time.Second)
	var posts []queue.Post
	for i := range k.posts {
		channel := []string{"outbox", "webhook"}[i%2]
		p, err := runner.AdHoc(runner.AdHocPost{At: start.Add(time.Duration(i) * k.every), Channel: channel, Lang: "en", Text: fmt.Sprintf("post %d of the crash test", i),
			Images: []publish.Image{{Path: img, Alt: "a large grey rectangle"}}})
		if err != nil {
			t.Fatal(err)
		}
		posts = append(posts, p)
	}
	if _, err := store.Enqueue(ctx, time.Now(), posts); err != nil {
		t.Fatal(err)
	}

	env := append(runnerEnv(), "CAMPAIGNKIT_WEBHOOK_URL="+hook.URL, "CAMPAIGNKIT_WEBHOOK_SECRET="+secret)
	args := []string{"run", "-c", path, "--state", state, "--log-format", "json"}
	if k.store != "" {
		args = append(args, "--store", k.store)
	}
	rs := startRunners(t, bin, dir, k.runners, args, env)
	rs.killAtRandom(t, k.kills, k.pause)
	waitSettled(t, store, k.posts, 30*time.Second)
	rs.stop(t)

	q := checkQueue(t, store)
	entries, err := os.ReadDir(filepath.Join(state, "outbox"))
	if err != nil {
		t.Fatal(err)
	}
	var folders []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(state, "outbox", e.Name(), "post.json"))
		if err != nil {
			t.Errorf("outbox %s: %v", e.Name(), err)
			continue
		}
		var pj struct{ ID, Text string }
		if err := json.Unmarshal(data, &pj); err != nil || pj.ID != e.Name() {
			t.Errorf("outbox %s: post.json id %q, %v", e.Name(), pj.ID, err)
		}
		folders = append(folders, e.Name())
	}
	var want, wantHook []string
	for _, p := range posts {
		if p.Channel == "outbox" {
			want = append(want, p.ID)
		} else {
			wantHook = append(wantHook, p.ID)
		}
	}
	slices.Sort(want)
	slices.Sort(folders)
	if !slices.Equal(folders, want) {
		t.Errorf("outbox: got %d posts, want %d\ngot  %v\nwant %v", len(folders), len(want), folders, want)
	}
	mu.Lock()
	defer mu.Unlock()
	got := toolkit.SortedKeys(acted)
	slices.Sort(wantHook)
	if !slices.Equal(got, wantHook) {
		t.Errorf("webhook: got %d posts, want %d\ngot  %v\nwant %v", len(got), len(wantHook), got, wantHook)
	}
	for id, n := range acted {
		if n != 1 {
			t.Errorf("webhook: post %s acted on %d times, want once", id, n)
		}
	}
	late := q.lateness()
	if len(late) == 0 {
		t.Fatal("nothing was published")
	}
	p50, p99 := percentile(late, 50), percentile(late, 99)
	t.Logf("%d runners, %d published by %d processes: %d outbox and %d webhook posts through %d kills (per runner %v); %d webhook deliveries, %d failed on purpose, %d delivered again and answered without acting; %d attempts were interrupted and taken back; lateness p50 %s, p99 %s, max %s",
		k.runners, len(late), q.owners, len(folders), len(got), k.kills, rs.killed, deliveries, len(faults), again, q.interrupted,
		p50.Round(time.Millisecond), p99.Round(time.Millisecond), late[len(late)-1].Round(time.Millisecond))
	if p99 > k.maxP99 {
		t.Errorf("p99 lateness %s through the kills, want at most %s", p99, k.maxP99)
	}
}

// buildBinary builds campaignkit into dir, once per test.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "campaignkit")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runnerEnv is the test's environment without any CAMPAIGNKIT_ variable,
// for runners to which the test then adds its own.
func runnerEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CAMPAIGNKIT_") {
			env = append(env, kv)
		}
	}
	return env
}

// runners are `campaignkit run` processes of one campaign, each slot
// restarted at once whenever the test kills it. Each slot logs into a
// file of its own in the test's folder, across its restarts.
type runners struct {
	bin    string
	args   []string
	env    []string
	logs   []*os.File
	cmds   []*exec.Cmd
	before []int // "runner started" lines before the slot's last launch
	killed []int // kills per slot
}

// startRunners starts n runners of bin with args and env; they are killed
// when the test ends, whatever happened.
func startRunners(t *testing.T, bin, dir string, n int, args, env []string) *runners {
	t.Helper()
	rs := &runners{bin: bin, args: args, env: env, logs: make([]*os.File, n), cmds: make([]*exec.Cmd, n), before: make([]int, n), killed: make([]int, n)}
	for i := range rs.logs {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("run-%d.log", i)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		rs.logs[i] = f
	}
	t.Cleanup(func() { // a failed test leaves no runner behind
		for _, cmd := range rs.cmds {
			if cmd != nil && cmd.ProcessState == nil {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
			}
		}
	})
	t.Cleanup(func() { // what the runners said last, to tell why a test failed
		if !t.Failed() {
			return
		}
		for _, f := range rs.logs {
			data, _ := os.ReadFile(f.Name())
			lines := strings.Split(strings.TrimSpace(string(data)), "\n")
			t.Logf("the last lines of %s:\n%s", filepath.Base(f.Name()), strings.Join(lines[max(0, len(lines)-40):], "\n"))
		}
	})
	for i := range rs.cmds {
		rs.launch(t, i)
	}
	return rs
}

func (rs *runners) startedLines(i int) int {
	data, _ := os.ReadFile(rs.logs[i].Name())
	return strings.Count(string(data), `"msg":"runner started"`)
}

func (rs *runners) launch(t *testing.T, i int) {
	t.Helper()
	rs.before[i] = rs.startedLines(i)
	cmd := exec.Command(rs.bin, rs.args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = rs.env, rs.logs[i], rs.logs[i]
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	rs.cmds[i] = cmd
}

// killAtRandom SIGKILLs a runner picked at random kills times, pausing
// between two kills at least pause[0] ms plus up to pause[1] ms, and
// restarts each at once. The seed is logged.
func (rs *runners) killAtRandom(t *testing.T, kills int, pause [2]int) {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 7))
	t.Logf("seed %d", seed)
	for range kills {
		time.Sleep(time.Duration(pause[0]+rng.IntN(pause[1])) * time.Millisecond)
		i := rng.IntN(len(rs.cmds))
		_ = rs.cmds[i].Process.Signal(syscall.SIGKILL)
		_ = rs.cmds[i].Wait()
		rs.killed[i]++
		rs.launch(t, i)
	}
}

// stop interrupts every runner and checks each exits 130. SIGINT is only
// an orderly stop once a runner has set up its signal handling, so it
// first waits for each to say it started.
func (rs *runners) stop(t *testing.T) {
	t.Helper()
	for started := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		all := true
		for i := range rs.cmds {
			all = all && rs.startedLines(i) > rs.before[i]
		}
		if all {
			break
		}
		if time.Since(started) > 30*time.Second {
			t.Fatal("the last runners did not start")
		}
	}
	for _, cmd := range rs.cmds {
		_ = cmd.Process.Signal(syscall.SIGINT)
	}
	for i, cmd := range rs.cmds {
		err := cmd.Wait()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 130 {
			t.Errorf("runner %d after SIGINT: got %v, want exit 130", i, err)
		}
	}
}

// waitSettled polls the store until its n posts are settled (published,
// or failed for good, missed or cancelled: none waiting or claimed), or
// until the deadline passes; the checks that follow say what is wrong.
func waitSettled(t *testing.T, store queue.Store, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		all, err := store.List(context.Background(), queue.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		settled := 0
		for _, p := range all {
			if !p.Waiting() && p.State != queue.Claimed {
				settled++
			}
		}
		if settled == n || time.Now().After(deadline) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// queueFigures is what checkQueue found.
type queueFigures struct {
	posts       []queue.Post // every post, as the queue has it at the end
	owners      int          // processes that published at least one post
	interrupted int          // attempts cut short by a kill and taken back
}

// checkQueue checks that the queue says every post is published, with
// exactly one attempt recorded as published.
func checkQueue(t *testing.T, store queue.Store) queueFigures {
	t.Helper()
	ctx := context.Background()
	all, err := store.List(ctx, queue.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	q := queueFigures{posts: all}
	owners := map[string]bool{}
	for _, p := range all {
		if p.State != queue.Published {
			t.Errorf("post %s (%s, %s): %s (%s%s)", p.ID, p.Channel, p.Lang, p.State, p.Reason, p.LastError)
		}
		_, attempts, err := store.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		published := 0
		for _, a := range attempts {
			switch a.Outcome {
			case "published":
				published++
				owners[a.Owner] = true
			case "interrupted":
				q.interrupted++
			}
		}
		if p.State == queue.Published && published != 1 {
			t.Errorf("post %s (%s): %d attempts recorded as published, want 1", p.ID, p.Channel, published)
		}
	}
	q.owners = len(owners)
	return q
}

// lateness returns how long after its planned time each published post
// was recorded published, shortest first.
func (q queueFigures) lateness() []time.Duration {
	var late []time.Duration
	for _, p := range q.posts {
		if p.State == queue.Published {
			late = append(late, p.Updated.Sub(p.At))
		}
	}
	slices.Sort(late)
	return late
}

// percentile returns the pth percentile of sorted durations (nearest
// rank), 0 for none.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[(len(sorted)*p+99)/100-1]
}

// A card post carries the card drawn in its channel's preset, with alt text
// in the post's language; drawing it twice reuses the file.
func TestCardImages(t *testing.T) {
	lc, err := loadCampaign("")
	if err != nil {
		t.Fatal(err)
	}
	images := cardImages(lc, t.TempDir())
	for _, tt := range []struct {
		channel string
		w, h    int
	}{{"mastodon", 1600, 900}, {"bluesky", 1200, 675}, {"outbox", 1080, 1080}} {
		got, err := images(context.Background(), "countdown-3", "ar", tt.channel)
		if err != nil {
			t.Fatalf("%s: %v", tt.channel, err)
		}
		if len(got) != 1 || !strings.Contains(got[0].Alt, "3") {
			t.Fatalf("%s: images %+v, want one with Arabic alt text naming the 3 days", tt.channel, got)
		}
		f, err := os.Open(got[0].Path)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != tt.w || cfg.Height != tt.h {
			t.Errorf("%s: %dx%d (%v), want %dx%d", tt.channel, cfg.Width, cfg.Height, err, tt.w, tt.h)
		}
		again, err := images(context.Background(), "countdown-3", "ar", tt.channel)
		if err != nil || again[0].Path != got[0].Path {
			t.Errorf("%s: second call gave %v (%v), want the same file", tt.channel, again, err)
		}
	}
	if _, err := images(context.Background(), "no-such-card", "en", "x"); err == nil {
		t.Error("an unknown card gave no error")
	}
}
