package schedule

import (
	"fmt"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

// CaptionFunc builds the text of post p in lang for a platform (a channel
// name). toolkit/caption's Build has this signature.
type CaptionFunc func(c *campaign.Campaign, p campaign.Post, lang, platform string) (string, error)

// PlainCaption is the simplest caption: the post's text in lang, the
// campaign's hashtags not already in it, and the link, one per line. It
// stands in where no platform-aware caption builder is given.
func PlainCaption(c *campaign.Campaign, p campaign.Post, lang, platform string) (string, error) {
	text := strings.TrimSpace(p.Text.In(lang))
	if text == "" {
		return "", fmt.Errorf("caption for card %q in %q: no text in that language", p.Card, lang)
	}
	var tags []string
	for _, h := range c.Hashtags {
		if !strings.Contains(text, h) {
			tags = append(tags, h)
		}
	}
	parts := []string{text}
	if len(tags) > 0 {
		parts = append(parts, strings.Join(tags, " "))
	}
	if link := c.LinkURL(p); link != "" {
		parts = append(parts, link)
	}
	return strings.Join(parts, "\n\n"), nil
}

// Caption builds the caption of every planned post with build (nil means
// PlainCaption) and stores it in Text, with the resolved Link. The first
// failure is returned with the post it concerns.
func Caption(c *campaign.Campaign, plan []Planned, build CaptionFunc) error {
	if build == nil {
		build = PlainCaption
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
