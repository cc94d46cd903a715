package text

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/campaignkit/campaignkit/toolkit/i18n"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
)

// Align is the horizontal alignment of lines in their box. Start and End
// follow the paragraph's direction: Start is the right edge in Arabic.
type Align int

// The alignments.
const (
	Start Align = iota
	Center
	End
)

// VAlign is where a block sits vertically in its box.
type VAlign int

// The vertical alignments.
const (
	Top VAlign = iota
	Middle
	Bottom
)

// Rect is an axis-aligned box in pixels, X0,Y0 inclusive top-left.
type Rect struct{ X0, Y0, X1, Y1 float64 }

// W is the width of r.
func (r Rect) W() float64 { return r.X1 - r.X0 }

// H is the height of r.
func (r Rect) H() float64 { return r.Y1 - r.Y0 }

// Empty reports whether r has no area.
func (r Rect) Empty() bool { return r.X1 <= r.X0 || r.Y1 <= r.Y0 }

// Contains reports whether o lies inside r, within tol pixels.
func (r Rect) Contains(o Rect, tol float64) bool {
	return o.X0 >= r.X0-tol && o.Y0 >= r.Y0-tol && o.X1 <= r.X1+tol && o.Y1 <= r.Y1+tol
}

// Union is the smallest rect holding r and o; an empty operand is ignored.
func (r Rect) Union(o Rect) Rect {
	if r.Empty() {
		return o
	}
	if o.Empty() {
		return r
	}
	return Rect{math.Min(r.X0, o.X0), math.Min(r.Y0, o.Y0), math.Max(r.X1, o.X1), math.Max(r.Y1, o.Y1)}
}

// Spec says what text to set and how.
type Spec struct {
	Text       string
	Lang       string  // BCP 47 tag: picks direction, fonts and language-specific shaping
	Weight     Weight  //
	MinSize    float64 // smallest font size in pixels auto-fit may choose
	MaxSize    float64 // largest; equal to MinSize for a fixed size
	LineHeight float64 // line pitch as a multiple of the size; 0 means 1.25
	Align      Align
	VAlign     VAlign
	MaxLines   int  // 0: as many as fit
	NoBalance  bool // keep greedy line breaks instead of balanced lines
	// Font, when set, is tried before the embedded fonts for every
	// character but emoji (a brand kit's own font).
	Font *Font
}

// Glyph is one positioned glyph.
type Glyph struct {
	Face  *font.Face
	ID    font.GID
	X, Y  float64 // pen position on the baseline, pixels
	Size  float64 // pixels per em
	Ink   Rect    // the glyph's ink box; empty for blank glyphs
	Index int     // index of the first rune of its cluster in the text
}

// Line is one line of set text.
type Line struct {
	Glyphs   []Glyph
	Width    float64 // advance width
	Baseline float64
	Start    int // first rune index
	End      int // one past the last rune index
}

// Block is text laid out in a box.
type Block struct {
	Spec  Spec
	Box   Rect    // the box it was fitted to
	Size  float64 // the chosen font size
	Lines []Line
	Ink   Rect // union of all glyph ink boxes
}

// Glyphs returns every glyph of the block.
func (b *Block) Glyphs() []Glyph {
	var all []Glyph
	for _, l := range b.Lines {
		all = append(all, l.Glyphs...)
	}
	return all
}

// LineTexts returns the text of each line, for tests and messages.
func (b *Block) LineTexts() []string {
	r := []rune(b.Spec.Text)
	out := make([]string, len(b.Lines))
	for i, l := range b.Lines {
		out[i] = strings.TrimSpace(strings.ReplaceAll(string(r[l.Start:l.End]), string(wordJoiner), ""))
	}
	return out
}

// FitError says text cannot fit its box even at the smallest size allowed.
type FitError struct {
	Text    string
	MinSize float64
	Box     Rect
	Reason  string
}

func (e *FitError) Error() string {
	t := e.Text
	if r := []rune(t); len(r) > 40 {
		t = string(r[:40]) + "…"
	}
	return fmt.Sprintf("text %q does not fit its %.0fx%.0f px region even at the minimum size %.0f px (%s): shorten it, or lower the theme's minimum size", t, e.Box.W(), e.Box.H(), e.MinSize, e.Reason)
}

