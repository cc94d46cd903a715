package lint

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// designCampaign has one card; the tests below plant a design problem in
// it or in the theme it is drawn with.
const designCampaign = `name: Design
slug: design
title: {en: Test Day}
day: 2026-12-18
week: {start: 2026-12-12, end: 2026-12-18}
timezone: Europe/London
languages: [en]
theme: planted
logo: photo.png
cards:
CARD
`

// runPlanted lints card (YAML lines under cards:) drawn with the built-in
// theme base, its text edited by edit (old, new pairs, each of which must
// be found), and returns the problems.
func runPlanted(t *testing.T, card, base string, edit ...string) []toolkit.Problem {
	t.Helper()
	data, err := fs.ReadFile(assets.Themes, base+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(data), "name: "+base, "name: planted", 1)
	for i := 0; i+1 < len(edit); i += 2 {
		if !strings.Contains(src, edit[i]) {
			t.Fatalf("%s.yaml has no %q to edit", base, edit[i])
		}
		src = strings.ReplaceAll(src, edit[i], edit[i+1])
	}
	themes := fstest.MapFS{"planted.yaml": {Data: []byte(src)}}
	photo := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for i := range photo.Pix {
		photo.Pix[i] = 0x80
	}
	photo.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, photo); err != nil {
		t.Fatal(err)
	}
	cfs := fstest.MapFS{"photo.png": {Data: b.Bytes()}}
	c, err := campaign.Parse(cfs, "campaign.yaml", []byte(strings.Replace(designCampaign, "CARD", card, 1)))
	if err != nil {
		t.Fatal(err)
	}
	ps, err := Run(context.Background(), Input{Campaign: c, FS: cfs, Themes: func(name string) (*theme.Theme, fs.FS, error) {
		th, err := theme.Load(themes, name)
		return th, themes, err
	}})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// TestLintReportsCoveredFocus: a story whose focus box takes in the whole
// photo, in a theme whose story photo fills the card under the quote and
// the logo, leaves them nowhere clear to go: lint reports each thing that
// covers the face, at the focus line of the campaign file, in every preset.
func TestLintReportsCoveredFocus(t *testing.T) {
	card := `  - id: face
    kind: story
    photo: photo.png
    focus: [0, 0, 1, 1]
    name: {en: Sam}
    quote: {en: I found a new home.}`
	full := "photo: {region: [0, 0, 1, 1], bleed: true}"
	ps := runPlanted(t, card, "un-blue",
		"photo: {region: [0, 0, 1, 0.56], bleed: true}", full,
		"photo: {region: [0, 0, 0.5, 1], bleed: true}", full,
		"photo: {region: [0, 0, 1, 0.55], bleed: true}", full)
	covered := map[string]bool{} // preset -> something covers the face
	for _, p := range ps {
		if p.Field != "cards[0].focus" {
			continue
		}
		if p.File != "campaign.yaml" || p.Line != 14 || p.Warning {
			t.Errorf("focus problem at %s:%d (warning %v), want an error at campaign.yaml:14: %s", p.File, p.Line, p.Warning, p)
		}
		if !strings.Contains(p.Msg, "covers the photo's focus box") {
			t.Errorf("message %q does not say what is covered", p.Msg)
		}
		for _, pr := range toolkit.PresetNames() {
			if strings.Contains(p.Msg, "preset "+pr+":") {
				covered[pr] = true
			}
		}
		for _, what := range []string{"the quote", "the logo"} {
			if strings.Contains(p.Msg, what+" covers") {
				covered[what] = true
			}
		}
	}
	// one preset of each shape (og is facebook's image, not laid out again)
	for _, pr := range []string{"instagram-square", "instagram-portrait", "story", "x", "linkedin"} {
		if !covered[pr] {
			t.Errorf("no focus problem reported on %s", pr)
		}
	}
	for _, what := range []string{"the quote", "the logo"} {
		if !covered[what] {
			t.Errorf("%s over the face is not reported:\n%s", what, list(ps))
		}
	}
}

// TestLintReportsTextUnderTheFloor: a theme whose stat source may be set
// at 8 to 10 px in a strip only large enough for that would put it under
// every preset's floor of readable text: Render keeps text at the floor
// or above, so it cannot fit, and lint says so as an error naming the
// floor, at the line of the text in the campaign file.
func TestLintReportsTextUnderTheFloor(t *testing.T) {
	card := `  - id: stat
    kind: stat
    figure: {en: "42"}
    label: {en: things counted}
    source: {en: "Source: a survey of many people"}`
	const source = "source: {region: [0.1, 0.82, 0.8, 0.015], font: body, color: muted, size: [8, 10], align: center, valign: top, max_lines: 1}"
	ps := runPlanted(t, card, "un-blue",
		"source: {region: [0.1, 0.82, 0.8, 0.06], font: body, color: muted, size: [18, 26], align: center, valign: top, max_lines: 2}", source,
		"source: {region: [0.05, 0.76, 0.9, 0.14], font: body, color: muted, size: [16, 24], align: center, valign: top, max_lines: 2}", source)
	found := 0
	for _, p := range ps {
		if p.Field != "cards[0].source.en" {
			continue
		}
		found++
		if p.Warning || p.Line != 15 {
			t.Errorf("got %s, want an error at campaign.yaml:15", p)
		}
		if !strings.Contains(p.Msg, "smallest readable size on") {
			t.Errorf("message %q does not name the floor", p.Msg)
		}
	}
	if found == 0 {
		t.Errorf("source under the floor not reported:\n%s", list(ps))
	}
}

// TestLintWarnsQuoteUnderTwiceItsRole: a quote so long that it is set at
// less than twice its role's size (on X, where the role sits at the floor)
// is a warning, not an error: the card is readable, its hierarchy weak.
func TestLintWarnsQuoteUnderTwiceItsRole(t *testing.T) {
	card := `  - id: long
    kind: quote
    quote: {en: "` + strings.Repeat("We came for work and stayed for the people, the schools and the evenings on the square. ", 4) + `"}
    speaker: {en: Ana Example}
    role: {en: Community organiser}`
	ps := runPlanted(t, card, "un-blue")
	var warned bool
	for _, p := range ps {
		if p.Field != "cards[0].role.en" {
			continue
		}
		if !p.Warning {
			t.Errorf("got an error, want a warning: %s", p)
			continue
		}
		if p.Line != 15 || !strings.Contains(p.Msg, "less than twice the role's") {
			t.Errorf("got %s, want a warning at campaign.yaml:15 about the quote and its role", p)
		}
		if strings.Contains(p.Msg, "preset x, role:") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no warning for the quote under twice its role on x:\n%s", list(ps))
	}
	for _, p := range ps {
		if !p.Warning && strings.HasPrefix(p.Field, "cards[0].") {
			t.Errorf("unexpected error: %s", p)
		}
	}
}

func list(ps []toolkit.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}
