package render_test

import (
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/render"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// fontFixture is a hashtag card whose tag a brand kit sets in a font file
// of the campaign's.
const fontFixture = `
name: Brand
slug: brand
title: {en: International Migrants Day, zh: 国际移徙者日}
day: 2026-12-18
week: {start: 2026-12-15, end: 2026-12-18}
timezone: Europe/London
languages: [en, zh]
theme: brand
cards:
  - id: tag
    kind: hashtag
    tag: "#MigrantsDay"
    text: {en: "Welcome, neighbours 🤝", zh: 欢迎你，邻居 🤝}
`

const brandKit = `name: brand
extends: un-blue
fonts:
  headline: {file: fonts/Brand-Bold.ttf}
  body: {file: fonts/Brand-Bold.ttf}
`

// brandEnv is fontFixture with the brand kit loaded from its folder, the
// campaign file edited by edit.
func brandEnv(t *testing.T, edit func(string) string) *env {
	t.Helper()
	// DejaVu Sans Mono, licence in toolkit/theme/testdata/fonts/LICENSE
	font, err := os.ReadFile(filepath.Join("..", "theme", "testdata", "fonts", "DejaVuSansMono.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"campaign.yaml":        {Data: []byte(edit(fontFixture))},
		"themes/brand.yaml":    {Data: []byte(brandKit)},
		"fonts/Brand-Bold.ttf": {Data: font},
	}
	e := newEnv(t, fsys, "campaign.yaml")
	themes, _ := fs(fsys, "themes")
	th, err := theme.LoadCampaignTheme(themes, "brand", theme.Sources{
		Base:     func(n string) (*theme.Theme, error) { return theme.Load(assets.Themes, n) },
		Campaign: fsys,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.ths["brand"] = th
	return e
}

func fs(m fstest.MapFS, dir string) (fstest.MapFS, error) {
	out := fstest.MapFS{}
	for k, v := range m {
		if rest, ok := strings.CutPrefix(k, dir+"/"); ok {
			out[rest] = v
		}
	}
	return out, nil
}

// The tag is drawn with the brand font: its pixels differ from the same
// card in the built-in theme, where Noto Sans draws it, while the layout
// keeps the ink inside the region.
func TestBrandFontDraws(t *testing.T) {
	e := brandEnv(t, func(s string) string { return s })
	card, _ := e.c.CardByID("tag")
	p, _ := toolkit.PresetByName("instagram-square")
	brand := e.render(t, card, "en", p, "brand")
	noto := e.render(t, card, "en", p, "un-blue")
	tagOf := func(res *render.Result) render.Placed {
		for _, pl := range res.Text {
			if pl.Name == "tag" {
				return pl
			}
		}
		t.Fatal("no tag")
		return render.Placed{}
	}
	bt, nt := tagOf(brand), tagOf(noto)
	if bt.Block.Glyphs()[0].Face == nt.Block.Glyphs()[0].Face {
		t.Fatal("the tag's glyphs come from the same face in both themes")
	}
	if !bt.Region.Contains(bt.Block.Ink, 0.5) {
		t.Errorf("brand tag ink %v outside its region %v", bt.Block.Ink, bt.Region)
	}
	// compare the text pixels in the union of both tags' ink
	r := bt.Block.Ink.Union(nt.Block.Ink)
	rect := image.Rect(int(r.X0), int(r.Y0), int(r.X1)+1, int(r.Y1)+1)
	diff, ink := 0, 0
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		for x := rect.Min.X; x < rect.Max.X; x++ {
			a, b := brand.Image.RGBAAt(x, y), noto.Image.RGBAAt(x, y)
			if a.R > 128 || b.R > 128 { // white text on blue
				ink++
				if max(a.R, b.R)-min(a.R, b.R) > 64 {
					diff++
				}
			}
		}
	}
	if diff < ink/4 {
		t.Errorf("%d of %d text pixels differ from Noto Sans's, want a quarter or more", diff, ink)
	}
	// Chinese, which the brand font does not have at all, is drawn with
	// the built-in font, and emoji with the emoji font, without a problem
	e.render(t, card, "zh", p, "brand")
}

// A text in a script the brand font draws with a character it lacks is a
// problem at the text's line, in every preset the same, and names the
// characters, the font and the role.
func TestBrandFontMissingCharacter(t *testing.T) {
	e := brandEnv(t, func(s string) string {
		return strings.Replace(s, "Welcome, neighbours", "Welcome, Ǻsa and Ǥunnar", 1)
	})
	card, _ := e.c.CardByID("tag")
	for _, pn := range []string{"instagram-square", "x"} {
		p, _ := toolkit.PresetByName(pn)
		_, err := e.r.Render(context.Background(), render.Job{Campaign: e.c, CampaignFS: e.fs, Card: card, Lang: "en", Preset: p, Theme: e.ths["brand"], ThemeFS: assets.Themes})
		var ie *toolkit.InvalidError
		if !errors.As(err, &ie) || len(ie.Problems) != 1 {
			t.Fatalf("got %v, want one problem", err)
		}
		got := ie.Problems[0]
		if got.Line != 14 || got.Field != "cards[0].text.en" {
			t.Errorf("problem at line %d field %q, want 14 cards[0].text.en", got.Line, got.Field)
		}
		for _, want := range []string{"card tag, language en, text: the font fonts/Brand-Bold.ttf (theme brand, role body) has no 'Ǻ' U+01FA, 'Ǥ' U+01E4"} {
			if !strings.Contains(got.Msg, want) {
				t.Errorf("message %q lacks %q", got.Msg, want)
			}
		}
		if strings.Contains(got.Msg, "preset") {
			t.Errorf("message %q names the preset", got.Msg)
		}
	}
}
