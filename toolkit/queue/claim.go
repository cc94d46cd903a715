package queue

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Take chooses what a claim with these slots takes, so that every store
// shares one rule: the posts due first (then by ID), at most Total, and at
// most Channel[c] of channel c when Channel is set. due returns the first
// n waiting posts due of a channel ("" for any), in that order, as the
// store finds them; each channel is asked for in name order, which is also
// the order a store locks them in.
func (free Slots) Take(due func(channel string, n int) ([]Post, error)) ([]Post, error) {
	if free.Total <= 0 {
		return nil, nil
	}
	if free.Channel == nil {
		return due("", free.Total)
	}
	var out []Post
	for _, ch := range slices.Sorted(maps.Keys(free.Channel)) {
		n := min(free.Channel[ch], free.Total)
		if n <= 0 {
			continue
		}
		got, err := due(ch, n)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	slices.SortFunc(out, func(a, b Post) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out[:min(len(out), free.Total)], nil
}

// Leased is p as a claim by owner at now leaves it: claimed until until,
// with one more attempt started.
func (p Post) Leased(owner string, now, until time.Time) Post {
	p.State, p.LeaseOwner, p.LeaseUntil, p.Attempts, p.Updated = Claimed, owner, until.UTC(), p.Attempts+1, now.UTC()
	return p
}
