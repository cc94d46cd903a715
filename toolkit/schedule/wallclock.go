package schedule

import (
	"fmt"
	"time"
)

// wallClock is a local date and time of day in a campaign's zone, before it
// is pinned to an instant.
type wallClock struct {
	Year  int
	Month time.Month
	Day   int
	Hour  int
	Min   int
}

func (w wallClock) String() string {
	return fmt.Sprintf("%04d-%02d-%02d %02d:%02d", w.Year, w.Month, w.Day, w.Hour, w.Min)
}

// resolved is a wall-clock time pinned to an instant.
type resolved struct {
	At      time.Time // the instant, in the zone
	Shifted bool      // the wall-clock time fell in a spring-forward gap
	Twice   bool      // the wall-clock time happens twice (fall-back overlap)
}

// resolve pins w to an instant in loc. time.Date leaves the choice open for
// times in a gap or an overlap, so the candidates are computed from the
// offsets in force a day before and a day after: a candidate is valid when
// reading it back in loc gives w again. Two valid candidates mean an overlap
// (the earlier wins); none means a gap, and reading w with the offset from
// before the gap moves it forward by exactly the gap.
func resolve(w wallClock, loc *time.Location) resolved {
	naive := time.Date(w.Year, w.Month, w.Day, w.Hour, w.Min, 0, 0, time.UTC)
	_, offBefore := naive.Add(-24 * time.Hour).In(loc).Zone()
	_, offAfter := naive.Add(24 * time.Hour).In(loc).Zone()
	var valid []time.Time
	for _, off := range []int{offBefore, offAfter} {
		t := naive.Add(-time.Duration(off) * time.Second).In(loc)
		if sameWall(t, w) && (len(valid) == 0 || !valid[0].Equal(t)) {
			valid = append(valid, t)
		}
	}
	switch len(valid) {
	case 0:
		return resolved{At: naive.Add(-time.Duration(offBefore) * time.Second).In(loc), Shifted: true}
	case 1:
		return resolved{At: valid[0]}
	default:
		first := valid[0]
		if valid[1].Before(first) {
			first = valid[1]
		}
		return resolved{At: first, Twice: true}
	}
}

func sameWall(t time.Time, w wallClock) bool {
	return t.Year() == w.Year && t.Month() == w.Month && t.Day() == w.Day && t.Hour() == w.Hour && t.Minute() == w.Min
}
