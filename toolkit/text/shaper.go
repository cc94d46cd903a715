package text

import (
	"image"
	"math"
	"unicode"

	"github.com/campaignkit/campaignkit/toolkit/i18n"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Shaper shapes, wraps and draws text. It caches faces, glyph outlines and
// shaping buffers, so reuse it; it is not safe for concurrent use.
type Shaper struct {
	lib      *Library
	faces    [famCount][3]*font.Face
	emoji    *font.Face           // made on first use (emojiFace)
	custom   map[*Font]*font.Face // a campaign's own fonts, one face each
	hb       shaping.HarfbuzzShaper
	seg      shaping.Segmenter
	wrap     shaping.LineWrapper
	fm       fontmap
	err      error // a font that could not be parsed when a text needed it
	outlines map[outlineKey]outline
	// glyph masks drawn so far (see Draw), and their size in bytes
	masks     map[maskKey]glyphMask
	maskBytes int
	raster    *vector.Rasterizer
	line      []byte // a line's coverage, as it is drawn
	// colour glyphs (emoji.go)
	bitmaps    map[outlineKey]image.Image
	hasBitmaps map[*font.Font]bool
}

type outlineKey struct {
	f   *font.Font
	gid font.GID
}

// NewShaper returns a shaper drawing from the library's fonts.
func (l *Library) NewShaper() *Shaper {
	s := &Shaper{
		lib: l, outlines: map[outlineKey]outline{}, masks: map[maskKey]glyphMask{}, raster: vector.NewRasterizer(0, 0),
		custom: map[*Font]*font.Face{}, bitmaps: map[outlineKey]image.Image{}, hasBitmaps: map[*font.Font]bool{},
	}
	s.fm.s = s
	return s
}

// face returns the face of a family and weight, made the first time it is
// asked for (and its font parsed, the first time in the process). Weights
// of the same font share one Face, so its caches are shared too. A font
// that cannot be parsed has no face: nil, and the error is kept for Fit.
func (s *Shaper) face(fam family, w Weight) *font.Face {
	if f := s.faces[fam][w]; f != nil {
		return f
	}
	ft, err := s.lib.font(fam, w)
	if err != nil {
		s.err = err
		return nil
	}
	for w2 := range s.faces[fam] {
		if f := s.faces[fam][w2]; f != nil && f.Font == ft {
			s.faces[fam][w] = f
			return f
		}
	}
	s.faces[fam][w] = font.NewFace(ft)
	return s.faces[fam][w]
}

// fontmap picks a face for each rune: the campaign's own font when the
// text has one and it has the character, then the family of the run's
// script, then any family that has the character. Emoji are given the
// emoji face afterwards (withEmoji), sequence by sequence.
type fontmap struct {
	s      *Shaper
	weight Weight
	custom *font.Face // nil for none
	lang   family     // the family of the paragraph's language
	pref   family     // the family of the current run's script, else lang
}

// familyOf is the face set the embedded family i18n names is loaded in;
// a script without one is tried in Noto Sans first (then fallback finds
// any face that has the character).
func familyOf(f i18n.Family) family {
	switch f {
	case i18n.NotoNaskhArabic:
		return famArabic
	case i18n.NotoSansCJK:
		return famCJK
	}
	return famSans
}

// scriptFamily is the family for a run of script sc, and false for a
// script i18n gives no family (Common, Inherited, Hebrew, ...).
func scriptFamily(sc language.Script) (family, bool) {
	code, ok := i18n.ParseScript(sc.String())
	if !ok {
		return 0, false
	}
	f := i18n.ScriptFamily(code)
	return familyOf(f), f != i18n.NoFont
}

// SetScript is called by the segmenter at the start of each run; the
// family is picked here, once per run, rather than per rune.
func (m *fontmap) SetScript(sc language.Script) {
	m.pref = m.lang
	if f, ok := scriptFamily(sc); ok {
		m.pref = f
	}
}

func (m *fontmap) ResolveFace(r rune) *font.Face {
	if m.custom != nil && covers(m.custom, r) {
		return m.custom
	}
	pref := m.pref
	if f := m.s.face(pref, m.weight); covers(f, r) {
		return f
	}
	for fam := range famCount {
		if f := m.s.face(fam, m.weight); covers(f, r) {
			return f
		}
	}
	if f := m.s.face(pref, m.weight); f != nil {
		return f
	}
	return m.s.face(famSans, m.weight) // parsed when the library was loaded
}

func covers(f *font.Face, r rune) bool {
	if f == nil {
		return false
	}
	_, ok := f.NominalGlyph(r)
	return ok
}

// ignorable reports characters that are never drawn, so need no glyph:
// format controls (ZWSP, ZWJ, bidi marks), variation selectors, line ends.
func ignorable(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) || r == '\n' || r == '\r' || r == '\t'
}

// Missing returns the characters of s that no embedded font has, with the
// rune index of each first occurrence. Emoji sequences are looked up in
// the emoji font, everything else in the text fonts.
func (s *Shaper) Missing(str string) (runes []rune, at []int) {
	return s.missing([]rune(str), nil)
}

// missing is Missing for a text that may also draw from custom.
func (s *Shaper) missing(text []rune, custom *Font) (runes []rune, at []int) {
	textHas := func(r rune) bool {
		if custom != nil && custom.Has(r) {
			return true
		}
		for fam := range famCount {
			if covers(s.face(fam, Regular), r) {
				return true
			}
		}
		return false
	}
	mask := emojiMask(text, textHas, s.emojiHas)
	seen := map[rune]bool{}
	for i, r := range text {
		if ignorable(r) || seen[r] {
			continue
		}
		seen[r] = true
		if mask != nil && mask[i] && s.emojiHas(r) || textHas(r) {
			continue
		}
		runes = append(runes, r)
		at = append(at, i)
	}
	return runes, at
}

