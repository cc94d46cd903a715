package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

// writeTestPNG writes a w×h PNG of noise, stored uncompressed, so that it
// has about 4·w·h bytes, and returns its path.
func writeTestPNG(t *testing.T, path string, w, h int) string {
	t.Helper()
	if err := os.WriteFile(path, toolkittest.RawPNG(toolkittest.Noise(w, h)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestQueueAddChecks: `queue add` refuses a post the campaign would refuse,
// with exit 2 and every problem named by its flag, and queues nothing (not
// even the queue file); --force lets a time outside campaign week through.
func TestQueueAddChecks(t *testing.T) {
	dir := t.TempDir()
	path := writeCampaign(t, dir, schedCampaign, nil)
	state := filepath.Join(dir, "state")
	huge := filepath.Join(dir, "huge.png")
	if err := os.WriteFile(huge, toolkittest.PNGHeader(100000, 100000), 0o644); err != nil {
		t.Fatal(err)
	}
	gif := filepath.Join(dir, "anim.png")
	if err := os.WriteFile(gif, []byte("GIF89a\x01\x00\x01\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	card := writeTestPNG(t, filepath.Join(dir, "card.png"), 32, 18)
	heavy := writeTestPNG(t, filepath.Join(dir, "heavy.png"), 600, 600) // about 1.4 MB
	add := func(args ...string) (int, string, string) {
		return runCLI(t, append([]string{"queue", "add", "-c", path, "--state", state}, args...)...)
	}

	code, out, errs := add("--at", "2026-12-25 10:00", "--channel", "x", "--lang", "de", "--text", strings.Repeat("a", 281),
		"--image", huge, "--alt", "a", "--image", gif, "--alt", "b", "--image", card)
	if code != 2 || out != "" {
		t.Errorf("exit %d, output %q; want 2 and nothing", code, out)
	}
	for _, want := range []string{
		"campaignkit: 6 problems:",
		"--at: 2026-12-25 10:00 (America/New_York) is outside campaign week, 2026-12-12 to 2026-12-18; --force queues it anyway",
		`--lang: language "de" is not one of the campaign's languages (en, fr)`,
		"--text: the text: caption is too long for x: 281 weighted characters",
		"--image #1: image " + huge + ": the image is 100000x100000, over the 40 megapixel limit",
		"--image #2: image " + gif + ": not a PNG or JPEG image",
		"--alt #3: image " + card + " has no alt text",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("missing %q in:\n%s", want, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(state, "queue.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused post made the queue file: %v", err)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"bluesky byte limit", []string{"--channel", "bluesky", "--image", heavy, "--alt", "noise"}, "--image: image " + heavy + " has 14"},
		{"link counted", []string{"--channel", "mastodon", "--text", strings.Repeat("a", 480), "--link", "site"}, "--text: the text with its link: caption is too long for mastodon: 505"},
		{"bad link", []string{"--channel", "mastodon", "--link", "nowhere"}, `--link: want an absolute http(s) URL or a key of the campaign's links (site), got "nowhere"`},
		{"extra alt", []string{"--channel", "mastodon", "--alt", "x"}, "--alt: 1 alt texts for 0 images: give one --alt per --image"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--at", "2026-12-15 10:30", "--text", "Join us"}, tc.args...)
			if code, _, errs := add(args...); code != 2 || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, %s\nwant exit 2 and %q", code, errs, tc.want)
			}
		})
	}

	code, out, errs = add("--at", "2026-12-25 10:00", "--channel", "outbox", "--text", strings.Repeat("a", 5000), "--image", heavy, "--alt", "noise", "--force")
	if code != 0 || !strings.Contains(out, "queued for 2026-12-25T15:00:00Z (2026-12-25 10:00:00 America/New_York) on outbox") {
		t.Errorf("--force on the outbox: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = add("--at", "2026-12-18 21:00", "--channel", "mastodon", "--lang", "fr", "--text", "Rejoignez-nous", "--link", "site")
	if code != 0 || !strings.Contains(out, "on mastodon") {
		t.Errorf("the last evening of the week: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = runCLI(t, "queue", "list", "-c", path, "--state", state, "--json")
	if code != 0 || strings.Count(out, `"id"`) != 2 || !strings.Contains(out, `"link": "https://example.org/day"`) {
		t.Errorf("the queue after two good adds: exit %d\n%s", code, out)
	}
}
