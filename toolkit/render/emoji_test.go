package render_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/render"
	"github.com/campaignkit/campaignkit/toolkit/text"
)

// emojiFixture is a hashtag card with emoji in its text: "#MigrantsDay
// 🌍🤝", a ZWJ family, a flag and a skin tone. (The tag itself is a
// hashtag only, as campaign validation wants.) The flag is a red one: a
// blue flag on the blue theme could pass for its text in the colour test.
const emojiFixture = `
name: Emoji
slug: emoji
title: {en: International Migrants Day, ar: اليوم الدولي للمهاجرين}
day: 2026-12-18
week: {start: 2026-12-15, end: 2026-12-18}
timezone: Europe/London
languages: [en, ar]
theme: un-blue
cards:
  - id: tag
    kind: hashtag
    tag: "#ItTakesACommunity"
    text:
      en: "#MigrantsDay 🌍🤝 Every family 👨‍👩‍👧‍👦 has a story 🇨🇦 Share yours 👍🏽"
      ar: "#MigrantsDay 🌍🤝 لكل عائلة 👨‍👩‍👧‍👦 قصة 🇨🇦 شاركونا قصتكم 👍🏽"
`

const zwjFamily = "👨\u200D👩\u200D👧\u200D👦"

func emojiEnv(t testing.TB) *env {
	t.Helper()
	return newEnv(t, fstest.MapFS{"campaign.yaml": {Data: []byte(emojiFixture)}}, "campaign.yaml")
}

func emojiGoldenCases(t testing.TB) []goldenCase {
	e := emojiEnv(t)
	card, _ := e.c.CardByID("tag")
	p, _ := toolkit.PresetByName("instagram-square")
	return []goldenCase{
		{e, "emoji-tag-en-instagram-square.png", card, "en", p, "un-blue"},
		{e, "emoji-tag-ar-instagram-square.png", card, "ar", p, "un-blue"},
	}
}

// emojiAt returns the glyphs of pl whose cluster starts at one of the
// runes of seq in its text, the first occurrence.
func glyphsOf(pl render.Placed, seq string) []text.Glyph {
	txt := pl.Block.Spec.Text
	at := strings.Index(txt, seq)
	if at < 0 {
		return nil
	}
	from := len([]rune(txt[:at]))
	to := from + len([]rune(seq))
	var out []text.Glyph
	for _, g := range pl.Block.Glyphs() {
		if g.Index >= from && g.Index < to {
			out = append(out, g)
		}
	}
	return out
}

// A hashtag card with emoji renders: in the encoded PNG, each emoji is
// one glyph whose box, inside its text region, holds colours the theme's
// white text on blue cannot make; the ZWJ family is one glyph.
func TestEmojiCard(t *testing.T) {
	e := emojiEnv(t)
	card, _ := e.c.CardByID("tag")
	for _, lang := range []string{"en", "ar"} {
		for _, pn := range []string{"instagram-square", "story", "x"} {
			p, _ := toolkit.PresetByName(pn)
			res := e.render(t, card, lang, p, "un-blue")
			data, err := render.Encode(res.Image, p)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			found := 0
			for _, pl := range res.Text {
				for _, seq := range []string{"🌍", "🤝", zwjFamily, "🇨🇦", "👍🏽"} {
					gs := glyphsOf(pl, seq)
					if gs == nil {
						continue
					}
					found++
					if len(gs) != 1 {
						t.Errorf("%s %s %s: %q is %d glyphs, want one", lang, pn, pl.Name, seq, len(gs))
						continue
					}
					g := gs[0]
					if !pl.Region.Contains(g.Ink, 0.5) {
						t.Errorf("%s %s %s: %q ink %v outside the region %v", lang, pn, pl.Name, seq, g.Ink, pl.Region)
					}
					if n, all := notTextColours(img, g.Ink); n < all/10 {
						t.Errorf("%s %s %s: %q has %d of %d pixels in colours of its own, want a tenth or more", lang, pn, pl.Name, seq, n, all)
					}
				}
			}
			if found != 5 {
				t.Errorf("%s %s: found %d of the 5 emoji", lang, pn, found)
			}
		}
	}
}

// notTextColours counts the pixels in r that are neither the blues of the
// un-blue theme's background nor a blend of them with its pale blue text
// (#DCE6F8): in all of those blue exceeds red by 28 levels or more, and
// red is at most 220. The globe's land, the handshake, the skin tone,
// the family's greys and the flag's white emblem are none of those.
func notTextColours(img image.Image, r text.Rect) (n, all int) {
	for y := int(r.Y0) + 1; y < int(r.Y1)-1; y++ {
		for x := int(r.X0) + 1; x < int(r.X1)-1; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			all++
			if int(c.B)-int(c.R) < 12 || c.R > 225 {
				n++
			}
		}
	}
	return n, all
}

// In Arabic the emoji keep their logical places: the family between
// "لكل عائلة" and "قصة", left of the first and right of the second.
func TestEmojiArabicCardKeepsOrder(t *testing.T) {
	e := emojiEnv(t)
	card, _ := e.c.CardByID("tag")
	p, _ := toolkit.PresetByName("x")
	res := e.render(t, card, "ar", p, "un-blue")
	for _, pl := range res.Text {
		if pl.Name != "text" {
			continue
		}
		before, fam, after := glyphsOf(pl, "عائلة"), glyphsOf(pl, zwjFamily), glyphsOf(pl, "قصة ")
		if len(before) == 0 || len(fam) != 1 || len(after) == 0 {
			t.Fatalf("glyphs: %d, %d, %d", len(before), len(fam), len(after))
		}
		if fam[0].Y != before[0].Y || fam[0].Y != after[0].Y {
			t.Skip("the words are on different lines")
		}
		minX := func(gs []text.Glyph) float64 {
			m := gs[0].Ink.X0
			for _, g := range gs {
				if !g.Ink.Empty() {
					m = min(m, g.Ink.X0)
				}
			}
			return m
		}
		maxX := func(gs []text.Glyph) float64 {
			m := gs[0].Ink.X1
			for _, g := range gs {
				m = max(m, g.Ink.X1)
			}
			return m
		}
		if !(minX(before) > fam[0].Ink.X1-1 && fam[0].Ink.X0+1 > maxX(after)) {
			t.Errorf("عائلة at x %.0f-%.0f, the family %.0f-%.0f, قصة %.0f-%.0f: want them right to left", minX(before), maxX(before), fam[0].Ink.X0, fam[0].Ink.X1, minX(after), maxX(after))
		}
		return
	}
	t.Fatal("no text element")
}

// A character no font has (Hebrew) is still refused, at its line.
func TestNoFontStillRefused(t *testing.T) {
	src := strings.Replace(emojiFixture, "Share yours 👍🏽", "Share yours 👍🏽 שלום", 1)
	e := newEnv(t, fstest.MapFS{"campaign.yaml": {Data: []byte(src)}}, "campaign.yaml")
	card, _ := e.c.CardByID("tag")
	p, _ := toolkit.PresetByName("x")
	_, err := e.r.Render(context.Background(), render.Job{Campaign: e.c, Card: card, Lang: "en", Preset: p, Theme: e.ths["un-blue"], ThemeFS: assets.Themes, CampaignFS: e.fs})
	var ie *toolkit.InvalidError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want an *InvalidError", err)
	}
	got := ie.Problems[0]
	if got.Field != "cards[0].text.en" || got.Line != 15 || !strings.Contains(got.Msg, "no font for Hebrew script") || strings.Contains(got.Msg, "emoji") {
		t.Errorf("got %v", got)
	}
}
