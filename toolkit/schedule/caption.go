package schedule

import (
	"fmt"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
)

// CaptionFunc builds the text of post p in lang for a platform (a channel
// name); caption.Build is the one campaignkit uses.
type CaptionFunc func(c *campaign.Campaign, p campaign.Post, lang, platform string) (string, error)

// Caption builds the caption of every planned post with build (nil means
// caption.Build) and stores it in Text, with the resolved Link. The first
// failure is returned with the post it concerns.
func Caption(c *campaign.Campaign, plan []Planned, build CaptionFunc) error {
	if build == nil {
		build = caption.Build
	}
	for i := range plan {
		p := &plan[i]
		text, err := build(c, p.Post, p.Lang, p.Channel)
		if err != nil {
			return fmt.Errorf("planned post %s (%s, %s, %s): %w", p.ID, p.Slot, p.Channel, p.Lang, err)
		}
		p.Text = text
		p.Link = c.LinkURL(p.Post)
	}
	return nil
}

// PlanCaptioned is Plan followed by Caption: the posts as they will go out.
func PlanCaptioned(c *campaign.Campaign, s *Schedule, build CaptionFunc) ([]Planned, error) {
	plan, err := Plan(c, s)
	if err != nil {
		return nil, err
	}
	if err := Caption(c, plan, build); err != nil {
		return nil, err
	}
	return plan, nil
}
