package runner

import (
	"context"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
)

func TestStateOf(t *testing.T) {
	now := time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		r    queue.RunnerInfo
		want RunnerState
	}{
		{"beat just now", queue.RunnerInfo{Beat: now}, RunnerAlive},
		{"beat 14.9s ago", queue.RunnerInfo{Beat: now.Add(-14900 * time.Millisecond)}, RunnerAlive},
		{"beat 15s ago", queue.RunnerInfo{Beat: now.Add(-15 * time.Second)}, RunnerDead},
		{"beat an hour ago", queue.RunnerInfo{Beat: now.Add(-time.Hour)}, RunnerDead},
		{"stopped cleanly an hour ago", queue.RunnerInfo{Beat: now.Add(-time.Hour), Stopped: now.Add(-time.Hour)}, RunnerStopped},
		{"stopped cleanly just now", queue.RunnerInfo{Beat: now, Stopped: now}, RunnerStopped},
		{"a clock ahead of ours", queue.RunnerInfo{Beat: now.Add(time.Minute)}, RunnerAlive},
	} {
		if got := StateOf(tc.r, now, DefaultHeartbeat); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestReadStatus(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	now := time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)

	st, err := ReadStatus(ctx, s, now)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 0 || len(st.Runners) != 0 || st.Due != 0 || st.Next != nil || st.OldestDue != nil || st.Stranded() || len(st.Counts) != len(queue.States) {
		t.Errorf("empty queue: got %+v", st)
	}

	var posts []queue.Post
	for i, at := range []time.Time{now.Add(-10 * time.Minute), now.Add(-time.Minute), now, now.Add(time.Hour), now.Add(2 * time.Hour)} {
		p, err := AdHoc(AdHocPost{At: at, Channel: "outbox", Text: string(rune('a' + i))})
		if err != nil {
			t.Fatal(err)
		}
		posts = append(posts, p)
	}
	if _, err := s.Enqueue(ctx, now.Add(-time.Hour), posts); err != nil {
		t.Fatal(err)
	}
	if err := s.Cancel(ctx, posts[4].ID, now, "not needed"); err != nil {
		t.Fatal(err)
	}
	st, err = ReadStatus(ctx, s, now)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 5 || st.Counts[queue.Planned] != 4 || st.Counts[queue.Cancelled] != 1 || st.Counts[queue.Published] != 0 {
		t.Errorf("counts: got %d posts, %v", st.Total, st.Counts)
	}
	if st.Due != 3 || st.OldestDue == nil || st.OldestDue.ID != posts[0].ID {
		t.Errorf("due: got %d, oldest %v; want 3, the one due 10 minutes ago", st.Due, st.OldestDue)
	}
	if st.Next == nil || st.Next.ID != posts[3].ID {
		t.Errorf("next: got %v, want the post due in an hour", st.Next)
	}
	if !st.Stranded() || st.Alive() != 0 {
		t.Errorf("no runner at all: stranded %v, alive %d; want stranded", st.Stranded(), st.Alive())
	}

	beats := []queue.RunnerInfo{
		{ID: "old", Host: "a", PID: 1, Started: now.Add(-48 * time.Hour), Beat: now.Add(-25 * time.Hour)}, // beyond the window
		{ID: "dead", Host: "a", PID: 2, Started: now.Add(-2 * time.Hour), Beat: now.Add(-time.Minute), InFlight: 2},
		{ID: "stopped", Host: "b", PID: 3, Started: now.Add(-3 * time.Hour), Beat: now.Add(-30 * time.Minute), Stopped: now.Add(-30 * time.Minute)},
	}
	for _, b := range beats {
		if err := s.Beat(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	st, err = ReadStatus(ctx, s, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Runners) != 2 || st.Runners[0].ID != "dead" || st.Runners[0].State != RunnerDead || st.Runners[0].InFlight != 2 ||
		st.Runners[1].ID != "stopped" || st.Runners[1].State != RunnerStopped {
		t.Errorf("runners: got %+v; want dead then stopped, and not the one that beat 25h ago", st.Runners)
	}
	if !st.Stranded() {
		t.Error("a dead and a stopped runner: want stranded")
	}

	if err := s.Beat(ctx, queue.RunnerInfo{ID: "alive", Host: "c", PID: 4, Started: now.Add(-time.Hour), Beat: now.Add(-2 * time.Second), LastTick: now.Add(-time.Second)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Pause(ctx, now.Add(-5*time.Minute), "sad news"); err != nil {
		t.Fatal(err)
	}
	st, err = ReadStatus(ctx, s, now)
	if err != nil {
		t.Fatal(err)
	}
	if st.Alive() != 1 || st.Runners[0].ID != "alive" || st.Stranded() {
		t.Errorf("one alive runner: alive %d, first %q, stranded %v", st.Alive(), st.Runners[0].ID, st.Stranded())
	}
	if !st.Pause.On || st.Pause.Reason != "sad news" || !st.Pause.Since.Equal(now.Add(-5*time.Minute)) {
		t.Errorf("pause: got %+v", st.Pause)
	}
}
