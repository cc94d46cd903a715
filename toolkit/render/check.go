package render

import (
	"fmt"

	"github.com/campaignkit/campaignkit/toolkit"
)

// FocusProblems reports the texts, logos and panels of a rendered card
// that cover the photo's focus box: Render keeps them clear wherever the
// layout leaves room, so each one is a layout to change (or a focus box
// to tighten).
func FocusProblems(j Job, res *Result) []toolkit.Problem {
	if res.Focus.Empty() {
		return nil
	}
	c := j.Campaign
	field := fmt.Sprintf("cards[%d].focus", cardIndex(c, j.Card))
	var out []toolkit.Problem
	for _, pl := range append(append([]Placed(nil), res.Pictures...), res.Text...) {
		if pl.Name == "scrim" || !pl.Ink().Intersects(res.Focus) {
			continue
		}
		f := res.Focus
		out = append(out, toolkit.Problem{File: c.File, Line: c.Pos.Line(field), Field: field, Msg: fmt.Sprintf(
			"card %s, language %s, preset %s: the %s covers the photo's focus box (%.0f,%.0f to %.0f,%.0f px): move it in the theme, or give a tighter focus",
			j.Card.ID, j.Lang, j.Preset.Name, pl.Name, f.X0, f.Y0, f.X1, f.Y1)})
	}
	return out
}

// TypeProblems reports readable text set under the preset's floor
// (Result.Floor), and a quote's role that is not at most half the quote's
// size, which loses the card's hierarchy.
func TypeProblems(j Job, res *Result) []toolkit.Problem {
	var out []toolkit.Problem
	sizes := map[string]float64{}
	for _, pl := range res.Text {
		sizes[pl.Name] = pl.Block.Size
		if pl.Decorative || pl.Block.Size >= res.Floor-0.5 {
			continue
		}
		_, field := elementText(j, pl.Name)
		out = append(out, problem(j, pl.Name, field, fmt.Errorf("text set at %.0f px, under the %.0f px floor of readable text on this preset: give it more room or a larger minimum size in the theme", pl.Block.Size, res.Floor), false))
	}
	// The layout keeps a role at most half its quote's size, down to the
	// floor: a quote so long that it is set under twice the floor breaks
	// the hierarchy, which is worth a warning, not a refusal.
	if q, r := sizes["quote"], sizes["role"]; q > 0 && r > 0 && q < 2*r-0.5 {
		_, field := elementText(j, "role")
		p := problem(j, "role", field, fmt.Errorf("the quote is set at %.0f px, less than twice the role's %.0f px: shorten the quote or give it more room", q, r), false)
		p.Warning = true
		out = append(out, p)
	}
	return out
}
