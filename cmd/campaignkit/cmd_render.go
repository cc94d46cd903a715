package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/render"
	"github.com/campaignkit/campaignkit/toolkit/text"
	"github.com/urfave/cli/v2"
)

func init() { register(renderCommand()) }

type renderOptions struct {
	campaign, card, lang, preset, theme, out string
}

func renderCommand() *cli.Command {
	return &cli.Command{
		Name:      "render",
		Usage:     "render one card in one language and size, fast, for theme work",
		UsageText: "campaignkit render --card quote-guterres --lang ar --preset story -o out.png",
		Flags: []cli.Flag{
			campaignFlag,
			&cli.StringFlag{Name: "card", Usage: "card `ID` (countdown cards: ID-<days left>, e.g. countdown-3)", Required: true},
			&cli.StringFlag{Name: "lang", Usage: "language `TAG`", Value: "en"},
			&cli.StringFlag{Name: "preset", Usage: "size `PRESET` (see campaignkit formats)", Value: "instagram-square"},
			&cli.StringFlag{Name: "theme", Usage: "theme `NAME` instead of the campaign's"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output `FILE`", Value: "card.png"},
		},
		Action: func(cc *cli.Context) error {
			return renderOne(cc, renderOptions{
				campaign: cc.String("campaign"), card: cc.String("card"), lang: cc.String("lang"),
				preset: cc.String("preset"), theme: cc.String("theme"), out: cc.String("output"),
			})
		},
	}
}

func renderOne(cc *cli.Context, o renderOptions) error {
	lc, err := loadCampaign(o.campaign)
	if err != nil {
		return err
	}
	card, ok := lc.CardByID(o.card)
	if !ok {
		var ids []string
		for _, c := range lc.ExpandedCards() {
			ids = append(ids, c.ID)
		}
		return toolkit.Invalid("", 0, "--card", "no card %q in %s (cards: %v)", o.card, lc.File, ids)
	}
	p, err := toolkit.PresetByName(o.preset)
	if err != nil {
		return toolkit.Invalid("", 0, "--preset", "%v", err)
	}
	if _, ok := lc.Title[o.lang]; !ok {
		return toolkit.Invalid("", 0, "--lang", "the campaign has no language %q (it has %v)", o.lang, lc.Languages)
	}
	name := lc.Theme
	if card.Theme != "" {
		name = card.Theme
	}
	if o.theme != "" {
		name = o.theme
	}
	th, thFS, err := loadTheme(lc, name)
	if err != nil {
		return err
	}
	lib, err := text.Default()
	if err != nil {
		return err
	}
	r := render.New(lib, render.NewImages())
	res, err := r.Render(cc.Context, render.Job{Campaign: lc.Campaign, CampaignFS: lc.FS, Card: card, Lang: o.lang, Preset: p, Theme: th, ThemeFS: thFS})
	if err != nil {
		return err
	}
	data, err := render.Encode(res.Image, p)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(o.out, data); err != nil {
		return err
	}
	fmt.Fprintf(cc.App.Writer, "%s: %s %s %s, %dx%d, %d bytes\n", o.out, card.ID, o.lang, p.Name, p.Width, p.Height, len(data))
	return nil
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it into place, so a reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
