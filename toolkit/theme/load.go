package theme

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/text"
)

// Names lists the themes in fsys (one <name>.yaml each), sorted.
func Names(fsys fs.FS) []string {
	matches, _ := fs.Glob(fsys, "*.yaml")
	names := make([]string, 0, len(matches))
	for _, m := range matches {
		names = append(names, strings.TrimSuffix(m, ".yaml"))
	}
	sort.Strings(names)
	return names
}

// Load reads and validates the theme name from fsys (name.yaml plus the
// images it names). Every problem is reported at once with file:line.
// A theme that extends another is refused: see LoadExtending.
func Load(fsys fs.FS, name string) (*Theme, error) { return LoadExtending(fsys, name, nil) }

// LoadExtending is Load for a theme that may extend another: base loads
// the theme it names (a built-in one). The result is the base theme with
// the palette colours, font roles and logo region the file gives.
func LoadExtending(fsys fs.FS, name string, base func(name string) (*Theme, error)) (*Theme, error) {
	return LoadCampaignTheme(fsys, name, Sources{Base: base})
}

// Sources are where a campaign's own theme finds what it names besides
// its own folder's files.
type Sources struct {
	// Base loads the theme an extends: names (a built-in one).
	Base func(name string) (*Theme, error)
	// Campaign is the campaign's folder, which font files are named
	// from; nil refuses font files.
	Campaign fs.FS
}

// LoadCampaignTheme is LoadExtending for a theme of a campaign's, which
// may also name font files (see FontRole): they are read from
// src.Campaign and parsed once, and a missing, unreadable, oversized or
// non-embeddable font is reported at its role's line with the theme's
// other problems.
func LoadCampaignTheme(fsys fs.FS, name string, src Sources) (*Theme, error) {
	base := src.Base
	file := name + ".yaml"
	data, err := toolkit.ReadFile(fsys, file, toolkit.MaxYAMLBytes)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("unknown theme %q (built-in themes: %s)", name, strings.Join(Names(fsys), ", "))
		}
		return nil, fmt.Errorf("theme %q: cannot read %s: %s: %w", name, file, toolkit.Reason(err), errUnreadable)
	}
	t := &Theme{File: "themes/" + file}
	pos, err := toolkit.DecodeYAML(t.File, data, t)
	t.Pos = pos
	ps := &toolkit.Problems{File: t.File}
	var ie *toolkit.InvalidError
	if err != nil {
		if !errors.As(err, &ie) || pos == nil {
			return nil, err
		}
		ps.Append(ie.Problems...)
	}
	if t.Extends != "" && ps.Len() == 0 {
		t = t.extend(ps, base)
	} else if t.Logo != nil {
		ps.Add(t.Pos.Line("logo"), "logo", "logo moves the logo of a theme that extends another; here, set the logo element of each layout")
	}
	t.validate(ps, fsys)
	t.loadFonts(ps, src.Campaign)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

// extend returns the theme t extends with t's overrides applied.
func (t *Theme) extend(ps *toolkit.Problems, base func(string) (*Theme, error)) *Theme {
	at := func(field, format string, args ...any) { ps.Add(t.Pos.Line(field), field, format, args...) }
	for _, field := range []string{"background", "margin", "layouts"} {
		if _, set := t.Pos[field]; set {
			at(field, "a theme that extends %s overrides only palette, fonts and logo; copy the theme (campaignkit themes show %s) to change %s", t.Extends, t.Extends, field)
		}
	}
	if base == nil {
		at("extends", "extends works for a campaign's own themes, naming a built-in one")
		return t
	}
	if t.Logo != nil {
		r := t.Logo.Region
		if r[2] <= 0 || r[3] <= 0 || r[0] < 0 || r[1] < 0 || r[0]+r[2] > 1.0001 || r[1]+r[3] > 1.0001 {
			at("logo.region", "want [x, y, width, height] as fractions of the safe area, inside it, got %v", r)
			return t
		}
	}
	b, err := base(t.Extends)
	if err != nil {
		at("extends", "%v", err)
		return t
	}
	if b.Extends != "" {
		at("extends", "%s extends %s itself: extend a theme that stands on its own", t.Extends, b.Extends)
		return t
	}
	out := *b
	out.Name, out.Description, out.Extends, out.Logo, out.File, out.Pos = t.Name, t.Description, t.Extends, t.Logo, t.File, t.Pos
	if out.Description == "" {
		out.Description = b.Description
	}
	out.Palette = map[string]string{}
	for k, v := range b.Palette {
		out.Palette[k] = v
	}
	for k, v := range t.Palette {
		out.Palette[k] = v
	}
	out.Fonts = map[string]FontRole{}
	for k, v := range b.Fonts {
		out.Fonts[k] = v
	}
	for k, v := range t.Fonts {
		if v.Weight == "" {
			v.Weight = b.Fonts[k].Weight // a font file over the base's weight
		}
		out.Fonts[k] = v
	}
	// layouts are shared with the base but for the moved logo
	out.Layouts = map[string]*Layout{}
	for kind, l := range b.Layouts {
		if l == nil || t.Logo == nil {
			out.Layouts[kind] = l
			continue
		}
		nl := &Layout{Elements: moveLogo(l.Elements, t.Logo), Landscape: moveLogo(l.Landscape, t.Logo), Portrait: moveLogo(l.Portrait, t.Logo)}
		out.Layouts[kind] = nl
	}
	return &out
}

