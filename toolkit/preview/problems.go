package preview

import (
	"regexp"
	"slices"
	"strconv"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

var (
	cardField = regexp.MustCompile(`^cards\[(\d+)\]`)
	postField = regexp.MustCompile(`^posts\[(\d+)\]`)
	// cardMsg is how a layout problem names the card it is in: a
	// countdown's per-day card, where the field names the countdown
	cardMsg = regexp.MustCompile(`^card ([^,]+),`)
)

// group sorts problems by the card they concern: a problem of a field of
// cards[i] goes to that card (to each day of a countdown, or the one day
// its message names), one of posts[i] to the card the post shows; the
// others (title, theme, schedule, a post without a card) concern no one
// card.
func group(c *campaign.Campaign, cards []campaign.Card, ps []toolkit.Problem) (map[string][]toolkit.Problem, []toolkit.Problem) {
	byCard := map[string][]toolkit.Problem{}
	var general []toolkit.Problem
	for _, p := range ps {
		var base string
		if m := cardField.FindStringSubmatch(p.Field); m != nil {
			if i, err := strconv.Atoi(m[1]); err == nil && i < len(c.Cards) {
				base = c.Cards[i].ID
			}
		} else if m := postField.FindStringSubmatch(p.Field); m != nil {
			if i, err := strconv.Atoi(m[1]); err == nil && i < len(c.Posts) {
				base = c.Posts[i].Card
			}
		}
		var ids []string
		for _, card := range cards {
			if base != "" && (card.ID == base || card.Base == base) {
				ids = append(ids, card.ID)
			}
		}
		if m := cardMsg.FindStringSubmatch(p.Msg); m != nil && slices.Contains(ids, m[1]) {
			ids = []string{m[1]}
		}
		if len(ids) == 0 {
			general = append(general, p)
			continue
		}
		for _, id := range ids {
			byCard[id] = append(byCard[id], p)
		}
	}
	return byCard, general
}

// dedupe drops problems reported twice (by the load and by lint).
func dedupe(ps []toolkit.Problem) []toolkit.Problem {
	seen := map[toolkit.Problem]bool{}
	out := ps[:0:0]
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
