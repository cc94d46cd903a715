package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLintDemoIsClean(t *testing.T) {
	if code, out, errs := runCLI(t, "lint"); code != 0 {
		t.Fatalf("lint of the demo: exit %d\n%s%s", code, out, errs)
	}
}

// TestLintListsEveryPlantedProblem plants problems a person makes and
// checks each is reported with its line, in one run.
func TestLintListsEveryPlantedProblem(t *testing.T) {
	dir := t.TempDir()
	body := `name: Broken
slug: broken
title: {en: Test Day, fr: Journée}
day: 2026-12-18
week: {start: 2026-12-12, end: 2026-12-18}
timezone: Europe/London
languages: [en, fr]
theme: un-blue
cards:
  - id: q
    kind: quote
    quote: {en: "Hello 🌍 world שלום", fr: "Bonjour"}
    speaker: {en: Someone, fr: Quelqu’un}
    role: {en: Somewhere, fr: Quelque part}
  - id: long
    kind: stat
    figure: {en: "1,000,000,000,000,000,000,000,000,000,000", fr: "1"}
    label: {en: x, fr: y}
    source: {en: x, fr: y}
hashtags: ["#ittakesacommunity"]
posts:
  - id: too-long
    card: q
    at: "2026-12-14 10:00"
    channels: [x]
    text:
      en: "LONG"
      fr: "Bonjour"
  - id: too-late
    card: q
    at: "2026-12-24 10:00"
    channels: [mastodon]
    text: {en: Hi, fr: Salut}
`
	body = strings.Replace(body, "LONG", strings.Repeat("Migrants make communities stronger. ", 9), 1)
	path := writeCampaign(t, dir, body, nil)
	code, _, errs := runCLI(t, "lint", "--campaign", path)
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s", code, errs)
	}
	for _, want := range []string{
		"campaign.yaml:12: cards[0].quote.en", "no font for Hebrew script: 'ש' U+05E9",
		"campaign.yaml:17: cards[1].figure.en", "does not fit",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("lint output lacks %q:\n%s", want, errs)
		}
	}
	// a post outside campaign week does not hide the other problems
	for _, want := range []string{
		"campaign.yaml:31: posts[1].at", "outside campaign week",
		"campaign.yaml:20: hashtags[0]", "#ItTakesACommunity",
		"campaign.yaml:27: posts[0].text.en", "over the limit on x",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("lint output lacks %q:\n%s", want, errs)
		}
	}
	// problems in the campaign file itself come all at once too
	bad := strings.NewReplacer("Europe/London", "Europe/Lundon", "speaker: {en: Someone, fr: Quelqu’un}", "speaker: {en: Someone}", "kind: stat", "kind: statistic").Replace(body)
	writeCampaign(t, dir, bad, nil)
	code, _, errs = runCLI(t, "lint", "--campaign", path)
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	for _, want := range []string{"campaign.yaml:6: timezone", "campaign.yaml:13: cards[0].speaker.fr", "campaign.yaml:16: cards[1].kind"} {
		if !strings.Contains(errs, want) {
			t.Errorf("lint output lacks %q:\n%s", want, errs)
		}
	}
}

func TestInitBuildsAsItIs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	if code, _, errs := runCLI(t, "init", dir); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(filepath.Join(dir, "campaign.yaml"))
	if err != nil || !strings.Contains(string(data), "REPLACE") || !strings.Contains(string(data), "slug: my-campaign") {
		t.Fatalf("campaign.yaml lacks its placeholders: %v", err)
	}
	if code, _, errs := runCLI(t, "build", "-q", "--campaign", filepath.Join(dir, "campaign.yaml"), "-o", filepath.Join(dir, "dist"), "--preset", "og"); code != 0 {
		t.Fatalf("build of the new campaign: exit %d: %s", code, errs)
	}
	if code, _, _ := runCLI(t, "init", dir); code != 2 {
		t.Errorf("init into a non-empty folder: exit %d, want 2", code)
	}
}

// A brand kit's own font is read from the campaign's folder: lint names a
// character it lacks at the text's line, and refuses a font whose
// licence forbids embedding at the kit's line.
func TestLintBrandFont(t *testing.T) {
	font, err := os.ReadFile(filepath.Join("..", "..", "toolkit", "theme", "testdata", "fonts", "DejaVuSansMono.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	kit := "name: brand\nextends: un-blue\nfonts:\n  headline: {file: fonts/Brand.ttf}\n  body: {file: fonts/Brand.ttf}\n  accent: {file: fonts/Brand.ttf}\n"
	for _, tc := range []struct {
		name  string
		font  []byte
		quote string
		want  []string
	}{
		{"lacks a character", font, "Hello Ǻsa 🌍", []string{"campaign.yaml:12: cards[0].quote.en: card q, language en, quote: the font fonts/Brand.ttf (theme brand, role", "has no 'Ǻ' U+01FA"}},
		{"restricted", restrictedFont(t, font), "Hello", []string{"brand.yaml:4: fonts.headline: fonts/Brand.ttf: its licence forbids embedding it"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, d := range []string{"themes", "fonts"} {
				if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			body := strings.NewReplacer("THEME", "brand", "QUOTE", tc.quote).Replace(small)
			path := writeCampaign(t, dir, body, map[string][]byte{"themes/brand.yaml": []byte(kit), "fonts/Brand.ttf": tc.font})
			code, out, errs := runCLI(t, "lint", "--campaign", path)
			if code != 2 {
				t.Fatalf("exit %d, want 2\n%s%s", code, out, errs)
			}
			for _, want := range tc.want {
				if !strings.Contains(errs, want) {
					t.Errorf("lint output lacks %q:\n%s", want, errs)
				}
			}
		})
	}
}

// restrictedFont is font with the OS/2 fsType set to Restricted License
// embedding.
func restrictedFont(t *testing.T, font []byte) []byte {
	out := append([]byte(nil), font...)
	for i := 0; i < int(out[4])<<8|int(out[5]); i++ {
		rec := out[12+16*i:]
		if string(rec[:4]) == "OS/2" {
			off := int(rec[8])<<24 | int(rec[9])<<16 | int(rec[10])<<8 | int(rec[11])
			out[off+8], out[off+9] = 0, 2
			return out
		}
	}
	t.Fatal("no OS/2 table")
	return nil
}
