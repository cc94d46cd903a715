package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	pngenc "image/png"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/queue/queuetest"
)

// liveCampaign is a campaign whose week ends on day, 30 days from now, so
// that nothing in it is due while a test runs. Its hello post says hello
// at helloAt on the day before; bye, when there, goes out on the day.
func liveCampaign(day time.Time, hello, helloAt string, bye bool) string {
	d := func(t time.Time) string { return t.Format(time.DateOnly) }
	s := fmt.Sprintf(`name: Live Edits
slug: live-edits
title: {en: Live Edits}
day: %s
week: {start: %s, end: %s}
timezone: Europe/London
languages: [en]
theme: local
cards:
  - id: tag
    kind: hashtag
    tag: "#LiveEdits"
posts:
  - id: hello
    card: tag
    at: "%s"
    channels: [outbox]
    text: {en: %q}
`, d(day), d(day.AddDate(0, 0, -6)), d(day), helloAt, hello)
	if bye {
		s += fmt.Sprintf(`  - id: bye
    card: tag
    at: "%s 10:00"
    channels: [outbox]
    text: {en: "Bye"}
`, d(day))
	}
	return s
}

// lineOf is the 1-based line of s on which sub first appears.
func lineOf(t *testing.T, s, sub string) int {
	t.Helper()
	i := strings.Index(s, sub)
	if i < 0 {
		t.Fatalf("%q is not in\n%s", sub, s)
	}
	return strings.Count(s[:i], "\n") + 1
}

