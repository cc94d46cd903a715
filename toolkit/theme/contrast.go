package theme

import (
	"fmt"
	"image/color"

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
				for _, bg := range t.backdrops(els, e) {
					c := over(fg, bg)
					if r := ContrastRatio(c, bg); r < worst {
						worst, against = r, fmt.Sprintf("#%02X%02X%02X", bg[0], bg[1], bg[2])
					}
				}
				need := AA
				if e.Size[0] >= 24 || (e.Size[0] >= 18.66 && t.Fonts[e.Font] == "bold") {
					need = AALarge
				}
				if worst < need {
					field := fmt.Sprintf("layouts.%s.elements.%s.color", kind, name)
					if l.Elements[name] != e {
						field = fmt.Sprintf("layouts.%s.%s.%s.color", kind, orientation(canvas), name)
					}
					out = append(out, toolkit.Problem{File: t.File, Line: t.Pos.Line(field), Field: field,
						Msg: fmt.Sprintf("text colour %s on %s has contrast %.2f:1, below WCAG AA %.1f:1 (%dx%d canvas)", e.Color, against, worst, need, canvas[0], canvas[1])})
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
