package runner

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
)

// liveConfig is the campaign and schedule the runner plans from once
// Reconfigure has given it new ones; until then Config's are used. Config
// itself is never written after New, so what reads it needs no lock.
type liveConfig struct {
	// mu guards the fields and is held while a plan is made and synced,
	// so that two plans never interleave in the queue.
	mu       sync.Mutex
	set      bool
	campaign *campaign.Campaign
	schedule *schedule.Schedule
	// reconfig lets one Reconfigure run at a time.
	reconfig sync.Mutex
}

// planned returns the campaign and schedule to plan from, locked until
// unlock is called.
func (r *Runner) planned() (c *campaign.Campaign, s *schedule.Schedule, unlock func()) {
	r.live.mu.Lock()
	if !r.live.set {
		return r.cfg.Campaign, r.cfg.Schedule, r.live.mu.Unlock
	}
	return r.live.campaign, r.live.schedule, r.live.mu.Unlock
}

func (r *Runner) setPlanned(c *campaign.Campaign, s *schedule.Schedule) {
	r.live.mu.Lock()
	r.live.set, r.live.campaign, r.live.schedule = true, c, s
	r.live.mu.Unlock()
}

// ErrSlugChanged is returned by Reconfigure for a campaign whose slug is
// not the running one's: the queue knows posts by their campaign's slug,
// so a renamed campaign would leave the old posts queued beside the new.
var ErrSlugChanged = errors.New("the campaign's slug changed")

// Reconfigure makes the runner publish campaign c with schedule s from now
// on, for an edit made while it runs: it plans c, and only if that works
// brings the queue in line (Replan: waiting posts updated in place, new
// ones added, waiting ones no longer planned cancelled with a reason;
// posts claimed, published, missed or cancelled by an operator are left
// alone), forgets the card images rendered so far, renders with images
// from now on, and wakes the runner so that a post moved earlier is seen.
// On an error nothing changes: the runner goes on with the campaign it
// had. The grace window stays as it was when the runner started.
func (r *Runner) Reconfigure(ctx context.Context, c *campaign.Campaign, s *schedule.Schedule, images ImagesFunc) (queue.Counts, error) {
	if c == nil {
		return queue.Counts{}, errors.New("reconfigure: no campaign")
	}
	r.live.reconfig.Lock()
	defer r.live.reconfig.Unlock()
	oldC, oldS, unlock := r.planned()
	unlock()
	if oldC != nil && oldC.Slug != c.Slug {
		return queue.Counts{}, fmt.Errorf("reconfigure: %w from %q to %q; stop the runner to rename a campaign", ErrSlugChanged, oldC.Slug, c.Slug)
	}
	// Plan first, so that a Replan running meanwhile (Start's) never
	// sees a campaign that cannot be planned.
	if err := r.checkPlan(c, s); err != nil {
		return queue.Counts{}, err
	}
	oldImages := r.images.reset(images)
	r.setPlanned(c, s)
	counts, err := r.Replan(ctx)
	if err != nil {
		r.setPlanned(oldC, oldS)
		r.images.reset(oldImages)
		return counts, err
	}
	var started time.Duration // the grace the runner started with, as written
	if r.cfg.Campaign != nil {
		started = r.cfg.Campaign.Grace
	}
	if c.Grace != started {
		r.log.Warn("the campaign's grace window changed; it takes effect when the runner restarts", "grace", r.grace, "edited", c.Grace)
	}
	r.Notify()
	return counts, nil
}

// checkPlan plans c and s as Replan would, and says why it cannot be.
func (r *Runner) checkPlan(c *campaign.Campaign, s *schedule.Schedule) error {
	plan, err := schedule.PlanCaptioned(c, s, r.cfg.Caption)
	if err != nil {
		return err
	}
	for _, p := range plan {
		if r.cfg.Publishers[p.Channel] == nil {
			return fmt.Errorf("plan %s: post %s goes to channel %q, which has no publisher", c.Slug, p.ID, p.Channel)
		}
	}
	return nil
}
