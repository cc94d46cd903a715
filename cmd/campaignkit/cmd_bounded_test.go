//go:build unix

package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runWithin is runCLI that fails the test instead of hanging when the
// command does not end in a minute (a named pipe opened the plain way
// would block forever).
func runWithin(t *testing.T, args ...string) (int, string) {
	t.Helper()
	type result struct {
		code int
		errs string
	}
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"campaignkit"}, args...), &out, &errb)
		done <- result{code, errb.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.errs
	case <-time.After(time.Minute):
		t.Fatalf("campaignkit %s did not end in a minute", strings.Join(args, " "))
		return 0, ""
	}
}

func photoBytes(t *testing.T, enc func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 240, 160))
	for y := 0; y < 160; y++ {
		for x := 0; x < 240; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x * y), 255})
		}
	}
	var b bytes.Buffer
	if err := enc(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngOf(t *testing.T) []byte {
	return photoBytes(t, func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) })
}

func jpegOf(t *testing.T) []byte {
	return photoBytes(t, func(b *bytes.Buffer, m image.Image) error { return jpeg.Encode(b, m, nil) })
}

// pictured is small with a logo and a story card with a photo; line 9 is
// the logo, line 20 the photo.
var pictured = strings.Replace(strings.NewReplacer("THEME", "un-blue", "QUOTE", "Hello").Replace(small), "theme: un-blue\n", "theme: un-blue\nlogo: logo.png\n", 1) + `  - id: story
    kind: story
    quote: {en: Welcome}
    name: {en: Ana}
    photo: photo.jpg
hashtags: ["#ittakesacommunity"]
`

