package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/bundle"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"campaignkit"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestFormatsAndThemes(t *testing.T) {
	code, out, _ := runCLI(t, "formats")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"instagram-square", "1080x1080", "instagram-portrait", "1080x1350", "story", "1080x1920", "1600x900", "1200x630", "1200x627", "bluesky", "1200x675", "jpg", "og"} {
		if !strings.Contains(out, want) {
			t.Errorf("formats output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "themes")
	if code != 0 || !strings.Contains(out, "un-blue") || !strings.Contains(out, "high-contrast") || !strings.Contains(out, "community") {
		t.Errorf("themes: exit %d, output %q", code, out)
	}
	if code, out, _ := runCLI(t, "--version"); code != 0 || !strings.Contains(out, version) {
		t.Errorf("--version: exit %d, %q", code, out)
	}
}

// TestBuildDemo builds part of the demo twice and checks the tree, the
// manifest's hashes and sizes, and that the bytes do not change.
func TestBuildDemo(t *testing.T) {
	dir := t.TempDir()
	args := []string{"build", "-q", "-o", dir, "--preset", "instagram-square", "--preset", "bluesky", "--lang", "en", "--lang", "ar"}
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("build: exit %d: %s", code, errs)
	}
	root := filepath.Join(dir, "migrants-day-2026"+bundle.PartialSuffix) // a partial build's folder
	m, data := readManifest(t, root)
	if len(m.Images) == 0 {
		t.Fatal("no images in the manifest")
	}
	for _, img := range m.Images {
		if strings.Contains(img.Path, "..") || filepath.IsAbs(img.Path) {
			t.Errorf("bad path %q", img.Path)
		}
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(img.Path)))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != img.SHA256 || len(b) != img.Bytes {
			t.Errorf("%s: sha256 or size differs from the manifest", img.Path)
		}
		if img.Preset == "bluesky" {
			if !strings.HasSuffix(img.Path, ".jpg") || len(b) >= 1_000_000 {
				t.Errorf("%s: bluesky must be a JPEG under 1,000,000 bytes, got %d bytes", img.Path, len(b))
			}
			continue
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width != img.Width || cfg.Height != img.Height {
			t.Errorf("%s: decodes as %dx%d (%v), manifest says %dx%d", img.Path, cfg.Width, cfg.Height, err, img.Width, img.Height)
		}
	}
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("second build: exit %d: %s", code, errs)
	}
	again, _ := os.ReadFile(filepath.Join(root, "manifest.json"))
	if !bytes.Equal(data, again) {
		t.Errorf("building twice gave a different manifest (output is not reproducible):\n%s\n---\n%s", data, again)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 { // the bundle and the build cache
		t.Errorf("leftover temporary folders in %s: %v", dir, entries)
	}
}

