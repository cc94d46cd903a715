package toolkit

import (
	"strings"
	"time"
)

// ShortDuration writes d as a person would: 1m, 24h, 1h30m, 100ms, not
// 1m0s or 24h0m0s. Problems in a campaign file and the queue's status both
// speak of durations, and should write them alike.
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