// TestLintAndBuildRefuseDamagedImages: a JPEG cut short and a PNG whose
// pixel data is damaged, both with sound headers, are found by lint and
// build before anything is drawn, and by render when it draws the card:
// exit 2, each at its line with its field (and card); lint goes on to
// report the other problems too.
func TestLintAndBuildRefuseDamagedImages(t *testing.T) {
	dir := t.TempDir()
	jpg := jpegOf(t)
	logo := pngOf(t)
	i := bytes.Index(logo, []byte("IDAT"))
	for k := i + 40; k < i+200; k++ {
		logo[k] ^= 0xff // the chunk's checksum no longer matches
	}
	path := writeCampaign(t, dir, pictured, map[string][]byte{"logo.png": logo, "photo.jpg": jpg[:len(jpg)*2/3]})
	want := []string{
		"campaign.yaml:9: logo: image \"logo.png\": the png data is damaged or cut short",
		"campaign.yaml:20: cards[1].photo: card \"story\": image \"photo.jpg\": the jpeg data is damaged or cut short",
	}
	code, errs := runWithin(t, "lint", "--campaign", path)
	if code != 2 {
		t.Fatalf("lint: exit %d, want 2\n%s", code, errs)
	}
	for _, w := range append(want, "campaign.yaml:21: hashtags[0]") {
		if !strings.Contains(errs, w) {
			t.Errorf("lint output lacks %q:\n%s", w, errs)
		}
	}
	code, errs = runWithin(t, "build", "-q", "--campaign", path, "-o", filepath.Join(dir, "dist"), "--preset", "og")
	if code != 2 {
		t.Fatalf("build: exit %d, want 2\n%s", code, errs)
	}
	for _, w := range want {
		if !strings.Contains(errs, w) {
			t.Errorf("build output lacks %q:\n%s", w, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "dist", "test")); err == nil {
		t.Error("build wrote a bundle from a campaign with damaged images")
	}
	// render decodes only the pictures of the card it draws, and the logo
	code, errs = runWithin(t, "render", "--campaign", path, "--card", "story", "-o", filepath.Join(dir, "story.png"))
	if code != 2 {
		t.Fatalf("render: exit %d, want 2\n%s", code, errs)
	}
	for _, w := range want {
		if !strings.Contains(errs, w) {
			t.Errorf("render output lacks %q:\n%s", w, errs)
		}
	}
}

// TestRebuildDecodesChangedPictures: a rebuild does not decode again the
// pictures the last build into the same folder decoded, but a picture
// damaged since has other bytes, so it is decoded and refused at its line,
// and the bundle built before is left as it was.
func TestRebuildDecodesChangedPictures(t *testing.T) {
	dir := t.TempDir()
	jpg := jpegOf(t)
	path := writeCampaign(t, dir, pictured, map[string][]byte{"logo.png": pngOf(t), "photo.jpg": jpg})
	out := filepath.Join(dir, "dist")
	if code, errs := runWithin(t, "build", "-q", "--campaign", path, "-o", out, "--preset", "og"); code != 0 {
		t.Fatalf("first build: exit %d\n%s", code, errs)
	}
	before, err := os.ReadFile(filepath.Join(out, "test.partial", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if code, errs := runWithin(t, "build", "-q", "--campaign", path, "-o", out, "--preset", "og"); code != 0 {
		t.Fatalf("rebuild with nothing changed: exit %d\n%s", code, errs)
	}
	if err := os.WriteFile(filepath.Join(dir, "photo.jpg"), jpg[:len(jpg)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	code, errs := runWithin(t, "build", "-q", "--campaign", path, "-o", out, "--preset", "og")
	if code != 2 {
		t.Fatalf("rebuild with a damaged photo: exit %d, want 2\n%s", code, errs)
	}
	want := "campaign.yaml:20: cards[1].photo: card \"story\": image \"photo.jpg\": the jpeg data is damaged or cut short"
	if !strings.Contains(errs, want) {
		t.Errorf("rebuild output lacks %q:\n%s", want, errs)
	}
	after, err := os.ReadFile(filepath.Join(out, "test.partial", "manifest.json"))
	if err != nil || string(after) != string(before) {
		t.Errorf("the bundle built before changed (%v)", err)
	}
}

// TestBuildRefusesFilesThatAreNotImagesInTheFolder names, as the logo,
// things that are not a regular file inside the campaign's folder: lint
// and build end with exit 2 at the logo's line, in bounded time.
func TestBuildRefusesFilesThatAreNotImagesInTheFolder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string) error
		msg   string // "": the campaign builds
	}{
		{"named pipe", func(t *testing.T, dir string) error { return syscall.Mkfifo(filepath.Join(dir, "logo.png"), 0o644) }, "named pipe"},
		{"dev zero", func(t *testing.T, dir string) error { return os.Symlink("/dev/zero", filepath.Join(dir, "logo.png")) }, "leads outside the folder"},
		{"folder", func(t *testing.T, dir string) error { return os.Mkdir(filepath.Join(dir, "logo.png"), 0o755) }, "it is a folder"},
		{"link outside", func(t *testing.T, dir string) error {
			if err := os.WriteFile(filepath.Join(dir, "..", "elsewhere.png"), pngOf(t), 0o644); err != nil {
				return err
			}
			return os.Symlink("../elsewhere.png", filepath.Join(dir, "logo.png"))
		}, "leads outside the folder"},
		{"link inside", func(t *testing.T, dir string) error {
			if err := os.WriteFile(filepath.Join(dir, "real.png"), pngOf(t), 0o644); err != nil {
				return err
			}
			return os.Symlink("real.png", filepath.Join(dir, "logo.png"))
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "c")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			body := strings.Replace(pictured, `hashtags: ["#ittakesacommunity"]`, `hashtags: ["#ItTakesACommunity"]`, 1)
			path := writeCampaign(t, dir, body, map[string][]byte{"photo.jpg": jpegOf(t)})
			if err := tc.setup(t, dir); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{
				{"lint", "--campaign", path},
				{"build", "-q", "--campaign", path, "-o", filepath.Join(dir, "dist"), "--preset", "og"},
			} {
				code, errs := runWithin(t, args...)
				if tc.msg == "" {
					if code != 0 {
						t.Errorf("%s: exit %d, want 0\n%s", args[0], code, errs)
					}
					continue
				}
				if code != 2 || !strings.Contains(errs, "campaign.yaml:9: logo: cannot read image \"logo.png\": ") || !strings.Contains(errs, tc.msg) {
					t.Errorf("%s: exit %d, want 2 and campaign.yaml:9: logo: ...%s...\n%s", args[0], code, tc.msg, errs)
				}
			}
		})
	}
}

// TestLintRefusesUnreadableThemesAndSchedules: a theme file and a schedule
// file that are named pipes are reported at the campaign lines naming
// them, without waiting on them.
func TestLintRefusesUnreadableThemesAndSchedules(t *testing.T) {
	dir := t.TempDir()
	body := strings.NewReplacer("THEME", "mine", "QUOTE", "Hello").Replace(small) + "schedule: week\n"
	path := writeCampaign(t, dir, body, nil)
	if err := os.Mkdir(filepath.Join(dir, "themes"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"themes/mine.yaml", "week.yaml"} {
		if err := syscall.Mkfifo(filepath.Join(dir, p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, errs := runWithin(t, "lint", "--campaign", path)
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s", code, errs)
	}
	for _, w := range []string{
		"campaign.yaml:8: theme: theme \"mine\": cannot read mine.yaml: it is a named pipe",
		"campaign.yaml:15: schedule: cannot read schedule file \"week.yaml\": it is a named pipe",
	} {
		if !strings.Contains(errs, w) {
			t.Errorf("lint output lacks %q:\n%s", w, errs)
		}
	}
}

// TestLintRefusesAPlanOverTheLimit: a schedule slot firing every minute is
// reported at its line, not planned.
func TestLintRefusesAPlanOverTheLimit(t *testing.T) {
	dir := t.TempDir()
	body := strings.NewReplacer("THEME", "un-blue", "QUOTE", "Hello").Replace(small) + "schedule: flood.yaml\n"
	flood := "slots:\n  - id: flood\n    cron: \"* * * * *\"\n    cards: [q]\n    repeat: true\n    channels: [x, mastodon, bluesky, threads, linkedin, instagram, facebook, outbox]\n"
	path := writeCampaign(t, dir, body, map[string][]byte{"flood.yaml": []byte(flood)})
	code, errs := runWithin(t, "lint", "--campaign", path)
	if code != 2 || !strings.Contains(errs, "flood.yaml:2: slots[0]: the plan would pass 10000 posts with this slot (it fires 1440 times in campaign week and makes 11520 posts)") {
		t.Errorf("exit %d, want 2 and flood.yaml:2: slots[0]: the plan would pass 10000 posts...\n%s", code, errs)
	}
	code, errs = runWithin(t, "lint", "--campaign", writeCampaign(t, dir, body+"limits: {posts: 12000}\n", nil))
	if strings.Contains(errs, "the plan would pass") {
		t.Errorf("with limits.posts 12000: exit %d\n%s", code, errs)
	}
}