func writeCampaign(t *testing.T, dir, body string, files map[string][]byte) string {
	t.Helper()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, "campaign.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// readManifest reads the manifest.json of the bundle built in root, and
// returns it with its bytes.
func readManifest(t *testing.T, root string) (bundle.Manifest, []byte) {
	t.Helper()
	var m bundle.Manifest
	data, err := os.ReadFile(filepath.Join(root, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m, data
}

const small = `name: Test
slug: test
title: {en: Test Day}
day: 2026-12-18
week: {start: 2026-12-18, end: 2026-12-18}
timezone: Europe/London
languages: [en]
theme: THEME
cards:
  - id: q
    kind: quote
    quote: {en: QUOTE}
    speaker: {en: Someone}
    role: {en: Somewhere}
`

func TestBadInputExitsTwo(t *testing.T) {
	demo, _ := assets.Demo.(interface{ ReadFile(string) ([]byte, error) }).ReadFile("campaign.yaml")
	_ = demo
	huge := toolkittest.PNGHeader(10000, 5000)
	cases := []struct {
		name, body string
		files      map[string][]byte
		extra      []string
		want       []string
	}{
		{"malformed yaml", "name: [unclosed\nslug: x\n", nil, nil, []string{"campaign.yaml:", "malformed YAML"}},
		{"unknown theme", strings.NewReplacer("THEME", "neon", "QUOTE", "Hello").Replace(small), nil, nil, []string{"campaign.yaml:8", "theme", `unknown theme "neon"`, "un-blue"}},
		{"unknown key and kind", strings.NewReplacer("THEME", "un-blue", "QUOTE", "Hello", "kind: quote", "kind: poster\n    colour: red").Replace(small), nil, nil, []string{"campaign.yaml:11: cards[0].kind", "campaign.yaml:12: cards[0].colour"}},
		{"unknown preset", strings.NewReplacer("THEME", "un-blue", "QUOTE", "Hello").Replace(small), nil, []string{"--preset", "poster"}, []string{"unknown preset", "instagram-square"}},
		{"text cannot fit", strings.NewReplacer("THEME", "un-blue", "QUOTE", strings.Repeat("words that go on ", 200)).Replace(small), nil, []string{"--preset", "linkedin"}, []string{"campaign.yaml:12: cards[0].quote.en", "preset linkedin", "does not fit"}},
		{"a script no font has", strings.NewReplacer("THEME", "un-blue", "QUOTE", "Hello 🌍 שלום").Replace(small), nil, []string{"--preset", "x"}, []string{"no font for Hebrew script", "U+05E9"}},
		{"photo over 40 megapixels", strings.NewReplacer("THEME", "un-blue", "QUOTE", "Hello").Replace(small) + "    portrait: big.png\n", map[string][]byte{"big.png": huge}, nil, []string{"cards[0].portrait", "megapixel"}},
		{"photo not an image", strings.NewReplacer("THEME", "un-blue", "QUOTE", "Hello").Replace(small) + "    portrait: notes.png\n", map[string][]byte{"notes.png": []byte("just text")}, nil, []string{"cards[0].portrait", "not a PNG or JPEG"}},
		{"missing file", "", nil, nil, []string{"no such file"}},
		{"unknown flag", strings.NewReplacer("THEME", "un-blue", "QUOTE", "Hello").Replace(small), nil, []string{"--bogus"}, []string{"flag provided but not defined"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "campaign.yaml")
			if c.body != "" {
				path = writeCampaign(t, dir, c.body, c.files)
			}
			out := filepath.Join(dir, "dist")
			// a previous bundle that a failed build must leave alone
			prev := filepath.Join(out, "test", "manifest.json")
			os.MkdirAll(filepath.Dir(prev), 0o755)
			os.WriteFile(prev, []byte("previous"), 0o644)
			os.WriteFile(filepath.Join(out, "test", bundle.MarkerName), nil, 0o644)
			args := append([]string{"build", "-q", "--campaign", path, "-o", out}, c.extra...)
			code, _, errs := runCLI(t, args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr: %s", code, errs)
			}
			for _, w := range c.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
			if b, _ := os.ReadFile(prev); string(b) != "previous" {
				t.Error("the previous bundle was changed by a failed build")
			}
		})
	}
}

// TestIncrementalBuild changes one quote and checks that only that card's
// images are drawn again, and that a rebuild with no change draws nothing.
func TestIncrementalBuild(t *testing.T) {
	dir := t.TempDir()
	body := strings.NewReplacer("THEME", "un-blue", "QUOTE", "Every one of us can play a part.").Replace(small) +
		"  - id: s\n    kind: stat\n    figure: {en: \"304 million\"}\n    label: {en: international migrants}\n    source: {en: WHO}\n"
	path := writeCampaign(t, dir, body, nil)
	out := filepath.Join(dir, "dist")
	build := func() string {
		code, stdout, errs := runCLI(t, "build", "-q", "--campaign", path, "-o", out)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		return stdout
	}
	n := 2 * len(toolkit.Presets)
	if got := build(); !strings.Contains(got, fmt.Sprintf("%d rendered, 0 unchanged", n)) {
		t.Errorf("first build: %q", got)
	}
	if got := build(); !strings.Contains(got, fmt.Sprintf("0 rendered, %d unchanged", n)) {
		t.Errorf("unchanged rebuild: %q", got)
	}
	writeCampaign(t, dir, strings.Replace(body, "can play a part", "can play a big part", 1), nil)
	if got := build(); !strings.Contains(got, fmt.Sprintf("%d rendered, %d unchanged", len(toolkit.Presets), len(toolkit.Presets))) {
		t.Errorf("one quote changed: %q, want only the quote card's %d images drawn", got, len(toolkit.Presets))
	}
	// the zips reused from the last build must not hold the old quote card
	full := readZip(t, mustRead(t, filepath.Join(out, "test", "test.zip")))
	card := mustRead(t, filepath.Join(out, "test", "cards", "en", "q", "x.png"))
	if !bytes.Equal(full["test/cards/en/q/x.png"], card) {
		t.Error("after one quote changed, test.zip still holds the old card")
	}
	// a bundle file edited by hand is not trusted
	img := filepath.Join(out, "test", "cards", "en", "s", "x.png")
	b, _ := os.ReadFile(img)
	b[len(b)-20] ^= 0xff
	os.WriteFile(img, b, 0o644)
	if got := build(); !strings.Contains(got, "1 rendered") {
		t.Errorf("after a hand edit: %q, want that one image drawn again", got)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
