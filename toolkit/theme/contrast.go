package theme

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/campaignkit/campaignkit/toolkit"
)

// AA is the WCAG 2 AA contrast ratio for normal text; AALarge for text of
// at least 24 px (18 pt), or 18.66 px (14 pt) bold.
const (
	AA      = 4.5
	AALarge = 3.0
)

// ContrastProblems checks every readable text element of every layout and
// orientation against everything that can be behind it: the background
// (each gradient stop; for an image, its overlay over both black and
// white), photos (unknown: black and white) and the panels that cover it.
func (t *Theme) ContrastProblems() []toolkit.Problem {
	var out []toolkit.Problem
	for _, kind := range toolkit.SortedKeys(t.Layouts) {
		l := t.Layouts[kind]
		if l == nil {
			continue
		}
		for _, canvas := range [][2]int{{1080, 1080}, {1600, 900}, {1080, 1920}} {
			els := t.ForCanvas(kind, canvas[0], canvas[1])
			for _, name := range toolkit.SortedKeys(els) {
				e := els[name]
				if !IsText(name) || e.Decorative {
					continue
				}
				fg := t.ColorOf(e.Color)
				worst, against := 21.0, ""
				bgs := t.backdrops(els, e)
				for _, bg := range bgs {
					c := over(fg, bg)
					if r := ContrastRatio(c, bg); r < worst {
						worst, against = r, fmt.Sprintf("#%02X%02X%02X", bg[0], bg[1], bg[2])
					}
				}
				need := AA
				if e.Size[0] >= 24 || (e.Size[0] >= 18.66 && t.Fonts[e.Font].Weight == "bold") {
					need = AALarge
				}
				if worst < need {
					field := fmt.Sprintf("layouts.%s.elements.%s.color", kind, name)
					if l.Elements[name] != e {
						field = fmt.Sprintf("layouts.%s.%s.%s.color", kind, orientation(canvas), name)
					}
					if _, own := t.Pos[field]; !own {
						// a brand kit (extends): the colour is the kit's palette entry
						if _, set := t.Pos["palette."+e.Color]; set {
							field = "palette." + e.Color
						}
					}
					msg := fmt.Sprintf("text colour %s on %s has contrast %.2f:1, below WCAG AA %.1f:1 (%dx%d canvas)", e.Color, against, worst, need, canvas[0], canvas[1])
					if c, r, ok := NearestPassing(fg, bgs, need); ok {
						msg += fmt.Sprintf("; the nearest colour of the same hue that passes is #%02X%02X%02X (%.2f:1 where %s has %.2f:1)", c.R, c.G, c.B, r, e.Color, worst)
					}
					out = append(out, toolkit.Problem{File: t.File, Line: t.Pos.Line(field), Field: field, Msg: msg})
				}
			}
		}
	}
	return dedupe(out)
}

func orientation(c [2]int) string {
	switch {
	case float64(c[0])/float64(c[1]) >= 1.4:
		return "landscape"
	case float64(c[0])/float64(c[1]) <= 0.8:
		return "portrait"
	}
	return "elements"
}

func dedupe(ps []toolkit.Problem) []toolkit.Problem {
	seen := map[string]bool{}
	var out []toolkit.Problem
	for _, p := range ps {
		if !seen[p.Field] {
			seen[p.Field] = true
			out = append(out, p)
		}
	}
	return out
}

// backdrops lists the opaque colours that may lie behind e.
func (t *Theme) backdrops(els map[string]*Element, e *Element) [][3]uint8 {
	var base [][3]uint8
	black, white := [3]uint8{0, 0, 0}, [3]uint8{255, 255, 255}
	switch t.Background.Kind {
	case "solid":
		c := t.ColorOf(t.Background.Color)
		base = append(base, [3]uint8{c.R, c.G, c.B})
	case "gradient":
		for _, s := range t.Background.Stops {
			c := t.ColorOf(s)
			base = append(base, [3]uint8{c.R, c.G, c.B})
		}
	case "image":
		ov := t.ColorOf(t.Background.Overlay)
		ov.A = uint8(t.Background.Opacity*255 + 0.5)
		base = append(base, over(ov, black), over(ov, white))
	}
	// a photo under the element may be anything
	for _, name := range []string{"photo", "portrait"} {
		if p := els[name]; p != nil && overlaps(p, e) {
			base = append(base, black, white)
		}
	}
	// panels, scrims and the element's own fill, bottom to top
	for _, name := range []string{"panel", "scrim", "accent"} {
		if p := els[name]; p != nil && p.Fill != "" && covers(p, e) {
			base = paint(base, t.ColorOf(p.Fill))
		}
	}
	if e.Fill != "" {
		base = paint(base, t.ColorOf(e.Fill))
	}
	return base
}

func paint(base [][3]uint8, c color.NRGBA) [][3]uint8 {
	out := make([][3]uint8, len(base))
	for i, b := range base {
		out[i] = over(c, b)
	}
	return out
}

// over composites c over the opaque colour b.
func over(c color.NRGBA, b [3]uint8) [3]uint8 {
	a := float64(c.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(float64(x)*a + float64(y)*(1-a) + 0.5) }
	return [3]uint8{mix(c.R, b[0]), mix(c.G, b[1]), mix(c.B, b[2])}
}

