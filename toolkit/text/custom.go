package text

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"unicode"

	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/language"
)

// Font is a font file of a campaign's own (a brand kit's headline face),
// parsed once and shared by every goroutine. A Spec that names one draws
// with it first and with the embedded fonts for what it lacks.
type Font struct {
	Name   string // as the theme names it, for messages
	SHA256 string // of the file's bytes, for cache keys
	font   *font.Font
}

// fsTypeRestricted is the OS/2 fsType bit of a font whose licence allows
// no embedding at all ("Restricted License embedding").
const fsTypeRestricted = 0x0002

// ErrRestricted is a font whose licence forbids embedding it.
var ErrRestricted = errors.New("licence forbids embedding")

// ParseFont reads a TrueType or OpenType font file (one face, not a
// collection). A font whose OS/2 table sets the Restricted License bit is
// refused with an error wrapping ErrRestricted: a card is a picture made
// from the font's outlines and handed to the public, which such a licence
// does not allow.
func ParseFont(name string, data []byte) (*Font, error) {
	lds, err := ot.NewLoaders(bytesResource(data))
	if err != nil {
		return nil, fmt.Errorf("%s is not a TrueType or OpenType font: %w", name, err)
	}
	if len(lds) != 1 {
		return nil, fmt.Errorf("%s is a collection of %d fonts: name a single .ttf or .otf file", name, len(lds))
	}
	if os2, err := lds[0].RawTable(ot.MustNewTag("OS/2")); err == nil && len(os2) >= 10 {
		if fsType := binary.BigEndian.Uint16(os2[8:10]); fsType&fsTypeRestricted != 0 {
			return nil, fmt.Errorf("%s: its licence forbids embedding it (OS/2 fsType 0x%04X has the Restricted License bit), and a card draws it into an image given to the public: use a font whose licence allows embedding, or ask its foundry for one: %w", name, fsType, ErrRestricted)
		}
	}
	f, err := font.NewFont(lds[0])
	if err != nil {
		return nil, fmt.Errorf("%s is not a usable font: %w", name, err)
	}
	sum := sha256.Sum256(data)
	return &Font{Name: name, SHA256: hex.EncodeToString(sum[:]), font: f}, nil
}

// Has reports whether the font has a glyph for r.
func (f *Font) Has(r rune) bool {
	_, ok := f.font.Cmap.Lookup(r)
	return ok
}

// Uncovered returns the characters of spec.Text that spec.Font should draw
// but lacks, with the rune index of each first occurrence, so that a
// brand font never mixes with a fallback inside the scripts it is meant
// for. The font is taken to be meant for a script when it has at least
// one of the text's letters in it; a script it has none of (Arabic or
// Chinese text under a Latin brand font) is drawn in the embedded fonts,
// as are emoji. Punctuation and digits count with the script around them.
func (s *Shaper) Uncovered(spec Spec) (runes []rune, at []int) {
	if spec.Font == nil || spec.Text == "" {
		return nil, nil
	}
	text := []rune(spec.Text)
	runs := s.runs(text, spec.Lang, spec.Weight, spec.Font, 16)
	meant := map[language.Script]bool{}
	for _, run := range runs {
		if run.Face == s.emoji {
			continue
		}
		for _, r := range text[run.RunStart:run.RunEnd] {
			if unicode.IsLetter(r) && spec.Font.Has(r) {
				meant[run.Script] = true
			}
		}
	}
	seen := map[rune]bool{}
	for _, run := range runs {
		if run.Face == s.emoji || !meant[run.Script] && run.Script != language.Common {
			continue
		}
		for i := run.RunStart; i < run.RunEnd; i++ {
			r := text[i]
			if seen[r] || ignorable(r) || unicode.IsSpace(r) || spec.Font.Has(r) {
				continue
			}
			seen[r] = true
			runes = append(runes, r)
			at = append(at, i)
		}
	}
	return runes, at
}
