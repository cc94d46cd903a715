package render_test

import (
	"context"
	"fmt"
	"image"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/render"
)

// TestFocusStaysClear: in every story card of the demo and of a fixture
// whose focus sits in each corner, in every preset, theme and direction,
// with a partner logo, no text ink, logo or panel covers the photo's focus
// box, and the box is on the canvas.
func TestFocusStaysClear(t *testing.T) {
	if testing.Short() {
		t.Skip("renders every story card")
	}
	partner := image.NewRGBA(image.Rect(0, 0, 400, 160))
	type source struct {
		e     *env
		cfs   fstest.MapFS
		cards []campaign.Card
	}
	demo := newEnv(t, nil, "")
	var srcs []source
	var stories []campaign.Card
	for _, c := range demo.c.Cards {
		if c.Kind == campaign.Story {
			stories = append(stories, c)
		}
	}
	srcs = append(srcs, source{e: demo, cards: stories})
	for _, focus := range []string{"[0.02, 0.02, 0.3, 0.3]", "[0.68, 0.02, 0.3, 0.3]", "[0.1, 0.6, 0.3, 0.3]", "[0.4, 0.35]"} {
		fsys := fixtureFS(t)
		fsys["campaign.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(fixture, "focus: [0.7, 0.4]", "focus: "+focus, 1))}
		e := newEnv(t, fsys, "campaign.yaml")
		card, _ := e.c.CardByID("story")
		srcs = append(srcs, source{e: e, cfs: fsys, cards: []campaign.Card{card}})
	}
	n := 0
	for _, s := range srcs {
		for _, card := range s.cards {
			for _, lang := range []string{"en", "ar"} {
				for _, p := range toolkit.Presets {
					for name, th := range s.e.ths {
						job := render.Job{Campaign: s.e.c, Card: card, Lang: lang, Preset: p, Theme: th, ThemeFS: assets.Themes, PartnerLogo: partner}
						job.CampaignFS = assets.Demo
						if s.cfs != nil {
							job.CampaignFS = s.cfs
						}
						res, err := s.e.r.Render(context.Background(), job)
						if err != nil {
							t.Fatalf("%s %s %s %s: %v", card.ID, lang, p.Name, name, err)
						}
						n++
						where := fmt.Sprintf("%s focus %v %s %s %s", card.ID, card.Focus, lang, p.Name, name)
						if res.Focus.Empty() {
							t.Errorf("%s: no focus box on the canvas", where)
						}
						for _, pr := range render.FocusProblems(job, res) {
							t.Errorf("%s: %s", where, pr.Msg)
						}
					}
				}
			}
		}
	}
	t.Logf("checked %d renders", n)
}

// TestArabicStoryLogoKeepsOffTheFace is the case the focus box was made
// for: the mirrored logo of an Arabic 9:16 story landed on Carlos's eyes.
func TestArabicStoryLogoKeepsOffTheFace(t *testing.T) {
	e := newEnv(t, nil, "")
	card, _ := e.c.CardByID("story-carlos")
	p, _ := toolkit.PresetByName("story")
	res := e.render(t, card, "ar", p, "un-blue")
	var logo render.Placed
	for _, pl := range res.Pictures {
		if pl.Name == "logo" {
			logo = pl
		}
	}
	if logo.Region.Empty() {
		t.Fatal("no logo drawn")
	}
	if logo.Region.Intersects(res.Focus) {
		t.Errorf("logo at %v covers the face at %v", logo.Region, res.Focus)
	}
}
