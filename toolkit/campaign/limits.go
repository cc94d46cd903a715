package campaign

import "github.com/campaignkit/campaignkit/toolkit"

// The plan-size limit: how many posts (one per channel and language) the
// campaign's posts and its schedule may plan. A schedule is counted before
// it is expanded, so a cron spec firing every minute on many channels is
// refused instead of filling memory and the queue.
const (
	// DefaultMaxPosts applies when the campaign sets no limits.posts.
	DefaultMaxPosts = 10_000
	// MaxPostsCeiling is the most limits.posts may be set to.
	MaxPostsCeiling = 100_000
)

// Limits are the campaign's own bounds, under `limits:` in the file.
type Limits struct {
	// Posts is the most posts planning may make; 0 means DefaultMaxPosts.
	Posts int `yaml:"posts"`
}

// MaxPosts is the most posts the campaign may plan.
func (c *Campaign) MaxPosts() int {
	if c.Limits.Posts > 0 {
		return c.Limits.Posts
	}
	return DefaultMaxPosts
}

func (c *Campaign) checkLimits(ps *toolkit.Problems) {
	if n := c.Limits.Posts; n < 0 || n > MaxPostsCeiling {
		ps.Add(c.Pos.Line("limits.posts"), "limits.posts", "want a number of posts from 1 to %d (default %d), got %d", MaxPostsCeiling, DefaultMaxPosts, n)
	}
}
