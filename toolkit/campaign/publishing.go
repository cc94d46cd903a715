package campaign

import (
	"slices"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
)

// Publishing is the `publishing:` block of a campaign file: how the runner
// retries a failed post and how many posts of each channel it publishes at
// once. Whatever it leaves out keeps the runner's defaults
// (runner.DefaultBackoff, runner.DefaultConcurrency).
//
//	publishing:
//	  retry: {base: 2s, max: 5m, attempts: 8}
//	  concurrency: {webhook: 16, mastodon: 2}
type Publishing struct {
	Retry Retry `yaml:"retry"`
	// Concurrency caps the posts of a channel in flight at once, by
	// channel name (one of Channels).
	Concurrency map[string]int `yaml:"concurrency"`
}

// Retry is how failed posts are retried: after Base, then twice as long
// each time up to Max, Attempts tries in all. Zero fields are unset.
type Retry struct {
	Base     time.Duration `yaml:"base"`
	Max      time.Duration `yaml:"max"`
	Attempts int           `yaml:"attempts"`
}

// Bounds on the publishing block. A base under 100ms would hammer a
// network that is down; more than 50 attempts or 256 posts of one channel
// at once is a typo, not a plan, and would trip every network's rate
// limits.
const (
	MinRetryBase   = 100 * time.Millisecond
	MaxAttempts    = 50
	MaxConcurrency = 256
)

const publishingRetry = "publishing.retry"

func (c *Campaign) checkPublishing(ps *toolkit.Problems) {
	at := func(field, format string, args ...any) { ps.Add(c.Pos.Line(field), field, format, args...) }
	r := c.Publishing.Retry
	// given: written in the file and decoded (a value the decoder refused
	// is reported once, by it)
	given := func(field string) bool { _, ok := c.Pos[field]; return ok && !ps.Has(field) }
	baseGiven, maxGiven, attemptsGiven := given(publishingRetry+".base"), given(publishingRetry+".max"), given(publishingRetry+".attempts")
	baseOK := true
	if baseGiven && r.Base < MinRetryBase {
		at(publishingRetry+".base", "want a delay of at least %s before the first retry, got %s", toolkit.ShortDuration(MinRetryBase), toolkit.ShortDuration(r.Base))
		baseOK = false
	}
	if maxGiven {
		switch {
		case r.Max < MinRetryBase:
			at(publishingRetry+".max", "want a longest delay of at least %s, got %s", toolkit.ShortDuration(MinRetryBase), toolkit.ShortDuration(r.Max))
		case baseGiven && baseOK && r.Max < r.Base:
			at(publishingRetry+".max", "the longest delay (%s) is shorter than the first one, base (%s): want max at least base", toolkit.ShortDuration(r.Max), toolkit.ShortDuration(r.Base))
		}
	}
	if attemptsGiven && (r.Attempts < 1 || r.Attempts > MaxAttempts) {
		at(publishingRetry+".attempts", "want from 1 to %d attempts, got %d", MaxAttempts, r.Attempts)
	}
	for _, ch := range toolkit.SortedKeys(c.Publishing.Concurrency) {
		field := "publishing.concurrency." + ch
		if !slices.Contains(Channels, ch) {
			at(field, "unknown channel %q: choose from %s", ch, strings.Join(Channels, ", "))
			continue
		}
		if n := c.Publishing.Concurrency[ch]; (n < 1 || n > MaxConcurrency) && !ps.Has(field) {
			at(field, "want from 1 to %d posts of %s at once, got %d", MaxConcurrency, ch, n)
		}
	}
}