func overlaps(a, b *Element) bool {
	ax0, ay0, ax1, ay1 := a.Region[0], a.Region[1], a.Region[0]+a.Region[2], a.Region[1]+a.Region[3]
	bx0, by0, bx1, by1 := b.Region[0], b.Region[1], b.Region[0]+b.Region[2], b.Region[1]+b.Region[3]
	return ax0 < bx1 && bx0 < ax1 && ay0 < by1 && by0 < ay1
}

func covers(a, b *Element) bool {
	return a.Region[0] <= b.Region[0]+1e-9 && a.Region[1] <= b.Region[1]+1e-9 &&
		a.Region[0]+a.Region[2] >= b.Region[0]+b.Region[2]-1e-9 && a.Region[1]+a.Region[3] >= b.Region[1]+b.Region[3]-1e-9
}

// NearestPassing finds the colour of fg's hue and saturation, lighter or
// darker, nearest to fg in lightness whose worst contrast against every
// backdrop (fg's alpha kept) is at least need; it returns the colour and
// that contrast, or false when no lightness of the hue passes.
func NearestPassing(fg color.NRGBA, backdrops [][3]uint8, need float64) (color.NRGBA, float64, bool) {
	h, sat, l := toHSL(fg.R, fg.G, fg.B)
	worst := func(c color.NRGBA) float64 {
		w := 21.0
		for _, bg := range backdrops {
			w = math.Min(w, ContrastRatio(over(c, bg), bg))
		}
		return w
	}
	const step = 0.002
	for d := step; d <= 1; d += step {
		for _, cand := range []float64{l - d, l + d} {
			if cand < 0 || cand > 1 {
				continue
			}
			r, g, b := fromHSL(h, sat, cand)
			c := color.NRGBA{r, g, b, fg.A}
			if w := worst(c); w >= need {
				return c, w, true
			}
		}
	}
	return color.NRGBA{}, 0, false
}

// toHSL converts an sRGB colour to hue (0 to 360), saturation and
// lightness (0 to 1).
func toHSL(r8, g8, b8 uint8) (h, s, l float64) {
	r, g, b := float64(r8)/255, float64(g8)/255, float64(b8)/255
	hi, lo := math.Max(r, math.Max(g, b)), math.Min(r, math.Min(g, b))
	l = (hi + lo) / 2
	if hi == lo {
		return 0, 0, l
	}
	d := hi - lo
	if l > 0.5 {
		s = d / (2 - hi - lo)
	} else {
		s = d / (hi + lo)
	}
	switch hi {
	case r:
		h = math.Mod((g-b)/d+6, 6)
	case g:
		h = (b-r)/d + 2
	default:
		h = (r-g)/d + 4
	}
	return h * 60, s, l
}

func fromHSL(h, s, l float64) (uint8, uint8, uint8) {
	c := (1 - math.Abs(2*l-1)) * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	m := l - c/2
	var r, g, b float64
	switch {
	case h < 60:
		r, g, b = c, x, 0
	case h < 120:
		r, g, b = x, c, 0
	case h < 180:
		r, g, b = 0, c, x
	case h < 240:
		r, g, b = 0, x, c
	case h < 300:
		r, g, b = x, 0, c
	default:
		r, g, b = c, 0, x
	}
	to8 := func(v float64) uint8 { return uint8(math.Round(math.Max(0, math.Min(1, v+m)) * 255)) }
	return to8(r), to8(g), to8(b)
}

// LogoBackdrops lists the opaque colours that may lie behind the logo
// slot of any layout, in any orientation, photos left out.
func (t *Theme) LogoBackdrops() [][3]uint8 {
	var out [][3]uint8
	seen := map[[3]uint8]bool{}
	for _, kind := range toolkit.SortedKeys(t.Layouts) {
		for _, canvas := range [][2]int{{1080, 1080}, {1600, 900}, {1080, 1920}} {
			els := t.ForCanvas(kind, canvas[0], canvas[1])
			e := els["logo"]
			if e == nil {
				continue
			}
			// what a photo under the logo looks like is not known here
			plain := map[string]*Element{}
			for k, v := range els {
				if k != "photo" && k != "portrait" {
					plain[k] = v
				}
			}
			for _, bg := range t.backdrops(plain, e) {
				if !seen[bg] {
					seen[bg] = true
					out = append(out, bg)
				}
			}
		}
	}
	return out
}

// MinLogoContrast is the contrast a logo's pixels need against the slot
// behind them to be seen at all (WCAG asks 3:1 of graphics that carry
// meaning; a logo below 1.5:1 all over is all but invisible).
const MinLogoContrast = 1.5

// LogoVisibility is the share (0 to 1) of a logo's ink, its pixels
// weighted by opacity, that stands out against bg by MinLogoContrast or
// more.
func LogoVisibility(img image.Image, bg [3]uint8) float64 {
	b := img.Bounds()
	step := max(1, max(b.Dx(), b.Dy())/200) // a few tens of thousands of samples
	var ink, seen float64
	for y := b.Min.Y; y < b.Max.Y; y += step {
		for x := b.Min.X; x < b.Max.X; x += step {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if c.A == 0 {
				continue
			}
			a := float64(c.A) / 255
			ink += a
			if ContrastRatio(over(c, bg), bg) >= MinLogoContrast {
				seen += a
			}
		}
	}
	if ink == 0 {
		return 0
	}
	return seen / ink
}