// MissingGlyphsError lists characters no embedded font can draw.
type MissingGlyphsError struct {
	Text  string
	Runes []rune
	At    []int // rune index of each in Text
}

// Error groups the characters by what they are, so that the message says
// why: a script no embedded font covers ("no font for Hebrew script"), an
// emoji newer than the embedded emoji font, or a symbol the fonts lack.
func (e *MissingGlyphsError) Error() string {
	var order []string
	groups := map[string][]string{}
	for i, r := range e.Runes {
		k := missingKind(r)
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], fmt.Sprintf("%q U+%04X at character %d", r, r, e.At[i]+1))
	}
	parts := make([]string, len(order))
	for i, k := range order {
		list := strings.Join(groups[k], ", ")
		switch k {
		case "emoji":
			parts[i] = "the embedded emoji font (" + EmojiVersion + ") has no " + list + ": use another emoji, or remove it from the card (captions may keep it)"
		case "":
			parts[i] = "no font has " + list + ": remove or replace these characters"
		default:
			parts[i] = "no font for " + k + " script: " + list + ": campaignkit embeds fonts for " + i18n.Covered + " only; remove this text or write it in one of those scripts"
		}
	}
	return strings.Join(parts, "; ")
}

// missingKind is the Unicode script of a character no font has, "emoji",
// or "" for any other symbol.
func missingKind(r rune) string {
	if isEmoji(r) {
		return "emoji"
	}
	return i18n.RuneScript(r)
}

// isEmoji reports characters that belong to emoji sequences: a
// character no font has is reported as an emoji the emoji font lacks.
func isEmoji(r rune) bool { return i18n.Pictograph(r) || i18n.RegionalIndicator(r) || i18n.SkinTone(r) }

// Fit sets spec.Text in box at the largest size in [MinSize, MaxSize] at
// which every glyph's ink lies inside the box, with balanced lines and no
// orphaned last word. Sizes are tried in whole pixels.
func (s *Shaper) Fit(spec Spec, box Rect) (*Block, error) {
	if spec.LineHeight == 0 {
		spec.LineHeight = 1.25
	}
	if spec.MaxSize < spec.MinSize {
		spec.MaxSize = spec.MinSize
	}
	miss, at := s.missing([]rune(spec.Text), spec.Font)
	if s.err != nil {
		return nil, s.err // a font that would have been needed is broken
	}
	if len(miss) > 0 {
		return nil, &MissingGlyphsError{Text: spec.Text, Runes: miss, At: at}
	}
	if isZh(spec.Lang) {
		spec.Text = keepWords(spec.Text)
	}
	runes := []rune(spec.Text)
	ref := math.Max(spec.MaxSize, 1)
	base := s.shape(runes, spec.Lang, spec.Weight, spec.Font, ref)
	if s.err != nil {
		return nil, s.err
	}
	try := func(size float64) (*Block, string) {
		return s.setAt(spec, runes, scaled(base, size/ref), size, box)
	}
	lo, hi := math.Ceil(spec.MinSize), math.Floor(spec.MaxSize)
	if hi < lo {
		hi = lo
	}
	if b, _ := try(hi); b != nil {
		return b, nil
	}
	best, why := try(lo)
	if best == nil {
		return nil, &FitError{Text: spec.Text, MinSize: lo, Box: box, Reason: why}
	}
	// invariant: lo fits, hi does not
	for hi-lo > 1 {
		mid := math.Floor((lo + hi) / 2)
		if b, _ := try(mid); b != nil {
			lo, best = mid, b
		} else {
			hi = mid
		}
	}
	return best, nil
}

