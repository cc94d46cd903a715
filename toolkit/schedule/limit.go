package schedule

import (
	"fmt"
	"math/bits"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

// The plan is counted before it is built: a cron spec firing every minute
// of a 31-day week on nine channels in six languages would make 2.4 million
// posts. Each slot is counted from its cron fields and times alone, without
// listing its firings, and refused at its line when the plan would pass
// the campaign's limit (campaign.MaxPosts). Counts are upper bounds: times
// given twice, or moved onto each other by a daylight-saving change, are
// counted twice.

// campaignPosts counts the posts the campaign's own posts make and reports
// it as a problem in the campaign file when that is over the limit.
func campaignPosts(c *campaign.Campaign) (int, error) {
	n := 0
	for i, p := range c.Posts {
		n += len(p.Channels) * len(c.PostLanguages(p))
		if n > c.MaxPosts() {
			f := fmt.Sprintf("posts[%d]", i)
			return n, toolkit.Invalid(c.File, c.Pos.Line(f), f, "the campaign's posts make over %d planned posts (one per channel and language) by this one; %s", c.MaxPosts(), raise)
		}
	}
	return n, nil
}

var raise = fmt.Sprintf("set limits: {posts: N} in the campaign file to allow more (at most %d)", campaign.MaxPostsCeiling)

// slotPosts counts, without listing them, the posts slot sl would plan
// (at least one per firing, so that a slot whose posts are unknown is
// counted too), and its firings.
func slotPosts(c *campaign.Campaign, sl Slot, posts map[string]campaign.Post) (total, fires int) {
	fires = countFirings(c, sl)
	if fires == 0 {
		return 0, 0
	}
	per := func(src campaign.Post) int {
		chans, langs := len(sl.Channels), len(sl.Languages)
		if chans == 0 {
			chans = len(src.Channels)
		}
		if langs == 0 {
			langs = len(c.PostLanguages(src))
		}
		return max(1, chans*langs)
	}
	if len(sl.Posts) == 0 {
		return fires * per(campaign.Post{Languages: sl.Languages}), fires
	}
	// posts rotate, one per firing: whole rounds, then the first few
	n := len(sl.Posts)
	round, part := 0, 0
	for k, id := range sl.Posts {
		m := per(posts[id])
		round += m
		if k < fires%n {
			part += m
		}
	}
	return fires/n*round + part, fires
}

// countFirings counts the times slot sl fires in campaign week, in O(days):
// a cron spec fires (hours set) x (minutes set) times on each day it
// matches.
func countFirings(c *campaign.Campaign, sl Slot) int {
	start, end := c.Week.Start.Time, c.Week.End.Time
	n, days := 0, 0
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		days++
		if spec := sl.spec; spec != nil && spec.Month&(1<<uint(d.Month())) != 0 && cronDay(spec, d) {
			n += bits.OnesCount64(spec.Hour&(1<<24-1)) * bits.OnesCount64(spec.Minute&(1<<60-1))
		}
	}
	for _, st := range sl.times {
		if st.Daily {
			n += days
		} else {
			n++ // one outside the week is reported when planned
		}
	}
	return n
}
