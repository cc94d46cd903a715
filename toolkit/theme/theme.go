// Package theme loads and validates theme templates: palette, background,
// fonts per role, logo and partner-logo slots, and layout regions per card
// kind given relative to the canvas, so that one theme serves every size.
// It draws nothing; toolkit/render does.
package theme

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/text"
)

// Theme is a validated theme template.
type Theme struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Extends names a built-in theme this one is a brand kit of: it
	// takes everything from it and overrides only Palette (colour by
	// colour), Fonts (role by role, a weight or a font file of the
	// campaign's) and Logo.
	Extends string `yaml:"extends"`
	// Logo, in a theme that extends another, moves the logo on every
	// card: its region replaces the logo element's in every layout.
	Logo       *Element            `yaml:"logo"`
	Palette    map[string]string   `yaml:"palette"`
	Background Background          `yaml:"background"`
	Fonts      map[string]FontRole `yaml:"fonts"`  // role (headline, body, accent) -> weight or font file
	Margin     float64             `yaml:"margin"` // safe-area margin, fraction of the short side
	Layouts    map[string]*Layout  `yaml:"layouts"`

	File string            `yaml:"-"`
	Pos  toolkit.Positions `yaml:"-"`

	fonts map[string]*text.Font // the files Fonts names, parsed, by role
}

// Background is what fills the canvas before anything else.
type Background struct {
	Kind    string   `yaml:"kind"`    // solid, gradient or image
	Color   string   `yaml:"color"`   // solid
	Angle   float64  `yaml:"angle"`   // gradient: degrees, 0 = left to right, 90 = top to bottom
	Stops   []string `yaml:"stops"`   // gradient: colours spread evenly
	Image   string   `yaml:"image"`   // image: file beside the theme
	Overlay string   `yaml:"overlay"` // image: colour laid over it
	Opacity float64  `yaml:"opacity"` // image: overlay opacity 0..1
}

// Layout places a card kind's elements. Landscape and Portrait override
// whole elements on wide (aspect >= 1.4) and tall (aspect <= 0.8) canvases.
type Layout struct {
	Elements  map[string]*Element `yaml:"elements"`
	Landscape map[string]*Element `yaml:"landscape"`
	Portrait  map[string]*Element `yaml:"portrait"`
}

// Element is one region of a card: text, an image slot, or a panel.
type Element struct {
	// Region is x, y, width, height as fractions of the safe area (or of
	// the whole canvas when Bleed is set).
	Region     [4]float64 `yaml:"region"`
	Bleed      bool       `yaml:"bleed"`
	Font       string     `yaml:"font"`  // role: headline, body or accent
	Color      string     `yaml:"color"` // palette name or #RRGGBB
	Size       [2]float64 `yaml:"size"`  // min and max font size, px at a 1080 px short side
	LineHeight float64    `yaml:"line_height"`
	Align      string     `yaml:"align"`  // start, center, end
	VAlign     string     `yaml:"valign"` // top, middle, bottom
	MaxLines   int        `yaml:"max_lines"`
	Fill       string     `yaml:"fill"`    // panel colour behind the region (#RRGGBBAA allowed)
	Radius     float64    `yaml:"radius"`  // panel corner radius, fraction of the short side
	Padding    float64    `yaml:"padding"` // text inset inside the panel, fraction of the short side
	Opacity    float64    `yaml:"opacity"` // text opacity 0..1 (0 means 1), for decorative elements
	Upper      bool       `yaml:"uppercase"`
	Decorative bool       `yaml:"decorative"` // ornament, not text to read: exempt from contrast rules
}

// Elements every kind knows, besides the shared logo, partner and title.
var kindElements = map[string][]string{
	"hashtag":   {"tag", "text"},
	"quote":     {"mark", "quote", "speaker", "role", "portrait"},
	"stat":      {"figure", "label", "source"},
	"story":     {"photo", "scrim", "quote", "name"},
	"countdown": {"number", "text"},
}

var sharedElements = []string{"logo", "partner", "title", "panel", "accent"}

// Roles are the font roles a theme maps to weights.
var Roles = []string{"headline", "body", "accent"}

// ForCanvas returns the elements of kind for a canvas of w x h pixels, with
// orientation overrides applied.
func (t *Theme) ForCanvas(kind string, w, h int) map[string]*Element {
	l := t.Layouts[kind]
	if l == nil {
		return nil
	}
	out := map[string]*Element{}
	for k, e := range l.Elements {
		out[k] = e
	}
	aspect := float64(w) / float64(h)
	var over map[string]*Element
	switch {
	case aspect >= 1.4:
		over = l.Landscape
	case aspect <= 0.8:
		over = l.Portrait
	}
	for k, e := range over {
		if e == nil || e.Region == [4]float64{} && e.Color == "" && e.Fill == "" {
			delete(out, k) // an empty override removes the element
			continue
		}
		out[k] = e
	}
	return out
}

// Color resolves a palette name or #RRGGBB / #RRGGBBAA.
func (t *Theme) Color(s string) (color.NRGBA, error) {
	if v, ok := t.Palette[s]; ok {
		s = v
	}
	return ParseHex(s)
}

// ColorOf is Color for values validation already accepted; a value it
// would not accept gives the zero colour (transparent black), not a panic.
func (t *Theme) ColorOf(s string) color.NRGBA {
	c, _ := t.Color(s)
	return c
}

// ParseHex reads #RGB, #RRGGBB or #RRGGBBAA.
func ParseHex(s string) (color.NRGBA, error) {
	h, ok := strings.CutPrefix(s, "#")
	if !ok {
		return color.NRGBA{}, fmt.Errorf("want a colour such as #0B3D91 or a palette name, got %q", s)
	}
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) == 6 {
		h += "ff"
	}
	if len(h) != 8 {
		return color.NRGBA{}, fmt.Errorf("want a colour such as #0B3D91, got %q", s)
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return color.NRGBA{}, fmt.Errorf("want a colour such as #0B3D91, got %q", s)
	}
	return color.NRGBA{uint8(v >> 24), uint8(v >> 16), uint8(v >> 8), uint8(v)}, nil
}

// Fingerprint hashes everything in the theme that can change a pixel: every
// field read from its file (the whole struct, so a field added later is
// never left out) but where it came from. The background picture's bytes
// are not in it; callers that cache pixels hash that file too.
func (t *Theme) Fingerprint() string {
	c := *t
	c.Description, c.File, c.Pos = "", "", nil
	b, err := json.Marshal(c)
	if err != nil {
		return "unhashable: " + err.Error() // never matches a real hash
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
