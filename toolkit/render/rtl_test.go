package render_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
	"testing/fstest"

	"github.com/campaignkit/campaignkit/toolkit"
)

// rtlFixture has a stat card, whose landscape layout is lopsided (figure
// left, label right), in a left-to-right language and three right-to-left
// languages written in Arabic script: Arabic, Persian, Egyptian Arabic.
const rtlFixture = `
name: Mirror
slug: mirror
title: {en: International Migrants Day, ar: اليوم الدولي للمهاجرين, fa: روز جهانی مهاجران, arz: اليوم الدولي للمهاجرين}
day: 2026-12-18
week: {start: 2026-12-15, end: 2026-12-18}
timezone: Europe/London
languages: [en, ar, fa, arz]
theme: un-blue
logo: logo.png
cards:
  - id: stat
    kind: stat
    figure: {en: 304 million, ar: 304 ملايين, fa: ۳۰۴ میلیون, arz: 304 مليون}
    label: {en: international migrants, ar: مهاجر دولي, fa: مهاجر بین‌المللی, arz: مهاجر دولي}
    source: {en: UN DESA, ar: الأمم المتحدة, fa: سازمان ملل, arz: الأمم المتحدة}
`

// logoColour is a colour no theme uses, to find the logo in a card.
var logoColour = color.RGBA{255, 0, 255, 255}

// Persian and Egyptian Arabic cards are mirrored as Arabic ones are: the
// logo sits at the right, and every text region is where it is in Arabic,
// not where it is in English.
func TestRightToLeftCardsAreMirrored(t *testing.T) {
	logo := image.NewRGBA(image.Rect(0, 0, 300, 100))
	for y := 0; y < 100; y++ {
		for x := 0; x < 300; x++ {
			logo.Set(x, y, logoColour)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, logo); err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"campaign.yaml": {Data: []byte(rtlFixture)}, "logo.png": {Data: b.Bytes()}}
	e := newEnv(t, fsys, "campaign.yaml")
	card, ok := e.c.CardByID("stat")
	if !ok {
		t.Fatal("no stat card")
	}
	p, _ := toolkit.PresetByName("x")
	regions := map[string]map[string]image.Rectangle{}
	logos := map[string]image.Rectangle{}
	rtl := []string{"fa", "arz"}
	for _, lang := range append([]string{"en", "ar"}, rtl...) {
		res := e.render(t, card, lang, p, "un-blue")
		logos[lang] = colourBounds(res.Image, logoColour)
		regions[lang] = map[string]image.Rectangle{}
		for _, pl := range res.Text {
			r := pl.Region
			regions[lang][pl.Name] = image.Rect(int(r.X0+0.5), int(r.Y0+0.5), int(r.X1+0.5), int(r.Y1+0.5))
		}
	}
	mid := p.Width / 2
	if l := logos["en"]; l.Empty() || l.Max.X > mid {
		t.Errorf("en: logo at %v, want it in the left half", l)
	}
	if l := logos["ar"]; l.Empty() || l.Min.X < mid {
		t.Errorf("ar: logo at %v, want it in the right half", l)
	}
	if en, ar := regions["en"]["figure"], regions["ar"]["figure"]; en.Max.X > mid || ar.Min.X < mid {
		t.Errorf("figure at %v in en and %v in ar: want left, then right", en, ar)
	}
	for _, lang := range rtl {
		if logos[lang] != logos["ar"] {
			t.Errorf("logo at %v in %s, %v in ar: want the same place", logos[lang], lang, logos["ar"])
		}
		for name, ar := range regions["ar"] {
			if got, ok := regions[lang][name]; !ok || got != ar {
				t.Errorf("%s: region %v in %s, %v in ar: want the same", name, got, lang, ar)
			}
		}
	}
}

// colourBounds is the bounding box of the pixels of exactly colour c.
func colourBounds(img *image.RGBA, c color.RGBA) image.Rectangle {
	var box image.Rectangle
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.RGBAAt(x, y) == c {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return box
}