// localTheme makes dir/themes and returns the built-in un-blue theme
// renamed local, for the test to edit and write there.
func localTheme(t *testing.T, dir string) string {
	t.Helper()
	if err := os.Mkdir(filepath.Join(dir, "themes"), 0o755); err != nil {
		t.Fatal(err)
	}
	builtin, err := fs.ReadFile(assets.Themes, "un-blue.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Replace(string(builtin), "name: un-blue", "name: local", 1)
}

// TestLiveEdits edits a campaign's files under a running `campaignkit run`:
// a sound edit reaches the queue (text updated in place, a dropped post
// cancelled) with a one-line summary; an edit that does not lint (a post
// moved outside campaign week, broken YAML, a theme out of range) is
// refused with its problems at file:line and the queue keeps the old
// post; and an edit after those is applied again.
func TestLiveEdits(t *testing.T) {
	dir := t.TempDir()
	theme := localTheme(t, dir)
	themePath := filepath.Join(dir, "themes", "local.yaml")
	writeFile := func(path, data string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(themePath, theme)
	day := time.Now().AddDate(0, 0, 30)
	helloAt := day.AddDate(0, 0, -1).Format(time.DateOnly) + " 09:00"
	path := writeCampaign(t, dir, liveCampaign(day, "Hello, first", helloAt, true), nil)
	state := filepath.Join(dir, "state")

	cmd := startCommand(t, nil, "run", "-c", path, "--state", state)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	has := func(sub string) func(string) bool { return func(l string) bool { return strings.Contains(l, sub) } }
	cmd.log.waitFor(t, ctx, "saying the runner started", has("runner started"))
	store, err := queue.OpenSQLite(ctx, filepath.Join(state, queue.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	// queued is the queue by campaign post id.
	queued := func() map[string]queue.Post {
		t.Helper()
		return queuetest.ByPostID(t, store, queue.Filter{Source: "live-edits"})
	}
	// eventually polls the queue until ok holds, within a few seconds: the
	// edit goes through a real file watcher.
	eventually := func(what string, ok func(map[string]queue.Post) bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			q := queued()
			if ok(q) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 10s; queue %+v\nlog:\n%s", what, q, cmd.log)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if q := queued(); len(q) != 2 || !strings.Contains(q["hello"].Text, "Hello, first") {
		t.Fatalf("first plan: %+v", q)
	}
	first := queued()["hello"]

	// a sound edit: hello reworded, bye dropped
	writeFile(path, liveCampaign(day, "Hello, edited", helloAt, false))
	eventually("the edit in the queue", func(q map[string]queue.Post) bool {
		return strings.Contains(q["hello"].Text, "Hello, edited") && q["bye"].State == queue.Cancelled
	})
	if q := queued(); q["hello"].ID != first.ID || q["hello"].State != queue.Planned || !q["hello"].At.Equal(first.At) {
		t.Errorf("hello after the edit: %+v, want the same post, planned at the same time", q["hello"])
	}
	if r := queued()["bye"].Reason; !strings.Contains(r, "no longer in the plan") {
		t.Errorf("bye's reason: got %q, want it to say the plan changed", r)
	}
	cmd.log.waitFor(t, ctx, "summing up the edit", has("campaign edited: 1 post updated, 1 cancelled, 0 added"))

	// refused edits: each logs its problems at file:line, and hello stays
	// queued as it was
	refused := func(what, file, data string, match func(string) bool) {
		t.Helper()
		writeFile(file, data)
		cmd.log.waitFor(t, ctx, "refusing "+what, match)
		if h := queued()["hello"]; !strings.Contains(h.Text, "Hello, edited") || h.State != queue.Planned || !h.At.Equal(first.At) {
			t.Errorf("%s: hello is now %s at %s with %q; want the old post kept", what, h.State, h.At, h.Text)
		}
	}
	refused("a theme out of range", themePath, strings.Replace(theme, "margin: 0.06", "margin: 7", 1),
		has(fmt.Sprintf("refused: %s:%d: margin:", themePath, lineOf(t, theme, "margin: 0.06"))))
	writeFile(themePath, theme)
	cmd.log.waitFor(t, ctx, "taking the theme back", has("campaign edited: 0 posts updated, 0 cancelled, 0 added"))
	outside := day.AddDate(0, 0, 5).Format(time.DateOnly) + " 09:00"
	moved := liveCampaign(day, "Hello, moved away", outside, false)
	refused("a post outside campaign week", path, moved,
		has(fmt.Sprintf("refused: %s:%d: posts[0].at: %s is outside campaign week", path, lineOf(t, moved, "at: \""+outside), outside)))
	broken := strings.Replace(liveCampaign(day, "Hello, broken", helloAt, false), "channels: [outbox]", "channels: [outbox", 1)
	// the YAML parser places the error near, not always on, the line
	atLine := regexp.MustCompile(`refused: ` + regexp.QuoteMeta(path) + `:[0-9]+: malformed YAML`)
	refused("broken YAML", path, broken, atLine.MatchString)

	// the old plan ran on through the refusals; a sound edit goes through
	writeFile(path, liveCampaign(day, "Hello, at last", helloAt, true))
	eventually("the edit after the refused ones", func(q map[string]queue.Post) bool {
		return strings.Contains(q["hello"].Text, "Hello, at last") && q["bye"].State == queue.Planned
	})
	cmd.stop(t, 30*time.Second)
}

// TestLiveEditsServe: `serve --run` re-plans an edited campaign as `run`
// does.
func TestLiveEditsServe(t *testing.T) {
	dir := t.TempDir()
	day := time.Now().AddDate(0, 0, 30)
	helloAt := day.AddDate(0, 0, -1).Format(time.DateOnly) + " 09:00"
	src := strings.Replace(liveCampaign(day, "Hello, first", helloAt, true), "theme: local", "theme: un-blue", 1)
	path := writeCampaign(t, dir, src, nil)
	state := filepath.Join(dir, "state")
	cmd := startCommand(t, nil, "serve", "--run", "-c", path, "--state", state, "--addr", "127.0.0.1:0")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd.log.waitFor(t, ctx, "saying the runner started", func(l string) bool { return strings.Contains(l, "runner started") })
	if err := os.WriteFile(path, []byte(strings.Replace(src, "Hello, first", "Hello, served", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd.log.waitFor(t, ctx, "summing up the edit", func(l string) bool {
		return strings.Contains(l, "campaign edited: 1 post updated, 0 cancelled, 0 added")
	})
	store, err := queue.OpenSQLite(ctx, filepath.Join(state, queue.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	all, err := store.List(ctx, queue.Filter{Source: "live-edits"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range all {
		if p.PostID == "hello" && !strings.Contains(p.Text, "Hello, served") {
			t.Errorf("hello: got %q, want the edited text", p.Text)
		}
	}
	cmd.stop(t, 30*time.Second)
}

// The files watched are those that make up the campaign: the file itself,
// its schedule and theme (there or not yet there), the theme's background
// image, and the images it names.
func TestLiveWatchedFiles(t *testing.T) {
	dir := t.TempDir()
	var png bytes.Buffer
	if err := pngenc.Encode(&png, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	theme := localTheme(t, dir)
	theme = regexp.MustCompile(`(?m)^background: .*$`).ReplaceAllString(theme, `background: {kind: image, image: bg.png, overlay: "#0B3D91", opacity: 0.5}`)
	day := time.Now().AddDate(0, 0, 30)
	src := strings.Replace(liveCampaign(day, "Hello", day.Format(time.DateOnly)+" 09:00", false), "theme: local\n", "theme: local\nlogo: logo.png\nschedule: daily\n", 1)
	path := writeCampaign(t, dir, src, map[string][]byte{"logo.png": png.Bytes(), "themes/local.yaml": []byte(theme), "themes/bg.png": png.Bytes()})
	lc, err := loadCampaign(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{path, filepath.Join(dir, "daily.yaml"), filepath.Join(dir, "logo.png"),
		filepath.Join(dir, "themes", "bg.png"), filepath.Join(dir, "themes", "local.yaml")}
	slices.Sort(want)
	if got := watchedFiles(lc); !slices.Equal(got, want) {
		t.Errorf("watched:\ngot  %q\nwant %q", got, want)
	}
	if demo, err := loadCampaign(""); err != nil || watchedFiles(demo) != nil {
		t.Errorf("the embedded demo: %v, %v; want nothing watched", watchedFiles(demo), err)
	}
}
