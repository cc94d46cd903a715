package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/runner"
	"github.com/urfave/cli/v2"
)

func queueStatusCommand(common []cli.Flag, opts func(*cli.Context) queueOptions) *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "which runners are publishing, the pause switch, posts by state, and what is due",
		Description: "A runner is alive when it beat within the last 15 seconds (3 heartbeats of 5s), stopped when\n" +
			"it stopped cleanly, and dead otherwise; runners that last beat more than a day ago are not\n" +
			"listed. Times are in the campaign's zone with UTC alongside. Exits 0 whatever it finds.",
		Flags:  append(common, &cli.BoolFlag{Name: "json", Usage: "print JSON"}),
		Action: func(cc *cli.Context) error { return queueStatus(cc, opts(cc)) },
	}
}

func queueStatus(cc *cli.Context, o queueOptions) error {
	lc, s, _, err := openQueue(cc.Context, o.campaign, o.state, o.store, false)
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := runner.ReadStatus(cc.Context, s, time.Now())
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(cc.App.Writer, statusToJSON(st, storeName(s), lc.Location))
	}
	printStatus(cc.App.Writer, st, storeName(s), lc.Location)
	return nil
}

// stranded is the line an operator must not miss.
func stranded(st runner.Status) string {
	if !st.Stranded() {
		return ""
	}
	return fmt.Sprintf("no runner is alive while %d %s due", st.Due, plural(st.Due, "post is", "posts are"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// zoned writes t in loc with UTC alongside; the UTC date only when it is
// not loc's.
func zoned(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	l, u := t.In(loc), t.UTC()
	s := l.Format("2006-01-02 15:04:05 MST")
	if loc == time.UTC {
		return s
	}
	if l.Format(time.DateOnly) == u.Format(time.DateOnly) {
		return s + " / " + u.Format("15:04:05") + " UTC"
	}
	return s + " / " + u.Format("2006-01-02 15:04:05") + " UTC"
}

// ago says how long before now t was (or, negative, how long after).
func ago(t, now time.Time) string {
	d := now.Sub(t).Round(time.Second)
	switch {
	case d == 0:
		return "now"
	case d < 0:
		return "in " + toolkit.ShortDuration(-d)
	}
	return toolkit.ShortDuration(d) + " ago"
}

// byState counts posts by state in the order of a post's life, leaving
// out the states none is in: "2 planned, 1 failed".
func byState(counts map[queue.State]int) string {
	var parts []string
	for _, s := range queue.States {
		if n := counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return strings.Join(parts, ", ")
}

func postLine(p *queue.Post, now time.Time, loc *time.Location) string {
	return fmt.Sprintf("%s %s/%s due %s (%s)", p.ID, p.Channel, p.Lang, zoned(p.Due, loc), ago(p.Due, now))
}

func printStatus(w io.Writer, st runner.Status, file string, loc *time.Location) {
	now := st.Now
	fmt.Fprintf(w, "queue:    %s\n", file)
	fmt.Fprintf(w, "now:      %s\n", zoned(now, loc))
	if len(st.Runners) == 0 {
		fmt.Fprintln(w, "runners:  none in the last 24h")
	} else {
		fmt.Fprintf(w, "runners:  %d alive of %d seen in the last 24h\n", st.Alive(), len(st.Runners))
	}
	for _, r := range st.Runners {
		fmt.Fprintf(w, "  %-7s  %s pid %d", r.State, r.Host, r.PID)
		if r.Source != "" {
			fmt.Fprintf(w, ", campaign %s", r.Source)
		}
		fmt.Fprintf(w, ", since %s\n", zoned(r.Started, loc))
		fmt.Fprintf(w, "           last beat %s (%s)", zoned(r.Beat, loc), ago(r.Beat, now))
		if !r.LastTick.IsZero() && r.LastTick.Unix() > 0 {
			fmt.Fprintf(w, ", last tick %s (%s)", zoned(r.LastTick, loc), ago(r.LastTick, now))
		}
		if r.State == runner.RunnerStopped {
			fmt.Fprintf(w, "\n           stopped %s\n", zoned(r.Stopped, loc))
		} else {
			fmt.Fprintf(w, ", %d in flight\n", r.InFlight)
		}
	}
	if st.Pause.On {
		fmt.Fprintf(w, "pause:    ON since %s", zoned(st.Pause.Since, loc))
		if st.Pause.Reason != "" {
			fmt.Fprintf(w, ": %s", st.Pause.Reason)
		}
		fmt.Fprintln(w, "; `campaignkit queue resume` to publish again")
	} else {
		fmt.Fprintln(w, "pause:    off")
	}
	if st.Total == 0 {
		fmt.Fprintln(w, "posts:    none")
	} else {
		fmt.Fprintf(w, "posts:    %d (%s)\n", st.Total, byState(st.Counts))
	}
	if st.Due > 0 {
		fmt.Fprintf(w, "due now:  %d, the oldest %s\n", st.Due, postLine(st.OldestDue, now, loc))
	} else {
		fmt.Fprintln(w, "due now:  none")
	}
	if st.Next != nil {
		fmt.Fprintf(w, "next:     %s\n", postLine(st.Next, now, loc))
	} else {
		fmt.Fprintln(w, "next:     nothing waits")
	}
	if msg := stranded(st); msg != "" {
		fmt.Fprintf(w, "%s: start `campaignkit run` (or `campaignkit serve --run`)\n", msg)
	}
}

type statusJSON struct {
	Queue     string              `json:"queue"`
	Now       time.Time           `json:"now"`
	Timezone  string              `json:"timezone"`
	Runners   []runnerJSON        `json:"runners"`
	Alive     int                 `json:"alive"`
	Paused    pauseJSON           `json:"paused"`
	Counts    map[queue.State]int `json:"counts"`
	Total     int                 `json:"total"`
	Due       int                 `json:"due"`
	OldestDue *dueJSON            `json:"oldest_due,omitempty"`
	Next      *dueJSON            `json:"next,omitempty"`
	// Warning is set when posts are due and no runner is alive.
	Warning string `json:"warning,omitempty"`
}

type runnerJSON struct {
	ID       string             `json:"id"`
	State    runner.RunnerState `json:"state"`
	Host     string             `json:"host"`
	PID      int                `json:"pid"`
	Source   string             `json:"source,omitempty"`
	Started  time.Time          `json:"started"`
	Beat     time.Time          `json:"beat"`
	LastTick *time.Time         `json:"last_tick,omitempty"`
	InFlight int                `json:"in_flight"`
	Stopped  *time.Time         `json:"stopped,omitempty"`
}

type pauseJSON struct {
	On     bool       `json:"on"`
	Since  *time.Time `json:"since,omitempty"`
	Reason string     `json:"reason,omitempty"`
}

type dueJSON struct {
	ID      string    `json:"id"`
	Channel string    `json:"channel"`
	Lang    string    `json:"lang"`
	At      time.Time `json:"at"`
	Due     time.Time `json:"due"`
}

func statusToJSON(st runner.Status, file string, loc *time.Location) statusJSON {
	due := func(p *queue.Post) *dueJSON {
		if p == nil {
			return nil
		}
		return &dueJSON{ID: p.ID, Channel: p.Channel, Lang: p.Lang, At: p.At.UTC(), Due: p.Due.UTC()}
	}
	j := statusJSON{Queue: file, Now: st.Now.UTC(), Timezone: loc.String(), Runners: []runnerJSON{}, Alive: st.Alive(),
		Paused: pauseJSON{On: st.Pause.On, Reason: st.Pause.Reason}, Counts: st.Counts, Total: st.Total, Due: st.Due,
		OldestDue: due(st.OldestDue), Next: due(st.Next), Warning: stranded(st)}
	if st.Pause.On {
		j.Paused.Since = optTime(st.Pause.Since)
	}
	for _, r := range st.Runners {
		j.Runners = append(j.Runners, runnerJSON{ID: r.ID, State: r.State, Host: r.Host, PID: r.PID, Source: r.Source,
			Started: r.Started.UTC(), Beat: r.Beat.UTC(), LastTick: optTime(r.LastTick), InFlight: r.InFlight, Stopped: optTime(r.Stopped)})
	}
	return j
}
