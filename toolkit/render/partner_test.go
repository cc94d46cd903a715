package render

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"testing"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/text"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// TestPartnerLogoNotCached renders one card with ten different partner
// logos: the shared picture cache must not keep a scaled copy of any of
// them, or a server co-branding for many partners grows without bound.
func TestPartnerLogoNotCached(t *testing.T) {
	c, err := campaign.Load(assets.Demo, assets.DemoFile)
	if err != nil {
		t.Fatal(err)
	}
	th, err := theme.Load(assets.Themes, c.Theme)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := text.Default()
	if err != nil {
		t.Fatal(err)
	}
	images := NewImages()
	r := New(lib, images)
	p, _ := toolkit.PresetByName("facebook")
	card := c.ExpandedCards()[0]
	scaled := func() int {
		images.mu.Lock()
		defer images.mu.Unlock()
		return len(images.scaled)
	}
	var before int
	for i := range 10 {
		logo := image.NewNRGBA(image.Rect(0, 0, 300+i, 100))
		draw.Draw(logo, logo.Bounds(), image.NewUniform(color.NRGBA{255, 0, 255, 255}), image.Point{}, draw.Src)
		if _, err := r.Render(context.Background(), Job{Campaign: c, CampaignFS: assets.Demo, Card: card, Lang: "en",
			Preset: p, Theme: th, ThemeFS: assets.Themes, PartnerLogo: logo}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			before = scaled()
		}
	}
	if got := scaled(); got != before {
		t.Errorf("scaled pictures cached: %d after the first logo, %d after ten; want no growth", before, got)
	}
}
