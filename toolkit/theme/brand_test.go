package theme_test

import (
	"image"
	"image/color"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

func builtin(name string) (*theme.Theme, error) { return theme.Load(assets.Themes, name) }

func loadBrand(t *testing.T, src string) (*theme.Theme, []toolkit.Problem) {
	t.Helper()
	th, err := theme.LoadExtending(fstest.MapFS{"brand.yaml": {Data: []byte(src)}}, "brand", builtin)
	return problems(t, th, err)
}

// problems turns a load's result into the theme, or the problems of the
// *InvalidError it failed with; any other error fails the test.
func problems(t *testing.T, th *theme.Theme, err error) (*theme.Theme, []toolkit.Problem) {
	t.Helper()
	if err != nil {
		ie, ok := err.(*toolkit.InvalidError)
		if !ok {
			t.Fatalf("want an *InvalidError, got %v", err)
		}
		return nil, ie.Problems
	}
	return th, nil
}

func TestExtendsOverridesPaletteFontsAndLogo(t *testing.T) {
	th, ps := loadBrand(t, `name: brand
extends: un-blue
palette: {accent: "#FFB000", deep: "#1B1B3A"}
fonts: {body: bold}
logo: {region: [0.7, 0.88, 0.3, 0.12]}
`)
	if ps != nil {
		t.Fatalf("problems: %v", ps)
	}
	base, _ := builtin("un-blue")
	if th.Palette["accent"] != "#FFB000" || th.Palette["primary"] != base.Palette["primary"] {
		t.Errorf("palette: got %v", th.Palette)
	}
	if th.Fonts["body"].Weight != "bold" || th.Fonts["headline"] != base.Fonts["headline"] {
		t.Errorf("fonts: got %v", th.Fonts)
	}
	for kind, l := range th.Layouts {
		if got := l.Elements["logo"].Region; got != [4]float64{0.7, 0.88, 0.3, 0.12} {
			t.Errorf("%s logo region: got %v", kind, got)
		}
		if base.Layouts[kind].Elements["logo"].Region == th.Layouts[kind].Elements["logo"].Region {
			t.Errorf("%s: the built-in theme's logo moved too", kind)
		}
	}
	if th.Background.Kind != base.Background.Kind || th.Name != "brand" {
		t.Errorf("background %q, name %q: want un-blue's background under the kit's name", th.Background.Kind, th.Name)
	}
}

func TestExtendsProblems(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"layouts", "name: b\nextends: un-blue\nlayouts: {}\n", "brand.yaml:3: layouts: a theme that extends un-blue overrides only palette, fonts and logo"},
		{"unknown base", "name: b\nextends: un-red\n", `brand.yaml:2: extends: unknown theme "un-red"`},
		{"bad logo", "name: b\nextends: un-blue\nlogo: {region: [0.9, 0, 0.3, 0.1]}\n", "brand.yaml:3: logo.region: want [x, y, width, height]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ps := loadBrand(t, tc.src)
			var all []string
			for _, p := range ps {
				all = append(all, p.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Errorf("got %v, want %q", all, tc.want)
			}
		})
	}
	if _, err := theme.Load(fstest.MapFS{"b.yaml": {Data: []byte("name: b\nextends: un-blue\n")}}, "b"); err == nil {
		t.Error("a built-in theme may not extend another")
	}
}

// TestContrastProposesNearestColour: a kit whose text colour fails AA is
// told the nearest colour of the same hue that passes, with both ratios,
// at the line of its palette entry.
func TestContrastProposesNearestColour(t *testing.T) {
	th, ps := loadBrand(t, "name: brand\nextends: un-blue\npalette:\n  muted: \"#5A7BB5\"\n")
	if ps != nil {
		t.Fatal(ps)
	}
	problems := th.ContrastProblems()
	if len(problems) == 0 {
		t.Fatal("no contrast problem for muted #5A7BB5 on UN blue")
	}
	p := problems[0]
	if p.Line != 4 || p.Field != "palette.muted" || !strings.Contains(p.Msg, "the nearest colour of the same hue that passes is #") || !strings.Contains(p.Msg, "where muted has") {
		t.Errorf("got %v", p)
	}
	fg, _ := theme.ParseHex("#5A7BB5")
	bgs := [][3]uint8{{0x08, 0x2C, 0x6C}, {0x16, 0x56, 0xB8}}
	c, ratio, ok := theme.NearestPassing(fg, bgs, theme.AA)
	if !ok || ratio < theme.AA {
		t.Fatalf("got %v %.2f %v", c, ratio, ok)
	}
	for _, bg := range bgs {
		if r := theme.ContrastRatio([3]uint8{c.R, c.G, c.B}, bg); r < theme.AA {
			t.Errorf("#%02X%02X%02X on %v: %.2f, below AA", c.R, c.G, c.B, bg, r)
		}
	}
	if !(c.B > c.R && c.B > c.G) || c.R < fg.R {
		t.Errorf("#%02X%02X%02X: want a lighter blue", c.R, c.G, c.B)
	}
}

func TestLogoVisibility(t *testing.T) {
	un, _ := builtin("un-blue")
	logo := func(c color.NRGBA) image.Image {
		img := image.NewNRGBA(image.Rect(0, 0, 60, 20))
		for y := 5; y < 15; y++ {
			for x := 5; x < 55; x++ {
				img.SetNRGBA(x, y, c) // ink on a transparent ground
			}
		}
		return img
	}
	navy, white := logo(color.NRGBA{0x0B, 0x3D, 0x91, 255}), logo(color.NRGBA{255, 255, 255, 255})
	low, high := 1.0, 1.0
	for _, bg := range un.LogoBackdrops() {
		low = min(low, theme.LogoVisibility(navy, bg))
		high = min(high, theme.LogoVisibility(white, bg))
	}
	if low > 0.2 || high < 0.9 {
		t.Errorf("a navy logo on UN blue: %.2f visible, want under 0.2; a white one %.2f, want over 0.9", low, high)
	}
}