// setAt lays out at one size; it returns nil and the reason when it does not fit.
func (s *Shaper) setAt(spec Spec, runes []rune, outs []shaping.Output, size float64, box Rect) (*Block, string) {
	cfg := shaping.WrapConfig{Direction: direction(spec.Lang), BreakPolicy: shaping.Never}
	work := make([]shaping.Output, len(outs))
	wrapAt := func(w float64) []shaping.Line {
		// The wrapper zeroes the advance of whitespace it leaves at a line
		// end, in place: give it a fresh copy each time.
		for i, o := range outs {
			o.Glyphs = append(work[i].Glyphs[:0], o.Glyphs...)
			work[i] = o
		}
		lines, _ := s.wrap.WrapParagraphF(cfg, fixed.Int26_6(w*64), runes, shaping.NewSliceIterator(work))
		return lines
	}
	lines := wrapAt(box.W())
	n := len(lines)
	if spec.MaxLines > 0 && n > spec.MaxLines {
		return nil, fmt.Sprintf("needs %d lines, at most %d allowed", n, spec.MaxLines)
	}
	for _, l := range lines {
		if lineWidth(l) > box.W()+0.01 {
			return nil, "a word is wider than the region"
		}
	}
	if n > 1 && !spec.NoBalance {
		w := s.balance(wrapAt, n, box.W())
		if orphan(runes, wrapAt(w)) {
			for f := 0.97; f > 0.6; f -= 0.03 {
				alt := wrapAt(w * f)
				if len(alt) > n {
					break
				}
				if !orphan(runes, alt) {
					w *= f
					break
				}
			}
		}
		// the wrapper reuses its buffers: wrap once more at the chosen width
		lines = wrapAt(w)
	}
	height := blockHeight(lines, size*spec.LineHeight)
	if height > box.H()+0.01 {
		return nil, fmt.Sprintf("%d lines need %.0f px of height, the region has %.0f", n, height, box.H())
	}
	b := s.place(spec, runes, lines, size, box, height)
	if !box.Contains(b.Ink, 0.5) {
		return nil, "glyphs reach outside the region"
	}
	return b, ""
}

// blockHeight is the height from the first line's ascent to the last
// line's descent.
func blockHeight(lines []shaping.Line, pitch float64) float64 {
	asc, _ := lineExtents(lines[0])
	_, desc := lineExtents(lines[len(lines)-1])
	return asc + float64(len(lines)-1)*pitch + desc
}

