package theme

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/text"
	"gopkg.in/yaml.v3"
)

// FontRole is what a role (headline, body, accent) draws with: a weight
// of the embedded fonts, written as one word,
//
//	fonts: {headline: bold, body: regular}
//
// or, in a campaign's own theme, a font file of the campaign's with the
// weight of the embedded fonts that draw what the file lacks (other
// scripts, emoji):
//
//	fonts:
//	  headline: {file: fonts/Brand-Bold.ttf, weight: bold}
//
// The file is named from the campaign's folder, like its photos and logo.
// A brand kit that leaves the weight out keeps the one of the theme it
// extends.
type FontRole struct {
	Weight string `yaml:"weight"` // regular, bold or italic
	File   string `yaml:"file"`   // TTF or OTF, relative to the campaign's folder
}

// UnmarshalYAMLNode reads a weight or a {file, weight} mapping.
func (r *FontRole) UnmarshalYAMLNode(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		r.Weight = n.Value
		return nil
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				return fmt.Errorf("%s: want a single value", k.Value)
			}
			switch k.Value {
			case "file":
				r.File = v.Value
			case "weight":
				r.Weight = v.Value
			default:
				return fmt.Errorf("unknown key %q (known keys: file, weight)", k.Value)
			}
		}
		if r.File == "" {
			return errors.New("want {file: fonts/Brand-Bold.ttf, weight: bold}: file is missing")
		}
		return nil
	}
	return errors.New("want a weight (regular, bold, italic) or {file: fonts/Brand-Bold.ttf, weight: bold}")
}

// MarshalJSON writes a role without a file as its weight alone, so that
// the fingerprints of themes that name no font file stay as they were.
func (r FontRole) MarshalJSON() ([]byte, error) {
	if r.File == "" {
		return json.Marshal(r.Weight)
	}
	return json.Marshal(struct{ Weight, File string }{r.Weight, r.File})
}

// Font is the campaign's font file that role draws with, or nil when it
// draws with the embedded fonts.
func (t *Theme) Font(role string) *text.Font { return t.fonts[role] }

// FontHashes is the SHA-256 of every font file the theme draws with, by
// role, for cache keys: the theme's fingerprint has the files' names, not
// their bytes.
func (t *Theme) FontHashes() map[string]string {
	out := map[string]string{}
	for role, f := range t.fonts {
		out[role] = f.SHA256
	}
	return out
}

// fontExt are the font files a theme may name.
var fontExt = []string{".ttf", ".otf"}

// loadFonts reads and parses the font files the theme names from the
// campaign's folder (nil for a built-in theme, which may name none), once,
// through toolkit.ReadFile: bounded by toolkit.MaxFontBytes and kept
// inside the folder. Each problem is reported at its role's line.
func (t *Theme) loadFonts(ps *toolkit.Problems, campaign fs.FS) {
	for _, role := range toolkit.SortedKeys(t.Fonts) {
		file := t.Fonts[role].File
		if file == "" {
			continue
		}
		field := "fonts." + role
		at := func(format string, args ...any) { ps.Add(t.Pos.Line(field), field, format, args...) }
		if campaign == nil {
			at("font files are for a campaign's own themes (themes/<name>.yaml beside campaign.yaml); name a weight here")
			continue
		}
		ext := strings.ToLower(path.Ext(file))
		if ext != fontExt[0] && ext != fontExt[1] {
			at("%s: want a TrueType (.ttf) or OpenType (.otf) font file", file)
			continue
		}
		if !fs.ValidPath(file) {
			at("%s: name the file from the campaign's folder, with forward slashes and no ..", file)
			continue
		}
		data, err := toolkit.ReadFile(campaign, file, toolkit.MaxFontBytes)
		if err != nil {
			at("cannot read the font %s: %s", file, toolkit.Reason(err))
			continue
		}
		f, err := text.ParseFont(file, data)
		if err != nil {
			at("%v", err)
			continue
		}
		if t.fonts == nil {
			t.fonts = map[string]*text.Font{}
		}
		t.fonts[role] = f
	}
}
