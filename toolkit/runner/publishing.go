package runner

import (
	"maps"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

// CampaignBackoff is DefaultBackoff with what the campaign's
// `publishing.retry` sets in its place. When only one bound is set and the
// other's default would cross it (base: 10m, under the default max of
// 5m), the unset one follows it, so that max is never below base.
func CampaignBackoff(c *campaign.Campaign) Backoff {
	b := DefaultBackoff
	if c == nil {
		return b
	}
	r := c.Publishing.Retry
	switch {
	case r.Base > 0 && r.Max > 0:
		b.Base, b.Max = r.Base, r.Max
	case r.Base > 0:
		b.Base, b.Max = r.Base, max(b.Max, r.Base)
	case r.Max > 0:
		b.Base, b.Max = min(b.Base, r.Max), r.Max
	}
	if r.Attempts > 0 {
		b.Tries = r.Attempts
	}
	return b
}

// CampaignConcurrency is DefaultConcurrency with the campaign's
// `publishing.concurrency` figures in place of the defaults it names.
func CampaignConcurrency(c *campaign.Campaign) map[string]int {
	out := maps.Clone(DefaultConcurrency)
	if c == nil {
		return out
	}
	for ch, n := range c.Publishing.Concurrency {
		if n > 0 {
			out[ch] = n
		}
	}
	return out
}
