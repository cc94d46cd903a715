package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestQueueCommands(t *testing.T) {
	dir := t.TempDir()
	path := writeCampaign(t, dir, schedCampaign, nil)
	state := filepath.Join(dir, "state")
	img := writeTestPNG(t, filepath.Join(dir, "photo.png"), 32, 18)
	if code, _, errs := runCLI(t, "queue", "list", "-c", path, "--state", state); code != 2 || !strings.Contains(errs, "no queue in") {
		t.Errorf("list before any queue: exit %d, %s", code, errs)
	}
	add := []string{"queue", "add", "-c", path, "--state", state, "--at", "2026-12-15 10:30", "--channel", "mastodon", "--text", "Join us", "--image", img, "--alt", "A crowd in a square"}
	code, out, errs := runCLI(t, add...)
	if code != 0 || !strings.Contains(out, "queued for 2026-12-15T15:30:00Z (2026-12-15 10:30:00 America/New_York) on mastodon") {
		t.Fatalf("add: exit %d\n%s%s", code, out, errs)
	}
	id := strings.Fields(out)[0]
	if code, out, _ := runCLI(t, add...); code != 0 || !strings.Contains(out, "already queued") {
		t.Errorf("add twice: exit %d, %s", code, out)
	}
	if code, _, errs := runCLI(t, "queue", "add", "-c", path, "--state", state, "--at", "2026-12-15 10:30", "--channel", "mastodon", "--text", "x", "--image", img); code != 2 || !strings.Contains(errs, "--alt: image "+img+" has no alt text: say what it shows, for people who cannot see it; give one --alt per --image, in the same order") {
		t.Errorf("image without alt: exit %d, %s", code, errs)
	}
	if code, _, errs := runCLI(t, "queue", "add", "-c", path, "--state", state, "--at", "tomorrow", "--channel", "mastodon", "--text", "x"); code != 2 || !strings.Contains(errs, `--at: "tomorrow": want 2026-12-18T09:00:00Z`) {
		t.Errorf("bad time: exit %d, %s", code, errs)
	}
	if code, _, errs := runCLI(t, "queue", "add", "-c", path, "--state", state, "--at", "2026-12-15 10:30", "--channel", "myspace", "--text", "x"); code != 2 || !strings.Contains(errs, `unknown channel "myspace"`) {
		t.Errorf("bad channel: exit %d, %s", code, errs)
	}

	code, out, errs = runCLI(t, "queue", "list", "-c", path, "--state", state, "--json")
	if code != 0 {
		t.Fatalf("list: exit %d %s", code, errs)
	}
	var posts []map[string]any
	if err := json.Unmarshal([]byte(out), &posts); err != nil || len(posts) != 1 || posts[0]["state"] != "planned" {
		t.Fatalf("list --json: %v\n%s", err, out)
	}
	code, out, _ = runCLI(t, "queue", "show", "-c", path, "--state", state, id[:6])
	if code != 0 || !strings.Contains(out, "state:    planned") || !strings.Contains(out, "alt: A crowd in a square") || !strings.Contains(out, "Join us") {
		t.Errorf("show by prefix: exit %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, "queue", "cancel", "-c", path, "--state", state, id); code != 0 || !strings.Contains(out, "cancelled") {
		t.Errorf("cancel: exit %d %s", code, out)
	}
	if code, _, errs := runCLI(t, "queue", "cancel", "-c", path, "--state", state, id); code != 2 || !strings.Contains(errs, "it is cancelled") {
		t.Errorf("cancel twice: exit %d %s", code, errs)
	}
	if code, out, _ := runCLI(t, "queue", "retry", "-c", path, "--state", state, id); code != 0 || !strings.Contains(out, "due again") {
		t.Errorf("retry: exit %d %s", code, out)
	}
	code, out, _ = runCLI(t, "queue", "list", "-c", path, "--state", state, "--only", "planned")
	if code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "posts: 1 (1 planned)") {
		t.Errorf("list --only planned after retry: exit %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, "queue", "pause", "-c", path, "--state", state, "--reason", "sad news"); code != 0 || !strings.Contains(out, "queue paused since") {
		t.Errorf("pause: exit %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "queue", "resume", "-c", path, "--state", state); code != 0 || !strings.Contains(out, "queue resumed") {
		t.Errorf("resume: exit %d %s", code, out)
	}
	if code, _, errs := runCLI(t, "queue", "show", "-c", path, "--state", state, "ffffffff"); code != 2 || !strings.Contains(errs, "no such post") {
		t.Errorf("show unknown: exit %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, "queue", "list", "-c", path, "--state", state, "--only", "lost"); code != 2 || !strings.Contains(errs, `--only "lost"`) {
		t.Errorf("list --only lost: exit %d %s", code, errs)
	}
}

func TestQueueCorruptStore(t *testing.T) {
	dir := t.TempDir()
	path := writeCampaign(t, dir, schedCampaign, nil)
	state := filepath.Join(dir, "state")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	junk := []byte("SQLite format 3\x00" + strings.Repeat("\xff", 5000))
	file := filepath.Join(state, "queue.db")
	if err := os.WriteFile(file, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"queue", "list"}, {"run"}} {
		code, _, errs := runCLI(t, append(args, "-c", path, "--state", state)...)
		if code != 2 || !strings.Contains(errs, "cannot use this queue store") || !strings.Contains(errs, "left untouched") {
			t.Errorf("%v on a corrupt store: exit %d, %s", args, code, errs)
		}
	}
	if got, _ := os.ReadFile(file); string(got) != string(junk) {
		t.Error("the corrupt store was changed")
	}
}