// moveLogo returns els with the logo element's region set to logo's.
func moveLogo(els map[string]*Element, logo *Element) map[string]*Element {
	if els == nil || els["logo"] == nil {
		return els
	}
	out := make(map[string]*Element, len(els))
	for k, e := range els {
		out[k] = e
	}
	moved := *els["logo"]
	moved.Region = logo.Region
	out["logo"] = &moved
	return out
}

func (t *Theme) validate(ps *toolkit.Problems, fsys fs.FS) {
	at := func(field, format string, args ...any) { ps.Add(t.Pos.Line(field), field, format, args...) }
	if t.Name == "" {
		at("name", "missing: give the theme a name")
	}
	for _, k := range toolkit.SortedKeys(t.Palette) {
		if _, err := ParseHex(t.Palette[k]); err != nil {
			at("palette."+k, "%v", err)
		}
	}
	color := func(field, v string) {
		if v == "" {
			return
		}
		if _, err := t.Color(v); err != nil {
			at(field, "%v (palette names: %s)", err, strings.Join(toolkit.SortedKeys(t.Palette), ", "))
		}
	}
	bg := t.Background
	switch bg.Kind {
	case "solid":
		if bg.Color == "" {
			at("background.color", "missing: a solid background needs a colour")
		}
		color("background.color", bg.Color)
	case "gradient":
		if len(bg.Stops) < 2 {
			at("background.stops", "a gradient needs at least two colours, got %d", len(bg.Stops))
		}
		for i, s := range bg.Stops {
			color(fmt.Sprintf("background.stops[%d]", i), s)
		}
	case "image":
		if bg.Image == "" {
			at("background.image", "missing: name the image file beside the theme")
		} else if msg := checkImage(fsys, bg.Image); msg != "" {
			at("background.image", "%s", msg)
		}
		color("background.overlay", bg.Overlay)
		if bg.Opacity < 0 || bg.Opacity > 1 {
			at("background.opacity", "want 0 to 1, got %g", bg.Opacity)
		}
	default:
		at("background.kind", "want solid, gradient or image, got %q", bg.Kind)
	}
	for _, role := range Roles {
		if _, ok := t.Fonts[role]; !ok {
			at("fonts", "missing the %q role (roles: %s)", role, strings.Join(Roles, ", "))
		}
	}
	for _, role := range toolkit.SortedKeys(t.Fonts) {
		if !slices.Contains(Roles, role) {
			at("fonts."+role, "unknown role %q (roles: %s)", role, strings.Join(Roles, ", "))
		} else if _, err := text.ParseWeight(t.Fonts[role].Weight); err != nil {
			at("fonts."+role, "%v", err)
		}
	}
	if t.Margin < 0 || t.Margin > 0.2 {
		at("margin", "want a fraction of the short side from 0 to 0.2, got %g", t.Margin)
	}
	for _, kind := range toolkit.SortedKeys(kindElements) {
		if t.Layouts[kind] == nil {
			at("layouts", "missing the layout for %q cards", kind)
		}
	}
	for _, kind := range toolkit.SortedKeys(t.Layouts) {
		allowed, ok := kindElements[kind]
		p := "layouts." + kind
		if !ok {
			at(p, "unknown card kind %q (kinds: %s)", kind, strings.Join(toolkit.SortedKeys(kindElements), ", "))
			continue
		}
		l := t.Layouts[kind]
		if l == nil {
			continue
		}
		allowed = append(slices.Clone(allowed), sharedElements...)
		for group, els := range map[string]map[string]*Element{"elements": l.Elements, "landscape": l.Landscape, "portrait": l.Portrait} {
			for _, name := range toolkit.SortedKeys(els) {
				f := p + "." + group + "." + name
				if !slices.Contains(allowed, name) {
					at(f, "unknown element %q for %s cards (elements: %s)", name, kind, strings.Join(allowed, ", "))
					continue
				}
				if e := els[name]; e != nil {
					t.validateElement(ps, f, name, e, color)
				}
			}
		}
	}
}

