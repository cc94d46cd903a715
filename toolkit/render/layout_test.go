package render_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/render"
)

// TestLayoutMatchesRender: Layout places every text, picture and panel of
// every demo card where Render draws them, in every theme, language and
// size, and draws nothing.
func TestLayoutMatchesRender(t *testing.T) {
	e := newEnv(t, nil, "")
	themes := []string{"un-blue", "community", "high-contrast"}
	n := 0
	for _, card := range e.c.ExpandedCards() {
		for _, lang := range e.c.Languages {
			for _, p := range toolkit.Presets {
				th := themes[n%len(themes)]
				n++
				job := render.Job{Campaign: e.c, CampaignFS: assets.Demo, Card: card, Lang: lang, Preset: p, Theme: e.ths[th], ThemeFS: assets.Themes}
				drawn, err := e.r.Render(context.Background(), job)
				if err != nil {
					t.Fatal(err)
				}
				placed, err := e.r.Layout(context.Background(), job)
				if err != nil {
					t.Fatal(err)
				}
				if placed.Image != nil {
					t.Fatalf("%s %s %s: Layout drew an image", card.ID, lang, p.Name)
				}
				drawn.Image = nil
				if !reflect.DeepEqual(drawn, placed) {
					t.Errorf("%s %s %s %s: Layout placed\n%+v\nRender drew\n%+v", card.ID, lang, p.Name, th, placed, drawn)
				}
			}
		}
	}
}
