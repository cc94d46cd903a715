package bundle

import (
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
)

// PlanFiles returns calendar.ics and posts.csv for the campaign's posts and
// schedule s (nil for the campaign's posts only) as a build of every
// language and preset writes them, without drawing a card: the same posts,
// IDs, UIDs, image paths and bytes. `campaignkit schedule export` writes
// them, so that the calendar a team imports before building and the one in
// the bundle it sends later are one calendar.
func PlanFiles(c *campaign.Campaign, s *schedule.Schedule, build CaptionFunc) (calendar, postsCSV []byte, err error) {
	m, err := planManifest(c, s, build)
	if err != nil {
		return nil, nil, err
	}
	if err := m.Check(); err != nil {
		return nil, nil, err
	}
	return Calendar(m, bundleStamp(c.Day)), PostsCSV(m), nil
}

// planManifest is the manifest Build would write, with the images it would
// render listed by path, size and alt text but without bytes or hashes.
func planManifest(c *campaign.Campaign, s *schedule.Schedule, build CaptionFunc) (*Manifest, error) {
	plan, err := schedule.Plan(c, s)
	if err != nil {
		return nil, err
	}
	alt := func(card campaign.Card, lang string) string { return caption.Alt(c, card, lang) }
	m := &Manifest{
		Campaign: ManifestCampaign{Name: c.Name, Slug: c.Slug, Day: c.Day.String(), Timezone: c.Timezone, Languages: c.Languages, Theme: c.Theme},
		Images:   []Image{},
	}
	for _, card := range c.ExpandedCards() {
		for _, l := range c.Languages {
			for _, p := range toolkit.Presets {
				m.Images = append(m.Images, imageEntry(job{card: card, lang: l, p: p}, 0, "", alt))
			}
		}
	}
	if m.Posts, err = ManifestPosts(c, plan, m.Images, build); err != nil {
		return nil, err
	}
	return m, nil
}
