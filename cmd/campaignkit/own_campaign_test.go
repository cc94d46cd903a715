package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestOwnCampaign walks the path a communications officer takes: init a
// three-language campaign, give it brand colours and a font of its own
// through a theme that extends a built-in one, per-language hashtags,
// emoji on the hashtag card and one language still pending; translate
// through XLIFF and PO (an untouched round trip changes not a byte, then a
// real one fills French in); lint clean; build.
func TestOwnCampaign(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "refugee-day")
	if code, _, errs := runCLI(t, "init", dir, "--name", "World Refugee Day 2027", "--languages", "en,fr,ar", "--day", "2027-06-20"); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errs)
	}
	file := filepath.Join(dir, "campaign.yaml")
	font, err := os.ReadFile(filepath.Join("..", "..", "toolkit", "theme", "testdata", "fonts", "DejaVuSansMono.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	writeAt := func(rel string, data []byte) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeAt("fonts/Brand.ttf", font)
	writeAt("themes/brand.yaml", []byte(`name: brand
extends: un-blue
palette:
  accent: "#FFCA53"
fonts:
  headline: {file: fonts/Brand.ttf, weight: bold}
`))
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	edit := strings.NewReplacer(
		"theme: un-blue", "theme: brand",
		`tag: "#WorldRefugeeDay2027"`, `tag: {en: "#WorldRefugeeDay2027", fr: "#JourneeMondialeDesRefugies", ar: "#WorldRefugeeDay2027"}`,
		`en: "One line that says why the day matters."`, `en: "Every refugee has a story 🌍🤝 and a family 👨‍👩‍👧"`,
	).Replace(string(src))
	if edit == string(src) || strings.Count(edit, "theme: brand") != 1 || !strings.Contains(edit, "🌍🤝") || !strings.Contains(edit, "pending: [fr, ar]") {
		t.Fatalf("the campaign init wrote has changed shape; update the test's edits:\n%s", src)
	}
	if err := os.WriteFile(file, []byte(edit), 0o644); err != nil {
		t.Fatal(err)
	}

	// an untouched round trip through XLIFF and PO changes not a byte
	for _, format := range []string{"xliff", "po"} {
		out := filepath.Join(t.TempDir(), "fr."+format)
		if code, _, errs := runCLI(t, "translations", "export", "--campaign", file, "--lang", "fr", "--format", format, "-o", out); code != 0 {
			t.Fatalf("export %s: exit %d: %s", format, code, errs)
		}
		if code, _, errs := runCLI(t, "translations", "import", "--campaign", file, out); code != 0 {
			t.Fatalf("import %s: exit %d: %s", format, code, errs)
		}
		if got, _ := os.ReadFile(file); !bytes.Equal(got, []byte(edit)) {
			t.Fatalf("an untouched %s round trip changed the campaign file", format)
		}
	}

	// the translator fills French in: every msgstr gets French words
	// (here "FR " and the English, which keeps every {n})
	po := filepath.Join(t.TempDir(), "fr.po")
	if code, _, errs := runCLI(t, "translations", "export", "--campaign", file, "--lang", "fr", "--format", "po", "-o", po); code != 0 {
		t.Fatalf("export po: exit %d: %s", code, errs)
	}
	data, _ := os.ReadFile(po)
	filled := fillPO(t, string(data))
	if err := os.WriteFile(po, []byte(filled), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI(t, "translations", "import", "--campaign", file, po); code != 0 || !strings.Contains(out, "fr") {
		t.Fatalf("import po: exit %d: %s%s", code, out, errs)
	}
	translated, _ := os.ReadFile(file)
	// French is done: off the pending list
	translated = bytes.Replace(translated, []byte("pending: [fr, ar]"), []byte("pending: [ar]"), 1)
	if err := os.WriteFile(file, translated, 0o644); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(translated), "FR Every refugee has a story 🌍🤝") || !strings.Contains(string(translated), "# REPLACE") {
		t.Fatalf("French texts not merged, or comments lost:\n%s", translated)
	}

	if code, out, errs := runCLI(t, "lint", "--campaign", file); code != 0 {
		t.Fatalf("lint: exit %d:\n%s%s", code, out, errs)
	}
	dist := filepath.Join(t.TempDir(), "dist")
	if code, _, errs := runCLI(t, "build", "-q", "--campaign", file, "-o", dist); code != 0 {
		t.Fatalf("build: exit %d: %s", code, errs)
	}
	root := filepath.Join(dist, "world-refugee-day-2027")
	m, _ := readManifest(t, root)
	if !slices.Equal(m.Campaign.Languages, []string{"en", "fr"}) {
		t.Errorf("built languages %v: want en and fr, ar pending", m.Campaign.Languages)
	}
	if _, err := os.Stat(filepath.Join(root, "cards", "ar")); err == nil {
		t.Error("the pending language was built")
	}
	f, err := os.Open(filepath.Join(root, "cards", "fr", "hashtag", "instagram-square.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds().Dx() != 1080 {
		t.Fatalf("the French hashtag card: %v", err)
	}
}

var msgstrRe = regexp.MustCompile(`(?m)^msgid "(.*)"\nmsgstr ""$`)

// fillPO gives every single-line message of a PO file a translation.
func fillPO(t *testing.T, po string) string {
	t.Helper()
	n := 0
	out := msgstrRe.ReplaceAllStringFunc(po, func(s string) string {
		id := msgstrRe.FindStringSubmatch(s)[1]
		if id == "" {
			return s // the header
		}
		n++
		return "msgid \"" + id + "\"\nmsgstr \"FR " + id + "\""
	})
	if n == 0 {
		t.Fatalf("no message to fill in:\n%s", po)
	}
	return out
}
