package main

import (
	"errors"
	"fmt"
	"io/fs"

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
	if ps := append(found, more...); len(ps) > 0 {
		toolkit.SortProblems(ps)
		return &toolkit.InvalidError{Problems: ps}
	}
	fmt.Fprintf(cc.App.Writer, "%s: no problems (%d cards in %d languages, %d presets)\n", lc.File, len(lc.ExpandedCards()), len(lc.Languages), len(toolkit.Presets))
	return nil
}
