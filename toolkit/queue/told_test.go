package queue

import (
	"testing"
	"time"
)

func TestToldPruningDue(t *testing.T) {
	var p ToldPruning
	for i, tt := range []struct {
		now  time.Time
		want bool
	}{
		{t0, true}, // the first call
		{t0.Add(time.Minute), false},
		{t0.Add(PruneEvery - time.Millisecond), false},
		{t0.Add(PruneEvery), true},
		{t0.Add(PruneEvery + time.Minute), false},
		{t0, true}, // the clock went back
		{t0.Add(time.Minute), false},
	} {
		before, ok := p.Due(tt.now)
		if ok != tt.want {
			t.Errorf("%d: due at %s: got %v, want %v", i, tt.now.Format(time.RFC3339Nano), ok, tt.want)
		}
		if want := tt.now.Add(-ToldFor); ok && !before.Equal(want) {
			t.Errorf("%d: forget before: got %s, want %s", i, before, want)
		}
	}
}
