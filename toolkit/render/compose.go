package render

import (
	"math"

	"github.com/campaignkit/campaignkit/toolkit/i18n"
	"github.com/campaignkit/campaignkit/toolkit/text"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// columns are, per card kind, the texts set one under another as a
// column: once fitted, they are spaced by a rhythm taken from their type
// sizes (not by where their regions happen to end) and the column is
// centred on the canvas, within the space their regions span.
var columns = map[string][]string{
	"quote": {"mark", "quote", "speaker", "role"},
	"story": {"quote", "name"},
}

// primary are the texts a column's rhythm is measured from.
var primary = map[string]bool{"quote": true}

// gapAfter is the space between the ink of a column's text and the next,
// from the sizes of the two: a decorative mark sits close over the quote,
// the speaker is a line's worth below it, the role just under the speaker.
func gapAfter(a, b Placed) float64 {
	switch {
	case a.Decorative:
		return 0.3 * b.Block.Size
	case primary[a.Name]:
		return 0.85 * a.Block.Size
	}
	return 0.35 * a.Block.Size
}

// compose sets the fitted texts in relation to each other: columns to
// their rhythm, and a quote mark that stands beside the quote hung next
// to its first line. Nothing moves into the photo's focus (clear).
func compose(res *Result, els map[string]*theme.Element, j Job, canvasH float64, clear text.Rect) {
	rtl := i18n.IsRTL(j.Lang)
	byName := map[string]int{}
	for i, pl := range res.Text {
		byName[pl.Name] = i
	}
	if names := columns[string(j.Card.Kind)]; len(names) > 0 {
		column(res, els, names, byName, canvasH, clear, rtl)
	}
	hangMark(res, byName, rtl)
}

// column spaces the members of one column; a member is a text of names
// without a panel behind it whose region shares most of its width with
// the column's widest text.
func column(res *Result, els map[string]*theme.Element, names []string, byName map[string]int, canvasH float64, clear text.Rect, rtl bool) {
	var idx []int
	var widest text.Rect
	for _, n := range names {
		if i, ok := byName[n]; ok && els[n].Fill == "" && res.Text[i].Region.W() > widest.W() {
			widest = res.Text[i].Region
		}
	}
	for _, n := range names {
		i, ok := byName[n]
		if !ok || els[n].Fill != "" {
			continue
		}
		r := res.Text[i].Region
		shared := math.Min(r.X1, widest.X1) - math.Max(r.X0, widest.X0)
		if shared < 0.5*math.Min(r.W(), widest.W()) {
			continue // beside the column, not in it (a mark in the margin)
		}
		if len(idx) > 0 && r.Y0 < res.Text[idx[len(idx)-1]].Region.Y0 {
			continue // out of order: the theme stacks it elsewhere
		}
		idx = append(idx, i)
	}
	if len(idx) < 2 {
		return
	}
	span := text.Rect{X0: math.Inf(1), Y0: math.Inf(1), X1: math.Inf(-1), Y1: math.Inf(-1)}
	height := 0.0
	for k, i := range idx {
		pl := res.Text[i]
		span = text.Rect{X0: min(span.X0, pl.Region.X0), Y0: min(span.Y0, pl.Region.Y0), X1: max(span.X1, pl.Region.X1), Y1: max(span.Y1, pl.Region.Y1)}
		height += pl.Block.Ink.H()
		if k > 0 {
			height += gapAfter(res.Text[idx[k-1]], pl)
		}
	}
	if height > span.H() {
		return // the rhythm does not fit where the theme put the texts: leave them
	}
	// centred on the canvas when the column's span takes in the middle of
	// the canvas (as near as the span allows), else in its span
	mid := (span.Y0 + span.Y1) / 2
	if span.Y0 < canvasH/2 && canvasH/2 < span.Y1 {
		mid = canvasH / 2
	}
	top := math.Min(math.Max(mid-height/2, span.Y0), span.Y1-height)
	moved := make([]Placed, len(idx))
	y := top
	for k, i := range idx {
		pl := res.Text[i]
		if k > 0 {
			y += gapAfter(res.Text[idx[k-1]], pl)
		}
		dy := y - pl.Block.Ink.Y0
		b := *pl.Block
		b.Lines = cloneLines(b.Lines)
		b.Translate(0, dy)
		moved[k] = Placed{Name: pl.Name, Block: &b, Decorative: pl.Decorative,
			Region: text.Rect{X0: pl.Region.X0, Y0: b.Ink.Y0, X1: pl.Region.X1, Y1: b.Ink.Y1}}
		if b.Ink.Intersects(clear) {
			return // the column would cover the photo's focus: leave it
		}
		y = b.Ink.Y1
	}
	// a start-aligned column's mark lines up with the quote's first line
	if i, ok := byName["quote"]; ok {
		q := res.Text[i]
		for k := range moved {
			m := &moved[k]
			if m.Name != "mark" || q.Block.Spec.Align != text.Start {
				continue
			}
			first := q.Block.LineInk(0)
			dx := first.X0 - m.Block.Ink.X0
			if rtl {
				dx = first.X1 - m.Block.Ink.X1
			}
			m.Block.Translate(dx, 0)
			m.Region.X0, m.Region.X1 = min(m.Region.X0, m.Block.Ink.X0), max(m.Region.X1, m.Block.Ink.X1)
		}
	}
	for k, i := range idx {
		res.Text[i] = moved[k]
	}
}

// hangMark moves a quote mark that stands beside the quote (not above it)
// next to the quote's first line: its ink a small gap before the line's
// first glyph, its top at the line's top.
func hangMark(res *Result, byName map[string]int, rtl bool) {
	mi, ok1 := byName["mark"]
	qi, ok2 := byName["quote"]
	if !ok1 || !ok2 {
		return
	}
	m, q := res.Text[mi], res.Text[qi]
	if shared := math.Min(m.Region.X1, q.Region.X1) - math.Max(m.Region.X0, q.Region.X0); shared > 0.5*m.Region.W() {
		return // above the quote, in its column
	}
	first := q.Block.LineInk(0)
	if first.Empty() {
		return
	}
	gap := 0.25 * q.Block.Size
	dx := first.X0 - gap - m.Block.Ink.X1
	if rtl {
		dx = first.X1 + gap - m.Block.Ink.X0
	}
	dy := first.Y0 - m.Block.Ink.Y0
	b := *m.Block
	b.Lines = cloneLines(b.Lines)
	b.Translate(dx, dy)
	if !res.Safe.Contains(b.Ink, 0.5) {
		return
	}
	for k := 1; k < len(q.Block.Lines); k++ {
		if b.Ink.Intersects(q.Block.LineInk(k)) {
			return // a longer line below runs under it: leave it in its margin
		}
	}
	region := m.Region.Union(b.Ink)
	if !res.Safe.Contains(region, 0.5) {
		region = b.Ink
	}
	res.Text[mi] = Placed{Name: m.Name, Block: &b, Decorative: m.Decorative, Region: region}
}

func cloneLines(ls []text.Line) []text.Line {
	out := make([]text.Line, len(ls))
	for i, l := range ls {
		l.Glyphs = append([]text.Glyph(nil), l.Glyphs...)
		out[i] = l
	}
	return out
}
