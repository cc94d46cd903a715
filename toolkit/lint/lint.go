// Package lint finds every problem in a campaign at once: the campaign
// file's own (found while loading it), its themes' values and contrast,
// every card laid out in every language and size, captions over a
// platform's limit, hashtags a screen reader cannot read, and the schedule.
// The checks are one explicit list, run in order; the command line only
// prints what Run returns.
package lint

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"sync"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/bundle"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/render"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// Input is a campaign to check and where its parts come from.
type Input struct {
	Campaign *campaign.Campaign
	FS       fs.FS // the campaign's folder
	// Themes finds a theme by name, as the build does.
	Themes func(name string) (*theme.Theme, fs.FS, error)
	// Schedule loads the schedule the campaign names (nil, nil for none).
	Schedule func() (*schedule.Schedule, error)
	// Presets are the sizes cards are laid out in; default all. A preview
	// showing fewer sizes checks only those.
	Presets []toolkit.Preset
}

// state is what the checks share as they run.
type state struct {
	in       Input
	themesOK bool        // every theme loaded, so cards can be laid out
	logo     image.Image // the campaign's logo, decoded once
	// cards holds what each card check found in the layout pass, by name
	mu    sync.Mutex
	cards map[string][]toolkit.Problem
}

// cardChecks look at every card as laid out. The layout check lays the
// cards out once and runs them all; each reports under its own name in
// checks.
var cardChecks = []struct {
	name string
	run  func(render.Job, *render.Result) []toolkit.Problem
}{
	{"focus", render.FocusProblems}, // text, logos or panels over the photo's focus box
	{"type", render.TypeProblems},   // text under the preset's readable floor; quote under twice its role
}

// check is one kind of problem lint looks for.
type check struct {
	name string
	run  func(ctx context.Context, s *state) ([]toolkit.Problem, error)
}

// checks are every check lint runs, in order.
var checks = []check{
	{"themes", checkThemes},
	{"layout", checkLayout},
	{"focus", cardCheck("focus")},
	{"type", cardCheck("type")},
	{"captions", func(_ context.Context, s *state) ([]toolkit.Problem, error) { return caption.Lint(s.in.Campaign), nil }},
	{"hashtags", func(_ context.Context, s *state) ([]toolkit.Problem, error) {
		return s.in.Campaign.HashtagProblems(), nil
	}},
	{"schedule", checkSchedule},
}

// Run runs every check and returns their problems sorted by file, line,
// field and message. An error is returned only when a check could not run
// (a cancelled context, a failing disk), never for problems found.
func Run(ctx context.Context, in Input) ([]toolkit.Problem, error) {
	s := &state{in: in}
	var all []toolkit.Problem
	for _, c := range checks {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ps, err := c.run(ctx, s)
		if err != nil {
			return nil, err
		}
		all = append(all, ps...)
	}
	toolkit.SortProblems(all)
	return all, nil
}

// problems splits err into the problems it reports, or returns it when it
// is not about the input.
func problems(err error) ([]toolkit.Problem, error) {
	var ie *toolkit.InvalidError
	if errors.As(err, &ie) {
		return ie.Problems, nil
	}
	return nil, err
}

// checkThemes loads every theme the campaign uses and checks the WCAG AA
// contrast of all readable text in each.
func checkThemes(_ context.Context, s *state) ([]toolkit.Problem, error) {
	c := s.in.Campaign
	names := map[string]bool{c.Theme: true}
	for _, card := range c.Cards {
		names[c.ThemeOf(card)] = true
	}
	s.themesOK = true
	var out []toolkit.Problem
	for _, name := range toolkit.SortedKeys(names) {
		th, _, err := s.in.Themes(name)
		if err != nil {
			s.themesOK = false
			ps, err := problems(err)
			if err != nil {
				return nil, err
			}
			out = append(out, ps...)
			continue
		}
		out = append(out, th.ContrastProblems()...)
		out = append(out, logoProblems(s, th)...)
	}
	return out, nil
}

// minVisible is the share of a logo's ink that must stand out against
// the slot for the logo to count as visible.
const minVisible = 0.2

// logoProblems warns when the campaign's logo is all but invisible on
// what lies behind the logo slot of theme th.
func logoProblems(s *state, th *theme.Theme) []toolkit.Problem {
	c := s.in.Campaign
	if c.Logo == "" || s.in.FS == nil {
		return nil
	}
	if s.logo == nil {
		data, err := toolkit.ReadFile(s.in.FS, c.Logo, toolkit.MaxImageBytes)
		if err != nil {
			return nil // reported where the campaign is loaded
		}
		img, _, err := toolkit.DecodeImage(data, toolkit.ImageLimits{MaxBytes: toolkit.MaxImageBytes})
		if err != nil {
			return nil
		}
		s.logo = img
	}
	for _, bg := range th.LogoBackdrops() {
		if v := theme.LogoVisibility(s.logo, bg); v < minVisible {
			return []toolkit.Problem{{File: c.File, Line: c.Pos.Line("logo"), Field: "logo", Warning: true, Msg: fmt.Sprintf(
				"%s is nearly invisible in theme %s's logo slot: on #%02X%02X%02X only %.0f%% of it has a contrast of %.1f:1 or more; use a light (or dark) version of the logo, or one on a plain shape",
				c.Logo, th.Name, bg[0], bg[1], bg[2], v*100, theme.MinLogoContrast)}}
		}
	}
	return nil
}

// checkLayout lays out every card in every language and size without
// drawing: text that cannot fit, characters no font has.
func checkLayout(ctx context.Context, s *state) ([]toolkit.Problem, error) {
	if !s.themesOK {
		return nil, nil // reported by checkThemes; nothing to lay out with
	}
	s.cards = map[string][]toolkit.Problem{}
	inspect := func(j render.Job, res *render.Result) {
		for _, c := range cardChecks {
			ps := c.run(j, res)
			s.mu.Lock()
			s.cards[c.name] = append(s.cards[c.name], ps...)
			s.mu.Unlock()
		}
	}
	_, _, err := bundle.RenderCards(ctx, bundle.CardOptions{
		Campaign: s.in.Campaign, CampaignFS: s.in.FS, DryRun: true, Themes: s.in.Themes, Inspect: inspect,
		Presets: s.in.Presets,
	})
	return problems(err)
}

// cardCheck reports what the card check name found in the layout pass.
func cardCheck(name string) func(context.Context, *state) ([]toolkit.Problem, error) {
	return func(_ context.Context, s *state) ([]toolkit.Problem, error) {
		return s.cards[name], nil
	}
}

// checkSchedule loads the schedule and plans it: slots outside the week,
// unknown cards, bad cron specs, a plan over the campaign's limit.
func checkSchedule(_ context.Context, s *state) ([]toolkit.Problem, error) {
	c := s.in.Campaign
	var sched *schedule.Schedule
	var err error
	if s.in.Schedule != nil {
		sched, err = s.in.Schedule()
	}
	if err == nil {
		_, err = schedule.Plan(c, sched)
	}
	ps, err := problems(err)
	if err != nil {
		return []toolkit.Problem{{File: c.File, Line: c.Pos.Line("schedule"), Field: "schedule", Msg: err.Error()}}, nil
	}
	return ps, nil
}
