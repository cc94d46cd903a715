package lint

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

const planted = `name: Broken
slug: broken
title: {en: Test Day, fr: Journée}
day: 2026-12-18
week: {start: 2026-12-12, end: 2026-12-18}
timezone: Europe/London
languages: [en, fr]
theme: un-blue
hashtags: ["#ittakesacommunity", "#migrantsmatter"]
cards:
  - id: a
    kind: stat
    figure: {en: "1,000,000,000,000,000,000,000,000,000,000", fr: "1,000,000,000,000,000,000,000,000,000,000"}
    label: {en: x, fr: y}
    source: {en: x, fr: y}
  - id: b
    kind: quote
    quote: {en: "Hello 🌍 שלום", fr: "Bonjour 🌍"}
    speaker: {en: S, fr: S}
    role: {en: R, fr: R}
posts:
  - id: long
    at: "2026-12-14 10:00"
    channels: [x, bluesky]
    text: {en: "LONG", fr: "LONG"}
`

// TestRunIsOrdered: lint finds every planted problem and lists them in the
// same order every time, sorted by file, line, field and message.
func TestRunIsOrdered(t *testing.T) {
	src := strings.ReplaceAll(planted, "LONG", strings.Repeat("Migrants make communities stronger. ", 10))
	c, err := campaign.Parse(nil, "campaign.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Campaign: c, Themes: func(name string) (*theme.Theme, fs.FS, error) {
		th, err := theme.Load(assets.Themes, name)
		return th, assets.Themes, err
	}}
	var first []string
	for i := range 4 {
		ps, err := Run(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.String())
		}
		if !slices.IsSortedFunc(ps, func(a, b toolkit.Problem) int {
			return strings.Compare(fmt.Sprintf("%s\x00%09d\x00%s\x00%s", a.File, a.Line, a.Field, a.Msg), fmt.Sprintf("%s\x00%09d\x00%s\x00%s", b.File, b.Line, b.Field, b.Msg))
		}) {
			t.Fatalf("not sorted:\n%s", strings.Join(got, "\n"))
		}
		if i == 0 {
			first = got
			continue
		}
		if !slices.Equal(got, first) {
			t.Fatalf("run %d differs from the first:\n%s\n---\n%s", i+1, strings.Join(got, "\n"), strings.Join(first, "\n"))
		}
	}
	all := strings.Join(first, "\n")
	if strings.Contains(all, "U+1F30D") {
		t.Errorf("lint reports the emoji 🌍, which cards draw:\n%s", all)
	}
	for _, want := range []string{"campaign.yaml:9: hashtags[0]", "#ItTakesACommunity", "cards[0].figure", "no font for Hebrew script: 'ש' U+05E9", "posts[0].text.en", "x"} {
		if !strings.Contains(all, want) {
			t.Errorf("lint lacks %q:\n%s", want, all)
		}
	}
}

// A brand kit's font file that lacks a character of a text it draws is a
// problem at that text's line, once, not once per preset.
func TestBrandFontCoverage(t *testing.T) {
	font, err := os.ReadFile(filepath.Join("..", "theme", "testdata", "fonts", "DejaVuSansMono.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(strings.ReplaceAll(planted, "LONG", "short"), "theme: un-blue", "theme: brand", 1)
	src = strings.Replace(src, `label: {en: x, fr: y}`, `label: {en: Ǻsa, fr: y}`, 1)
	c, err := campaign.Parse(nil, "campaign.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cfs := fstest.MapFS{"fonts/Brand.ttf": {Data: font}}
	kit := fstest.MapFS{"brand.yaml": {Data: []byte("name: brand\nextends: un-blue\nfonts: {headline: {file: fonts/Brand.ttf}}\n")}}
	in := Input{Campaign: c, FS: cfs, Themes: func(name string) (*theme.Theme, fs.FS, error) {
		if name == "brand" {
			th, err := theme.LoadCampaignTheme(kit, name, theme.Sources{Base: func(n string) (*theme.Theme, error) { return theme.Load(assets.Themes, n) }, Campaign: cfs})
			return th, assets.Themes, err
		}
		th, err := theme.Load(assets.Themes, name)
		return th, assets.Themes, err
	}}
	ps, err := Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, p := range ps {
		if strings.Contains(p.Msg, "fonts/Brand.ttf") {
			found = append(found, p.String())
		}
	}
	want := "campaign.yaml:14: cards[0].label.en: card a, language en, label: the font fonts/Brand.ttf (theme brand, role headline) has no 'Ǻ' U+01FA"
	if len(found) != 1 || !strings.HasPrefix(found[0], want) {
		t.Errorf("got %q, want one problem starting %q", found, want)
	}
}
