package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/bundle"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/urfave/cli/v2"
)

func init() {
	register(&cli.Command{
		Name:  "lint",
		Usage: "list every problem in a campaign at once, with file:line (exit 2 if any)",
		Description: "Checks the campaign file (keys, types, translations, dates, time zone, images), its\n" +
			"themes (values and WCAG AA contrast of all text), and lays out every card in every\n" +
			"language and size: text that cannot fit, characters no font has.",
		Flags: []cli.Flag{campaignFlag},
		Action: func(cc *cli.Context) error {
			return lint(cc, cc.String("campaign"))
		},
	})
}

// lintChecks are further checks other packages contribute (captions,
// schedules); each returns problems, never fails the run by itself.
var lintChecks []func(lc *loadedCampaign) []toolkit.Problem

func lint(cc *cli.Context, path string) error {
	lc, err := loadCampaignLenient(path)
	if lc == nil {
		return err // the campaign file itself: all its problems, exit 2
	}
	ps := &toolkit.Problems{}
	var lenient *toolkit.InvalidError // problems in posts and image files only
	if errors.As(err, &lenient) {
		ps.Append(lenient.Problems...)  // and go on with the cards,
		lc.DropImages(lenient.Problems) // without the images that are no good
	} else if err != nil {
		return err
	}
	add := func(err error) error {
		var ie *toolkit.InvalidError
		if errors.As(err, &ie) {
			ps.Append(ie.Problems...)
			return nil
		}
		return err
	}
	themes := map[string]bool{lc.Theme: true}
	for _, c := range lc.Cards {
		if c.Theme != "" {
			themes[c.Theme] = true
		}
	}
	themesOK := true
	for _, name := range toolkit.SortedKeys(themes) {
		th, _, err := loadTheme(lc, name)
		if err != nil {
			themesOK = false
			if err := add(err); err != nil {
				return err
			}
			continue
		}
		ps.Append(th.ContrastProblems()...)
	}
	if themesOK {
		_, _, err := bundle.RenderCards(cc.Context, bundle.CardOptions{
			Campaign: lc.Campaign, CampaignFS: lc.FS, DryRun: true,
			Themes: func(name string) (*theme.Theme, fs.FS, error) { return loadTheme(lc, name) },
		})
		if err := add(err); err != nil {
			return err
		}
	}
	for _, check := range lintChecks {
		ps.Append(check(lc)...)
	}
	if err := ps.Err(); err != nil {
		return err
	}
	fmt.Fprintf(cc.App.Writer, "%s: no problems (%d cards in %d languages, %d presets)\n", lc.File, len(lc.ExpandedCards()), len(lc.Languages), len(toolkit.Presets))
	return nil
}
