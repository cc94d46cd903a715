package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// snapshot reads every file under dir, by path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			out[p] = string(b)
		}
		return nil
	})
	return out
}

// TestBuildNeverReplacesTheCampaign is the mistake that once replaced a
// user's campaign folder with a bundle: an output folder whose <slug>
// folder is the campaign's own. Every way of getting there exits 2 and
// leaves every file as it was.
func TestBuildNeverReplacesTheCampaign(t *testing.T) {
	work := t.TempDir()
	camp := filepath.Join(work, "my-campaign")
	if code, _, errs := runCLI(t, "init", camp); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errs)
	}
	os.WriteFile(filepath.Join(camp, "notes.txt"), []byte("the user's own notes"), 0o644)
	before := snapshot(t, work)
	file := filepath.Join(camp, "campaign.yaml")
	t.Chdir(camp)
	for _, args := range [][]string{
		{"build", "-q", "--campaign", "campaign.yaml", "-o", ".."},
		{"build", "-q", "--campaign", file, "-o", work},
		{"build", "-q", "--campaign", file, "-o", filepath.Join(camp, "..", ".")},
	} {
		code, _, errs := runCLI(t, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2; stderr: %s", args, code, errs)
		}
		if !strings.Contains(errs, "-o: ") {
			t.Errorf("%v: the message does not name -o: %s", args, errs)
		}
		if after := snapshot(t, work); len(after) != len(before) {
			t.Fatalf("%v: %d files before, %d after", args, len(before), len(after))
		}
		for p, b := range before {
			if snapshot(t, work)[p] != b {
				t.Fatalf("%v: %s changed", args, p)
			}
		}
	}
	// A partial build goes to a folder of its own, <slug>.partial, beside
	// the campaign's: the campaign's files stay as they were.
	code, out, errs := runCLI(t, "build", "-q", "--campaign", "campaign.yaml", "-o", "..", "--preset", "og", "--lang", "en")
	if code != 0 || !strings.Contains(out, filepath.Join("..", "my-campaign.partial")) {
		t.Errorf("partial build: exit %d, %q %s", code, out, errs)
	}
	for p, b := range before {
		if snapshot(t, work)[p] != b {
			t.Errorf("partial build: %s changed", p)
		}
	}
}

func TestBuildOutputAndCampaignMustBeWhatTheySay(t *testing.T) {
	dir := t.TempDir()
	path := writeCampaign(t, dir, strings.NewReplacer("THEME", "un-blue", "QUOTE", "Hello").Replace(small), nil)
	file := filepath.Join(dir, "a-file")
	os.WriteFile(file, []byte("x"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"build", "-q", "--campaign", path, "-o", file, "--preset", "og"}, "-o: " + file + " is a file, not a folder"},
		{[]string{"build", "-q", "--campaign", dir}, dir + ": --campaign: is a folder: give the campaign YAML file, e.g. " + filepath.Join(dir, "campaign.yaml")},
		{[]string{"lint", "--campaign", dir}, "--campaign: is a folder"},
	}
	for _, c := range cases {
		code, _, errs := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
	if b, _ := os.ReadFile(file); string(b) != "x" {
		t.Error("the file given as -o changed")
	}
}

// TestRenderWritesTheFormatItsNameSays: the extension picks the format,
// an unknown one is refused, and nothing is left behind on an error.
func TestRenderWritesTheFormatItsNameSays(t *testing.T) {
	dir := t.TempDir()
	png, jpg := []byte("\x89PNG\r\n\x1a\n"), []byte{0xff, 0xd8, 0xff}
	cases := []struct {
		preset, out string
		magic       []byte
	}{
		{"instagram-square", "square.png", png},
		{"instagram-square", "square.jpg", jpg},
		{"bluesky", "bsky.JPEG", jpg},
		{"bluesky", "bsky.png", png},
	}
	for _, c := range cases {
		out := filepath.Join(dir, c.out)
		code, _, errs := runCLI(t, "render", "--card", "hashtag-community", "--preset", c.preset, "-o", out)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.out, code, errs)
		}
		if b, _ := os.ReadFile(out); !bytes.HasPrefix(b, c.magic) {
			t.Errorf("%s (%s): not the format its name says", c.out, c.preset)
		}
	}
	for _, bad := range []string{"card.webp", "card", "card.gif"} {
		code, _, errs := runCLI(t, "render", "--card", "hashtag-community", "-o", filepath.Join(dir, bad))
		if code != 2 || !strings.Contains(errs, ".png or .jpg") {
			t.Errorf("-o %s: exit %d, %s", bad, code, errs)
		}
	}
	// a folder in the way: an error, and no temporary file left beside it
	os.Mkdir(filepath.Join(dir, "taken.png"), 0o755)
	if code, _, _ := runCLI(t, "render", "--card", "hashtag-community", "-o", filepath.Join(dir, "taken.png")); code == 0 {
		t.Error("rendering over a folder succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