// imageElements hold pictures, not text.
var imageElements = []string{"logo", "partner", "portrait", "photo", "panel", "scrim", "accent"}

func (t *Theme) validateElement(ps *toolkit.Problems, f, name string, e *Element, color func(string, string)) {
	at := func(field, format string, args ...any) { ps.Add(t.Pos.Line(f+field), f+field, format, args...) }
	r := e.Region
	for i, v := range r {
		if v < 0 || v > 1 {
			at(fmt.Sprintf(".region[%d]", i), "want a fraction from 0 to 1, got %g", v)
		}
	}
	if r[2] <= 0 || r[3] <= 0 {
		at(".region", "width and height must be above 0, got %g x %g", r[2], r[3])
	}
	if r[0]+r[2] > 1.0001 || r[1]+r[3] > 1.0001 {
		at(".region", "x+width and y+height must stay within 1, got %g and %g", r[0]+r[2], r[1]+r[3])
	}
	color(f+".fill", e.Fill)
	if slices.Contains(imageElements, name) {
		return
	}
	if e.Font == "" {
		at(".font", "missing: choose a role (%s)", strings.Join(Roles, ", "))
	} else if !slices.Contains(Roles, e.Font) {
		at(".font", "unknown role %q (roles: %s)", e.Font, strings.Join(Roles, ", "))
	}
	if e.Color == "" {
		at(".color", "missing: give a palette name or #RRGGBB")
	}
	color(f+".color", e.Color)
	if e.Size[0] <= 0 || e.Size[1] < e.Size[0] || e.Size[1] > 600 {
		at(".size", "want [min, max] pixel sizes with 0 < min <= max <= 600, got %v", e.Size)
	}
	if e.LineHeight != 0 && (e.LineHeight < 0.8 || e.LineHeight > 3) {
		at(".line_height", "want 0.8 to 3, got %g", e.LineHeight)
	}
	if !slices.Contains([]string{"", "start", "center", "end"}, e.Align) {
		at(".align", "want start, center or end, got %q", e.Align)
	}
	if !slices.Contains([]string{"", "top", "middle", "bottom"}, e.VAlign) {
		at(".valign", "want top, middle or bottom, got %q", e.VAlign)
	}
	if e.Opacity < 0 || e.Opacity > 1 {
		at(".opacity", "want 0 to 1, got %g", e.Opacity)
	}
}

// IsText reports whether an element sets text.
func IsText(name string) bool { return !slices.Contains(imageElements, name) }

// Weight is the font weight of a role.
func (t *Theme) Weight(role string) text.Weight {
	w, _ := text.ParseWeight(t.Fonts[role].Weight)
	return w
}

// Luminance is the WCAG relative luminance of an opaque colour.
func Luminance(r, g, b uint8) float64 {
	lin := func(c uint8) float64 {
		v := float64(c) / 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// ContrastRatio is the WCAG contrast ratio of two opaque colours (1 to 21).
func ContrastRatio(a, b [3]uint8) float64 {
	la, lb := Luminance(a[0], a[1], a[2]), Luminance(b[0], b[1], b[2])
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}
