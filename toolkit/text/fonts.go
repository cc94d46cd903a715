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

// Library holds the embedded fonts, each parsed the first time a text
// needs it: a card in Latin script never parses the CJK collections (40 MB
// of the 41), which saves their memory and the time to parse them in every
// process that draws no Chinese. It is safe for concurrent use.
type Library struct {
	fsys  fs.FS
	files [famCount][3]string // file names, by family and weight
	fonts map[string]*lazyFont
	emoji lazyFont // colour emoji, every weight (its tables are read in place)
}

// lazyFont is one font file, parsed once, on first use.
type lazyFont struct {
	once sync.Once
	f    *font.Font
	err  error
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

// Default returns the library of embedded fonts, parsed as needed, once
// per process.
func Default() (*Library, error) {
	defaultOnce.Do(func() { defaultLib, defaultErr = Load(fonts.FS) })
	return defaultLib, defaultErr
}

// Load opens the font files campaignkit embeds from fsys. The Latin family
// is parsed at once, so that a missing or broken file shows here; the
// others when a text first needs them (see Library), and a broken one
// fails the Fit that needed it.
func Load(fsys fs.FS) (*Library, error) {
	lib := &Library{fsys: fsys, fonts: map[string]*lazyFont{}}
	spec := [famCount][3]string{
		famSans:   {"NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf"},
		famArabic: {"NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", ""},
		famCJK:    {"NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", ""},
	}
	for fam := range spec {
		for w, name := range spec[fam] {
			if name == "" {
				name = spec[fam][Regular]
			}
			if _, ok := lib.fonts[name]; !ok {
				lib.fonts[name] = &lazyFont{}
			}
			lib.files[fam][w] = name
		}
	}
	for w := range spec[famSans] {
		if _, err := lib.font(famSans, Weight(w)); err != nil {
			return nil, err
		}
	}
	return lib, nil
}

// emojiFont returns the parsed emoji font, parsing it the first time a
// text holds a character that may be an emoji: most cards have none, and
// its bitmap index alone is megabytes.
func (l *Library) emojiFont() (*font.Font, error) {
	l.emoji.once.Do(func() { l.emoji.f, l.emoji.err = parseFile(l.fsys, EmojiFile) })
	return l.emoji.f, l.emoji.err
}

// font returns the parsed font of a family and weight, parsing its file
// the first time.
func (l *Library) font(fam family, w Weight) (*font.Font, error) {
	name := l.files[fam][w]
	lf := l.fonts[name]
	lf.once.Do(func() { lf.f, lf.err = parseFile(l.fsys, name) })
	return lf.f, lf.err
}

// parseFile parses one font file (the CJK face of a collection). The
// embedded files are read in place (go-text reads the tables it keeps
// through ReadAt), never copied whole; any other folder's through
// toolkit.ReadFile, bounded.
func parseFile(fsys fs.FS, name string) (*font.Font, error) {
	var res ot.Resource
	if fsys == fs.FS(fonts.FS) {
		f, err := fonts.FS.Open(name)
		if err != nil {
			return nil, fmt.Errorf("font %w", err)
		}
		defer f.Close()
		r, ok := f.(ot.Resource)
		if !ok {
			return nil, fmt.Errorf("font %s: embedded file cannot be read in place", name)
		}
		res = r
	} else {
		data, err := toolkit.ReadFile(fsys, name, toolkit.MaxFontBytes)
		if err != nil {
			return nil, fmt.Errorf("font %w", err)
		}
		res = bytesResource(data)
	}
	lds, err := ot.NewLoaders(res)
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
	ft, err := font.NewFont(lds[idx])
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", name, err)
	}
	return ft, nil
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
