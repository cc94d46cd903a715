package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
	linter "github.com/campaignkit/campaignkit/toolkit/lint"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/urfave/cli/v2"
)

func lintCommand() *cli.Command {
	return &cli.Command{
		Name:  "lint",
		Usage: "list every problem in a campaign at once, with file:line (exit 2 if any)",
		Description: "Checks the campaign file (keys, types, translations, dates, time zone, images), its\n" +
			"themes (values and WCAG AA contrast of all text), and lays out every card in every\n" +
			"language and size: text that cannot fit, characters no font has.",
		Flags: []cli.Flag{campaignFlag},
		Action: func(cc *cli.Context) error {
			return lint(cc, cc.String("campaign"))
		},
	}
}

func lint(cc *cli.Context, path string) error {
	defer softMemoryLimit(lintMemoryLimit)()
	lc, err := loadCampaignLenient(path)
	if lc == nil {
		return err // the campaign file itself: all its problems, exit 2
	}
	var found []toolkit.Problem
	var lenient *toolkit.InvalidError // problems in posts and image files only
	if errors.As(err, &lenient) {
		found = lenient.Problems        // and go on with the cards,
		lc.DropImages(lenient.Problems) // without the images that are no good
	} else if err != nil {
		return err
	}
	more, err := linter.Run(cc.Context, linter.Input{
		Campaign: lc.Campaign, FS: lc.FS,
		Themes:   func(name string) (*theme.Theme, fs.FS, error) { return loadTheme(lc, name) },
		Schedule: func() (*schedule.Schedule, error) { return loadSchedule(lc) },
	})
	if err != nil {
		return err
	}
	var errs, warns []toolkit.Problem
	for _, p := range append(append(found, more...), lc.Warnings...) {
		if p.Warning {
			warns = append(warns, p)
		} else {
			errs = append(errs, p)
		}
	}
	toolkit.SortProblems(warns)
	if len(errs) > 0 {
		toolkit.SortProblems(errs)
		return &toolkit.InvalidError{Problems: append(errs, warns...)}
	}
	for _, w := range warns {
		fmt.Fprintln(cc.App.Writer, w)
	}
	what := "no problems"
	if len(warns) > 0 {
		what = fmt.Sprintf("no problems, %d %s", len(warns), plural(len(warns), "warning", "warnings"))
	}
	fmt.Fprintf(cc.App.Writer, "%s: %s (%d cards in %d languages, %d presets)\n", lc.File, what, len(lc.ExpandedCards()), len(lc.Languages), len(toolkit.Presets))
	if len(lc.Pending) > 0 {
		fmt.Fprintf(cc.App.Writer, "pending, left out of builds: %s\n", strings.Join(lc.Pending, ", "))
	}
	return nil
}