// balance finds the narrowest width that still gives n lines, so that lines
// come out of similar length instead of a long first line and a short last.
func (s *Shaper) balance(wrapAt func(float64) []shaping.Line, n int, full float64) float64 {
	lo, hi := full/float64(n)*0.8, full // lo may give more lines; hi gives n
	for i := 0; i < 12 && hi-lo > 1; i++ {
		mid := (lo + hi) / 2
		if len(wrapAt(mid)) > n {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// orphan reports a last line of one word under lines that have several, in
// text that separates words with spaces.
func orphan(runes []rune, lines []shaping.Line) bool {
	if len(lines) < 2 {
		return false
	}
	start, end := lineRange(lines[len(lines)-1])
	last := strings.TrimSpace(string(runes[start:end]))
	if strings.ContainsFunc(last, unicode.IsSpace) {
		return false
	}
	s0, e0 := lineRange(lines[0])
	return strings.ContainsFunc(strings.TrimSpace(string(runes[s0:e0])), unicode.IsSpace)
}

func lineRange(l shaping.Line) (start, end int) {
	start, end = math.MaxInt, 0
	for _, o := range l {
		start = min(start, o.Runes.Offset)
		end = max(end, o.Runes.Offset+o.Runes.Count)
	}
	return start, end
}

func lineWidth(l shaping.Line) float64 {
	var w fixed.Int26_6
	for _, o := range l {
		w += o.Advance
	}
	return f26(w)
}

// lineExtents is the line's ascent and descent in pixels (both positive).
func lineExtents(l shaping.Line) (asc, desc float64) {
	for _, o := range l {
		asc = math.Max(asc, f26(o.LineBounds.Ascent))
		desc = math.Max(desc, -f26(o.LineBounds.Descent))
	}
	return asc, desc
}

func f26(v fixed.Int26_6) float64 { return float64(v) / 64 }

// place positions every glyph of the wrapped lines inside box.
func (s *Shaper) place(spec Spec, runes []rune, lines []shaping.Line, size float64, box Rect, height float64) *Block {
	b := &Block{Spec: spec, Box: box, Size: size}
	rtl := direction(spec.Lang) == di.DirectionRTL
	top := box.Y0
	switch spec.VAlign {
	case Middle:
		top += (box.H() - height) / 2
	case Bottom:
		top += box.H() - height
	}
	asc, _ := lineExtents(lines[0])
	baseline := top + asc
	pitch := size * spec.LineHeight
	for _, l := range lines {
		runs := slices.Clone(l)
		slices.SortStableFunc(runs, func(a, b shaping.Output) int { return int(a.VisualIndex - b.VisualIndex) })
		w := lineWidth(l)
		x := box.X0
		switch {
		case spec.Align == Center:
			x += (box.W() - w) / 2
		case (spec.Align == Start) == rtl: // End in LTR, Start in RTL
			x += box.W() - w
		}
		start, end := lineRange(l)
		line := Line{Width: w, Baseline: baseline, Start: start, End: end}
		var ink Rect
		for _, o := range runs {
			pen := x
			for _, g := range o.Glyphs {
				gx, gy := pen+f26(g.XOffset), baseline-f26(g.YOffset)
				gl := Glyph{Face: o.Face, ID: g.GlyphID, X: gx, Y: gy, Size: f26(o.Size), Index: g.TextIndex()}
				if g.Width != 0 && g.Height != 0 {
					x0 := gx + f26(g.XBearing)
					y0 := gy - f26(g.YBearing)
					gl.Ink = Rect{math.Min(x0, x0+f26(g.Width)), math.Min(y0, y0-f26(g.Height)), math.Max(x0, x0+f26(g.Width)), math.Max(y0, y0-f26(g.Height))}
					ink = ink.Union(gl.Ink)
				}
				line.Glyphs = append(line.Glyphs, gl)
				pen += f26(g.Advance)
			}
			x += f26(o.Advance)
		}
		if isCJK(spec.Lang) {
			if shrink := compressPunct(&line, runes, size); shrink > 0 {
				// the line is narrower: keep it centred, or flush to its end
				dx := 0.0
				switch {
				case spec.Align == Center:
					dx = shrink / 2
				case (spec.Align == Start) == rtl:
					dx = shrink
				}
				ink = Rect{}
				for i := range line.Glyphs {
					g := &line.Glyphs[i]
					g.X += dx
					if !g.Ink.Empty() {
						g.Ink.X0 += dx
						g.Ink.X1 += dx
						ink = ink.Union(g.Ink)
					}
				}
				line.Width -= shrink
			}
		}
		// A glyph whose ink overhangs its advance (the hook of a J, an
		// italic f) would poke out of the region at its edge: move the line
		// in by the overhang, as a designer aligns to the ink.
		dx := 0.0
		if !ink.Empty() {
			if ink.X0 < box.X0 {
				dx = box.X0 - ink.X0
			} else if ink.X1 > box.X1 {
				dx = box.X1 - ink.X1
			}
		}
		if dx != 0 {
			for i := range line.Glyphs {
				line.Glyphs[i].X += dx
				if !line.Glyphs[i].Ink.Empty() {
					line.Glyphs[i].Ink.X0 += dx
					line.Glyphs[i].Ink.X1 += dx
				}
			}
			ink.X0 += dx
			ink.X1 += dx
		}
		b.Ink = b.Ink.Union(ink)
		b.Lines = append(b.Lines, line)
		baseline += pitch
	}
	return b
}

// Translate moves every glyph of the block by dx, dy pixels, for layouts
// that place a block after fitting it (a column of texts set to a rhythm).
func (b *Block) Translate(dx, dy float64) {
	move := func(r *Rect) {
		if !r.Empty() {
			r.X0, r.X1, r.Y0, r.Y1 = r.X0+dx, r.X1+dx, r.Y0+dy, r.Y1+dy
		}
	}
	for i := range b.Lines {
		l := &b.Lines[i]
		l.Baseline += dy
		for k := range l.Glyphs {
			g := &l.Glyphs[k]
			g.X += dx
			g.Y += dy
			move(&g.Ink)
		}
	}
	move(&b.Ink)
	move(&b.Box)
}

// LineInk is the union of the ink boxes of line i's glyphs.
func (b *Block) LineInk(i int) Rect {
	var r Rect
	for _, g := range b.Lines[i].Glyphs {
		r = r.Union(g.Ink)
	}
	return r
}

// Intersects reports whether r and o share some area.
func (r Rect) Intersects(o Rect) bool {
	return !r.Empty() && !o.Empty() && r.X0 < o.X1 && o.X0 < r.X1 && r.Y0 < o.Y1 && o.Y0 < r.Y1
}

// Inset is r shrunk by d on every side (grown when d is negative).
func (r Rect) Inset(d float64) Rect { return Rect{r.X0 + d, r.Y0 + d, r.X1 - d, r.Y1 - d} }
