package main

import (
	"fmt"
	"image"
	"path/filepath"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/render"
	"github.com/campaignkit/campaignkit/toolkit/text"
	"github.com/urfave/cli/v2"
)

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
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output `FILE`: .png or .jpg (default card.png, card.jpg for JPEG presets)"},
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
	// only the images of the card drawn are decoded to be checked, and
	// kept to be drawn without decoding them again: lint and build check
	// the others (a countdown's days are named ID-<days>)
	pictures := render.NewImages()
	lc, err := loadCampaignWith(o.campaign, campaign.LoadOptions{
		Decode: func(id string) bool {
			return id == o.card || strings.HasPrefix(o.card, id+"-")
		},
		Pictures: func(file string, img image.Image) { pictures.Keep("campaign", file, img) },
	})
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
	if o.out == "" {
		o.out = "card." + p.Ext()
	}
	if p, err = presetForFile(p, o.out); err != nil {
		return err
	}
	if _, ok := lc.Title[o.lang]; !ok {
		return toolkit.Invalid("", 0, "--lang", "the campaign has no language %q (it has %v)", o.lang, lc.Languages)
	}
	name := lc.ThemeOf(card)
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
	r := render.New(lib, pictures)
	res, err := r.Render(cc.Context, render.Job{Campaign: lc.Campaign, CampaignFS: lc.FS, Card: card, Lang: o.lang, Preset: p, Theme: th, ThemeFS: thFS})
	if err != nil {
		return err
	}
	data, err := render.Encode(res.Image, p)
	if err != nil {
		return err
	}
	if err := toolkit.WriteFileBytes(o.out, 0o644, data); err != nil {
		return err
	}
	fmt.Fprintf(cc.App.Writer, "%s: %s %s %s, %dx%d, %d bytes\n", o.out, card.ID, o.lang, p.Name, p.Width, p.Height, len(data))
	return nil
}

// presetForFile is p drawing in the format out's extension names: .png
// or .jpg/.jpeg. When that is not the preset's own format, the platform's
// byte limit (which is for its own format) does not apply.
func presetForFile(p toolkit.Preset, out string) (toolkit.Preset, error) {
	var f toolkit.Format
	switch strings.ToLower(filepath.Ext(out)) {
	case ".png":
		f = toolkit.PNG
	case ".jpg", ".jpeg":
		f = toolkit.JPEG
	default:
		return p, toolkit.Invalid("", 0, "-o", "%q: the file name must end in .png or .jpg, the formats campaignkit writes (preset %s is %s)", out, p.Name, p.Ext())
	}
	if f != p.Format {
		p.Format, p.MaxBytes = f, 0
	}
	return p, nil
}
