package theme_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

func TestBuiltinThemes(t *testing.T) {
	names := theme.Names(assets.Themes)
	for _, want := range []string{"un-blue", "community", "high-contrast", "poster"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("built-in theme %q missing from %v", want, names)
		}
	}
	for _, n := range names {
		th, err := theme.Load(assets.Themes, n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		// every built-in theme meets WCAG AA for its text sizes
		for _, p := range th.ContrastProblems() {
			t.Errorf("%s: %s", n, p)
		}
	}
}

// TestHighContrastMeetsAAForAllText holds high-contrast to 4.5:1 for every
// text element, whatever its size.
func TestHighContrastMeetsAAForAllText(t *testing.T) {
	th, err := theme.Load(assets.Themes, "high-contrast")
	if err != nil {
		t.Fatal(err)
	}
	bg := th.ColorOf(th.Background.Color)
	for kind, l := range th.Layouts {
		for _, els := range []map[string]*theme.Element{l.Elements, l.Landscape, l.Portrait} {
			for name, e := range els {
				if e == nil || !theme.IsText(name) {
					continue
				}
				back := bg
				if e.Fill != "" {
					back = th.ColorOf(e.Fill)
				}
				for _, panel := range []string{"scrim", "panel"} {
					if p := els[panel]; p != nil && p.Fill != "" {
						back = th.ColorOf(p.Fill)
					}
				}
				fg := th.ColorOf(e.Color)
				if r := theme.ContrastRatio([3]uint8{fg.R, fg.G, fg.B}, [3]uint8{back.R, back.G, back.B}); r < theme.AA {
					t.Errorf("%s %s: contrast %.2f:1 below 4.5:1", kind, name, r)
				}
			}
		}
	}
}

func TestContrastRatio(t *testing.T) {
	for _, c := range []struct {
		a, b [3]uint8
		want float64
	}{
		{[3]uint8{0, 0, 0}, [3]uint8{255, 255, 255}, 21},
		{[3]uint8{255, 255, 255}, [3]uint8{255, 255, 255}, 1},
		{[3]uint8{0x76, 0x76, 0x76}, [3]uint8{255, 255, 255}, 4.54},
	} {
		if got := theme.ContrastRatio(c.a, c.b); got < c.want-0.01 || got > c.want+0.01 {
			t.Errorf("ContrastRatio(%v, %v) = %.2f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}

func TestLowContrastIsReported(t *testing.T) {
	src := strings.Replace(mustRead(t, "un-blue.yaml"), `text: "#FFFFFF"`, `text: "#2050A0"`, 1)
	th, err := theme.Load(fstest.MapFS{"grey.yaml": {Data: []byte(src)}}, "grey")
	if err != nil {
		t.Fatal(err)
	}
	ps := th.ContrastProblems()
	if len(ps) == 0 {
		t.Fatal("dark blue text on blue passed the contrast check")
	}
	if ps[0].Line == 0 || !strings.Contains(ps[0].Msg, "below WCAG AA") {
		t.Errorf("problem %v lacks a line or the rule", ps[0])
	}
}

func TestBadTheme(t *testing.T) {
	src := `name: bad
palette: {text: "#FFF", oops: "blue"}
background: {kind: gradient, stops: ["#000000"]}
fonts: {headline: heavy, body: regular}
margin: 0.5
layouts:
  quote:
    elements:
      quote: {region: [0.5, 0, 0.7, 1.2], font: headline, color: nope, size: [40, 20]}
      sparkle: {region: [0, 0, 1, 1]}
  poster: {}
colour: red
`
	_, err := theme.Load(fstest.MapFS{"bad.yaml": {Data: []byte(src)}}, "bad")
	ie, ok := err.(*toolkit.InvalidError)
	if !ok {
		t.Fatalf("got %v, want *toolkit.InvalidError", err)
	}
	want := map[string]int{
		"palette.oops":                        2,
		"background.stops":                    3,
		"fonts.headline":                      4,
		"margin":                              5,
		"layouts.quote.elements.quote.region": 9,
		"layouts.quote.elements.quote.color":  9,
		"layouts.quote.elements.quote.size":   9,
		"layouts.quote.elements.sparkle":      10,
		"layouts.poster":                      11,
		"colour":                              12,
	}
	got := map[string]int{}
	for _, p := range ie.Problems {
		got[p.Field] = p.Line
		if p.File != "themes/bad.yaml" {
			t.Errorf("problem %v names file %q", p, p.File)
		}
	}
	for f, line := range want {
		if l, ok := got[f]; !ok {
			t.Errorf("no problem reported for %s (got %v)", f, ie)
		} else if l != line {
			t.Errorf("%s reported at line %d, want %d", f, l, line)
		}
	}
	if _, err := theme.Load(assets.Themes, "nope"); err == nil || !strings.Contains(err.Error(), "un-blue") {
		t.Errorf("unknown theme error %v should list the built-in themes", err)
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := assets.Themes.(interface{ ReadFile(string) ([]byte, error) }).ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFingerprintFollowsEveryPixelField: any field read from a theme file
// changes the fingerprint; where the theme came from does not.
func TestFingerprintFollowsEveryPixelField(t *testing.T) {
	type Theme = theme.Theme
	th, err := theme.Load(assets.Themes, "un-blue")
	if err != nil {
		t.Fatal(err)
	}
	base := th.Fingerprint()
	same := *th
	same.File, same.Description = "elsewhere/un-blue.yaml", "another description"
	if same.Fingerprint() != base {
		t.Error("the fingerprint depends on where the theme came from")
	}
	for name, edit := range map[string]func(*Theme){
		"margin":     func(t *Theme) { t.Margin += 0.01 },
		"palette":    func(t *Theme) { t.Palette = map[string]string{"x": "#000000"} },
		"background": func(t *Theme) { t.Background.Angle++ },
		"fonts":      func(t *Theme) { t.Fonts = map[string]theme.FontRole{"body": {Weight: "bold"}} },
		"layouts":    func(t *Theme) { t.Layouts = nil },
		"name":       func(t *Theme) { t.Name = "other" },
	} {
		c := *th
		edit(&c)
		if c.Fingerprint() == base {
			t.Errorf("changing %s leaves the fingerprint", name)
		}
	}
}
