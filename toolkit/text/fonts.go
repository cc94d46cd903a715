// Package text lays out and draws text that is right in every language:
// OpenType shaping (kerning, ligatures, Arabic joining) with
// go-text/typesetting's HarfBuzz port, the Unicode bidi algorithm for mixed
// direction, UAX #14 line breaking, font fallback by script, auto-fit with
// balanced lines, glyphs filled from their outlines through gg, and colour
// emoji drawn from the bitmaps of an embedded emoji font.
//
// A Library (parsed fonts) is shared by every goroutine; a Shaper is not safe
// for concurrent use: make one per goroutine.
package text

import (
	"fmt"
	"io/fs"
	"sync"

	"github.com/campaignkit/campaignkit/fonts"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
)

// Weight selects a face of a family.
type Weight int

// The weights the embedded families have. Italic falls back to Regular in
// scripts that have no italic (Arabic, Han).
const (
	Regular Weight = iota
	Bold
	Italic
)

// ParseWeight reads "regular", "bold" or "italic".
func ParseWeight(s string) (Weight, error) {
	switch s {
	case "regular", "":
		return Regular, nil
	case "bold":
		return Bold, nil
	case "italic":
		return Italic, nil
	}
	return 0, fmt.Errorf("unknown font weight %q (choose regular, bold or italic)", s)
}

func (w Weight) String() string { return [...]string{"regular", "bold", "italic"}[w] }

// family is the set of faces for one group of scripts.
type family int

const (
	famSans   family = iota // Latin, Greek, Cyrillic
	famArabic               // Arabic
	famCJK                  // Han, kana, hangul, CJK punctuation
	famCount
)

// Library holds the parsed embedded fonts. It is safe for concurrent use.
type Library struct {
	fonts [famCount][3]*font.Font // by family and weight
	files [famCount][3]string     // file names, for tests against hb-shape
	emoji *font.Font              // colour emoji, every weight
}

// EmojiFile is the embedded colour emoji font (Noto Color Emoji, PNG
// bitmaps in a CBDT table).
const EmojiFile = "NotoColorEmoji.ttf"

// EmojiVersion says which emoji the embedded font has, for messages.
const EmojiVersion = "Noto Color Emoji 2.042, Emoji 15.1"

var (
	defaultOnce sync.Once
	defaultLib  *Library
	defaultErr  error
)

// Default returns the library of embedded fonts, parsed once per process.
func Default() (*Library, error) {
	defaultOnce.Do(func() { defaultLib, defaultErr = Load(fonts.FS) })
	return defaultLib, defaultErr
}

// Load parses the font files campaignkit embeds from fsys.
func Load(fsys fs.FS) (*Library, error) {
	lib := &Library{}
	spec := [famCount][3]string{
		famSans:   {"NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf"},
		famArabic: {"NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", ""},
		famCJK:    {"NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", ""},
	}
	parsed := map[string]*font.Font{}
	for fam := range spec {
		for w, name := range spec[fam] {
			if name == "" {
				name = spec[fam][Regular]
			}
			f, ok := parsed[name]
			if !ok {
				var err error
				f, err = parseFile(fsys, name)
				if err != nil {
					return nil, err
				}
				parsed[name] = f
			}
			lib.fonts[fam][w] = f
			lib.files[fam][w] = name
		}
	}
	var err error
	if lib.emoji, err = parseFile(fsys, EmojiFile); err != nil {
		return nil, err
	}
	return lib, nil
}

func parseFile(fsys fs.FS, name string) (*font.Font, error) {
	data, err := toolkit.ReadFile(fsys, name, toolkit.MaxFontBytes)
	if err != nil {
		return nil, fmt.Errorf("font %w", err)
	}
	lds, err := ot.NewLoaders(bytesResource(data))
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", name, err)
	}
	idx := 0
	if len(lds) > 1 {
		idx = fonts.CJKFaceIndex
	}
	if idx >= len(lds) {
		return nil, fmt.Errorf("font %s: no face %d in a collection of %d", name, idx, len(lds))
	}
	f, err := font.NewFont(lds[idx])
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", name, err)
	}
	return f, nil
}

// FontFile returns the embedded file name and face index used for a script
// group ("latin", "arabic", "cjk") and weight, for comparison with other
// shaping engines.
func (l *Library) FontFile(group string, w Weight) (name string, index int) {
	switch group {
	case "arabic":
		return l.files[famArabic][w], 0
	case "cjk":
		return l.files[famCJK][w], fonts.CJKFaceIndex
	}
	return l.files[famSans][w], 0
}