func (s *Shaper) emojiHas(r rune) bool { return covers(s.emojiFace(), r) }

// emojiFace is the face of the emoji font, made (and the font parsed) the
// first time a character may be an emoji; nil, the error kept for Fit,
// when the font cannot be parsed.
func (s *Shaper) emojiFace() *font.Face {
	if s.emoji == nil {
		f, err := s.lib.emojiFont()
		if err != nil {
			s.err = err
			return nil
		}
		s.emoji = font.NewFace(f)
	}
	return s.emoji
}

// customFace is the shaper's face of a campaign's font, made on first use.
func (s *Shaper) customFace(f *Font) *font.Face {
	if f == nil {
		return nil
	}
	fc, ok := s.custom[f]
	if !ok {
		fc = font.NewFace(f.font)
		s.custom[f] = fc
	}
	return fc
}

// direction is the paragraph direction of text in lang, from i18n.
func direction(lang string) di.Direction {
	if i18n.IsRTL(lang) {
		return di.DirectionRTL
	}
	return di.DirectionLTR
}

// shape splits text into runs of one direction, script and face, and
// shapes each at size pixels.
func (s *Shaper) shape(text []rune, lang string, w Weight, custom *Font, size float64) []shaping.Output {
	inputs := s.runs(text, lang, w, custom, size)
	outs := make([]shaping.Output, len(inputs))
	for i, run := range inputs {
		outs[i] = s.hb.Shape(run)
	}
	return outs
}

// runs splits text into runs of one direction, script and face, emoji
// sequences in runs of the emoji face.
func (s *Shaper) runs(text []rune, lang string, w Weight, custom *Font, size float64) []shaping.Input {
	s.fm.weight = w
	s.fm.custom = s.customFace(custom)
	s.fm.lang = familyOf(i18n.Of(lang).Family)
	s.fm.pref = s.fm.lang
	in := shaping.Input{
		Text:      text,
		RunStart:  0,
		RunEnd:    len(text),
		Direction: direction(lang),
		Size:      fixed.Int26_6(size*64 + 0.5),
		Language:  language.NewLanguage(lang),
	}
	runs := s.seg.Split(in, &s.fm)
	textHas := func(r rune) bool {
		if s.fm.custom != nil && covers(s.fm.custom, r) {
			return true
		}
		for fam := range famCount {
			if covers(s.face(fam, w), r) {
				return true
			}
		}
		return false
	}
	mask := emojiMask(text, textHas, s.emojiHas) // makes s.emoji when needed
	return withEmoji(runs, mask, s.emoji)
}

// scaled returns copies of outs as if shaped at a size factor times larger.
// Without hinting, shaping scales linearly, so one shaping serves every size
// an auto-fit tries.
func scaled(outs []shaping.Output, factor float64) []shaping.Output {
	sc := func(v fixed.Int26_6) fixed.Int26_6 { return fixed.Int26_6(float64(v)*factor + 0.5*sign(v)) }
	res := make([]shaping.Output, len(outs))
	for i, o := range outs {
		o.Size = sc(o.Size)
		o.Advance = sc(o.Advance)
		o.LineBounds = shaping.Bounds{Ascent: sc(o.LineBounds.Ascent), Descent: sc(o.LineBounds.Descent), Gap: sc(o.LineBounds.Gap)}
		o.GlyphBounds = shaping.Bounds{Ascent: sc(o.GlyphBounds.Ascent), Descent: sc(o.GlyphBounds.Descent), Gap: sc(o.GlyphBounds.Gap)}
		gl := make([]shaping.Glyph, len(o.Glyphs))
		for j, g := range o.Glyphs {
			g.Width, g.Height = sc(g.Width), sc(g.Height)
			g.XBearing, g.YBearing = sc(g.XBearing), sc(g.YBearing)
			g.Advance, g.XAdvance, g.YAdvance = sc(g.Advance), sc(g.XAdvance), sc(g.YAdvance)
			g.XOffset, g.YOffset = sc(g.XOffset), sc(g.YOffset)
			gl[j] = g
		}
		o.Glyphs = gl
		res[i] = o
	}
	return res
}

func sign(v fixed.Int26_6) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// outline is a glyph's outline in font units, y up, and the box of its
// points.
type outline struct {
	segs           []ot.Segment
	x0, y0, x1, y1 float32
}

// outline returns the glyph's outline, cached.
func (s *Shaper) outline(f *font.Face, gid font.GID) outline {
	k := outlineKey{f.Font, gid}
	if o, ok := s.outlines[k]; ok {
		return o
	}
	var o outline
	if g, ok := f.GlyphData(gid).(font.GlyphOutline); ok && len(g.Segments) > 0 {
		o.segs = g.Segments
		o.x0, o.y0 = float32(math.Inf(1)), float32(math.Inf(1))
		o.x1, o.y1 = float32(math.Inf(-1)), float32(math.Inf(-1))
		for _, sg := range o.segs {
			for _, p := range sg.ArgsSlice() {
				o.x0, o.y0 = min(o.x0, p.X), min(o.y0, p.Y)
				o.x1, o.y1 = max(o.x1, p.X), max(o.y1, p.Y)
			}
		}
	}
	s.outlines[k] = o
	return o
}
