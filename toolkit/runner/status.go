package runner

import (
	"context"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
)

// DefaultHeartbeat is how often a runner beats when Config.Heartbeat is
// not set, and so what Status measures a runner's silence against.
const DefaultHeartbeat = 5 * time.Second

// StatusWindow is how far back Status looks for runners: one that last
// beat earlier is no longer listed.
const StatusWindow = 24 * time.Hour

// RunnerState says whether a runner is publishing.
type RunnerState string

// The states of a runner as its heartbeats tell them.
const (
	RunnerAlive   RunnerState = "alive"   // it beat within 3 heartbeats
	RunnerStopped RunnerState = "stopped" // it stopped cleanly
	RunnerDead    RunnerState = "dead"    // it stopped beating without saying so: a crash, a kill, a lost machine
)

// RunnerStatus is a runner as its last heartbeat describes it.
type RunnerStatus struct {
	queue.RunnerInfo
	State RunnerState
}

// Status is what an operator needs to know of a queue at a glance: who is
// publishing, whether the queue is paused, what it holds, and what is due.
type Status struct {
	Now     time.Time
	Runners []RunnerStatus // those that beat within StatusWindow, newest beat first
	Pause   queue.Pause
	Counts  map[queue.State]int // posts by state, every state present
	Total   int
	// Due is how many waiting posts are due at Now (their time, or their
	// retry's, has come); OldestDue is the one due longest, nil when none.
	Due       int
	OldestDue *queue.Post
	// Next is the first waiting post due after Now, nil when none.
	Next *queue.Post
}

// Alive is how many runners are alive.
func (s Status) Alive() int {
	n := 0
	for _, r := range s.Runners {
		if r.State == RunnerAlive {
			n++
		}
	}
	return n
}

// Stranded reports whether posts are due while no runner is alive to
// publish them: the one thing an operator must act on at once.
func (s Status) Stranded() bool { return s.Due > 0 && s.Alive() == 0 }

// StateOf says whether the runner that beat as r is alive at now, with
// runners beating every heartbeat: it stopped cleanly, or it beat within
// three heartbeats (the margin the runners' own watch allows), or it is
// dead.
func StateOf(r queue.RunnerInfo, now time.Time, heartbeat time.Duration) RunnerState {
	switch {
	case !r.Stopped.IsZero():
		return RunnerStopped
	case now.Sub(r.Beat) < 3*heartbeat:
		return RunnerAlive
	}
	return RunnerDead
}

// ReadStatus reads the status of the queue in store at now.
func ReadStatus(ctx context.Context, store queue.Store, now time.Time) (Status, error) {
	st := Status{Now: now, Counts: map[queue.State]int{}}
	infos, err := store.Runners(ctx, now.Add(-StatusWindow))
	if err != nil {
		return st, err
	}
	for _, r := range infos {
		st.Runners = append(st.Runners, RunnerStatus{RunnerInfo: r, State: StateOf(r, now, DefaultHeartbeat)})
	}
	if st.Pause, err = store.Paused(ctx); err != nil {
		return st, err
	}
	posts, err := store.List(ctx, queue.Filter{})
	if err != nil {
		return st, err
	}
	for _, s := range queue.States {
		st.Counts[s] = 0
	}
	st.Total = len(posts)
	for i, p := range posts {
		st.Counts[p.State]++
		if !p.Waiting() {
			continue
		}
		if !p.Due.After(now) {
			st.Due++
			if st.OldestDue == nil || p.Due.Before(st.OldestDue.Due) {
				st.OldestDue = &posts[i]
			}
		} else if st.Next == nil || p.Due.Before(st.Next.Due) {
			st.Next = &posts[i]
		}
	}
	return st, nil
}
