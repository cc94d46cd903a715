package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/runner"
)

func TestQueueStatus(t *testing.T) {
	dir := t.TempDir()
	path := writeCampaign(t, dir, schedCampaign, nil) // America/New_York
	state := filepath.Join(dir, "state")
	status := func(args ...string) (int, string, string) {
		return runCLI(t, append([]string{"queue", "status", "-c", path, "--state", state}, args...)...)
	}
	if code, _, errs := status(); code != 2 || !strings.Contains(errs, "no queue in") {
		t.Errorf("status before any queue: exit %d, %s", code, errs)
	}

	ctx := context.Background()
	_, s, _, err := openQueue(ctx, path, state, "", true)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now()
	var ids []string
	var posts []queue.Post
	for i, at := range []time.Duration{-2 * time.Minute, -time.Minute, time.Hour} {
		p, err := runner.AdHoc(runner.AdHocPost{At: now.Add(at), Channel: "outbox", Lang: "en", Text: fmt.Sprintf("post %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		posts = append(posts, p)
		ids = append(ids, p.ID)
	}
	if _, err := s.Enqueue(ctx, now, posts); err != nil {
		t.Fatal(err)
	}

	// No runner: the posts due are stranded, and status says so plainly.
	code, out, errs := status()
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	zoned := regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d E[SD]T / (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d UTC`)
	for _, want := range []string{
		"runners:  none in the last 24h",
		"pause:    off",
		"posts:    3 (3 planned)",
		"due now:  2, the oldest " + ids[0] + " outbox/en due ",
		"next:     " + ids[2] + " outbox/en due ",
		"no runner is alive while 2 posts are due: start `campaignkit run`",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if !zoned.MatchString(out) {
		t.Errorf("no time in the campaign's zone with UTC alongside in:\n%s", out)
	}
	var j statusJSON
	code, out, _ = status("--json")
	if err := json.Unmarshal([]byte(out), &j); code != 0 || err != nil {
		t.Fatalf("--json: exit %d, %v\n%s", code, err, out)
	}
	if j.Warning != "no runner is alive while 2 posts are due" || j.Alive != 0 || len(j.Runners) != 0 || j.Due != 2 || j.Total != 3 ||
		j.Counts[queue.Planned] != 3 || j.Next == nil || j.Next.ID != ids[2] || j.OldestDue == nil || j.OldestDue.ID != ids[0] || j.Timezone != "America/New_York" {
		t.Errorf("--json without runners: got %+v", j)
	}

	// One runner alive, one dead mid-publish, one stopped cleanly; paused.
	for _, r := range []queue.RunnerInfo{
		{ID: "alive-1", Host: "press-1", PID: 101, Source: "schedule-test", Started: now.Add(-time.Hour), Beat: now.Add(-2 * time.Second), LastTick: now.Add(-time.Second), InFlight: 3},
		{ID: "dead-1", Host: "press-2", PID: 202, Source: "schedule-test", Started: now.Add(-2 * time.Hour), Beat: now.Add(-time.Minute), LastTick: now.Add(-time.Minute), InFlight: 1},
		{ID: "stopped-1", Host: "press-3", PID: 303, Source: "schedule-test", Started: now.Add(-3 * time.Hour), Beat: now.Add(-30 * time.Minute), Stopped: now.Add(-30 * time.Minute)},
	} {
		if err := s.Beat(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Pause(ctx, now, "sad news"); err != nil {
		t.Fatal(err)
	}
	code, out, errs = status()
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"runners:  1 alive of 3 seen in the last 24h",
		"  alive    press-1 pid 101, campaign schedule-test, since ",
		", 3 in flight",
		"  dead     press-2 pid 202",
		"(1m ago)",
		"  stopped  press-3 pid 303",
		"           stopped ",
		"pause:    ON since ",
		": sad news; `campaignkit queue resume` to publish again",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "no runner is alive") {
		t.Errorf("a runner is alive, yet:\n%s", out)
	}
	j = statusJSON{}
	code, out, _ = status("--json")
	if err := json.Unmarshal([]byte(out), &j); code != 0 || err != nil {
		t.Fatalf("--json: exit %d, %v\n%s", code, err, out)
	}
	states := map[string]runner.RunnerState{}
	for _, r := range j.Runners {
		states[r.ID] = r.State
	}
	if j.Alive != 1 || j.Warning != "" || states["alive-1"] != runner.RunnerAlive || states["dead-1"] != runner.RunnerDead ||
		states["stopped-1"] != runner.RunnerStopped || !j.Paused.On || j.Paused.Reason != "sad news" || j.Paused.Since == nil {
		t.Errorf("--json with runners: got %+v", j)
	}
}

func TestZoned(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		t    time.Time
		loc  *time.Location
		want string
	}{
		{time.Date(2026, 12, 18, 14, 0, 5, 0, time.UTC), ny, "2026-12-18 09:00:05 EST / 14:00:05 UTC"},
		{time.Date(2026, 12, 19, 2, 0, 0, 0, time.UTC), ny, "2026-12-18 21:00:00 EST / 2026-12-19 02:00:00 UTC"},
		{time.Date(2026, 12, 18, 14, 0, 5, 0, time.UTC), time.UTC, "2026-12-18 14:00:05 UTC"},
		{time.Time{}, ny, "-"},
	} {
		if got := zoned(tc.t, tc.loc); got != tc.want {
			t.Errorf("zoned(%v, %v) = %q, want %q", tc.t, tc.loc, got, tc.want)
		}
	}
	now := time.Date(2026, 12, 18, 14, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{0: "now", time.Minute: "1m ago", 2 * time.Hour: "2h ago", 90 * time.Minute: "1h30m ago",
		-time.Hour: "in 1h", 1500 * time.Millisecond: "2s ago"} {
		if got := ago(now.Add(-d), now); got != want {
			t.Errorf("ago(now-%s) = %q, want %q", d, got, want)
		}
	}
}
