package render_test

import (
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/render"
	xdraw "golang.org/x/image/draw"
)

var (
	sheets     = flag.String("sheets", "", "write contact sheets of the demo (every card x language) for square, story, x and linkedin into this folder")
	sheetTheme = flag.String("sheet-theme", "", "draw the contact sheets in this theme instead of each card's own")
)

// TestContactSheets writes, with -sheets DIR, one image per preset and
// group of cards: a row per card, a column per language, to look at every
// card at once after a layout change. It checks nothing.
func TestContactSheets(t *testing.T) {
	if *sheets == "" {
		t.Skip("run with -sheets DIR")
	}
	e := newEnv(t, nil, "")
	var cards []campaign.Card
	for _, c := range e.c.ExpandedCards() {
		if c.Kind == campaign.Countdown && c.Days != 3 && c.Days != 0 {
			continue
		}
		cards = append(cards, c)
	}
	const per = 4 // cards per sheet, so that a sheet stays legible
	for _, pn := range []string{"instagram-square", "story", "x", "linkedin"} {
		p, _ := toolkit.PresetByName(pn)
		tw := 360
		th := tw * p.Height / p.Width
		for g := 0; g < len(cards); g += per {
			group := cards[g:min(g+per, len(cards))]
			sheet := image.NewRGBA(image.Rect(0, 0, len(e.c.Languages)*(tw+8)+8, len(group)*(th+8)+8))
			draw.Draw(sheet, sheet.Bounds(), image.NewUniform(color.RGBA{128, 128, 128, 255}), image.Point{}, draw.Src)
			var ids []string
			for row, card := range group {
				ids = append(ids, card.ID)
				name := *sheetTheme
				if name == "" {
					name = e.c.ThemeOf(card)
				}
				for col, lang := range e.c.Languages {
					dst := image.Rect(8+col*(tw+8), 8+row*(th+8), 8+col*(tw+8)+tw, 8+row*(th+8)+th)
					res, err := e.r.Render(context.Background(), render.Job{Campaign: e.c, CampaignFS: assets.Demo, Card: card, Lang: lang, Preset: p, Theme: e.ths[name], ThemeFS: assets.Themes})
					if err != nil {
						t.Errorf("%s %s %s: %v", card.ID, lang, pn, err)
						draw.Draw(sheet, dst, image.NewUniform(color.RGBA{200, 0, 0, 255}), image.Point{}, draw.Src)
						continue
					}
					xdraw.ApproxBiLinear.Scale(sheet, dst, res.Image, res.Image.Bounds(), draw.Src, nil)
				}
			}
			path := filepath.Join(*sheets, fmt.Sprintf("%s-%d.png", pn, g/per+1))
			writePNG(t, path, sheet)
			t.Logf("%s: %s", path, strings.Join(ids, ", "))
		}
	}
}
