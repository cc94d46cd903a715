package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/runner"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
	"github.com/campaignkit/campaignkit/toolkit/watch"
)

// liveEdits applies edits made to a running campaign's files: the
// campaign file, its schedule file, its theme files and the images it
// names. Each edit is loaded and checked as lint checks posts, captions,
// the schedule and themes; then it goes to the runner, which re-plans the
// queue, or it is refused with its problems logged while the old plan
// keeps running.
type liveEdits struct {
	log     *slog.Logger
	state   string         // the state folder, where card images are drawn
	runner  *runner.Runner // nil: serve without --run, which only checks
	watcher *watch.Watcher
	cur     *loadedCampaign // as last applied
}

// startLiveEdits watches lc's files until ctx ends, applying each edit to
// r (nil: checking it only). The returned function waits for the watch to
// end after ctx has; the watch's goroutines are startLiveEdits's.
func startLiveEdits(ctx context.Context, lc *loadedCampaign, state string, log *slog.Logger, r *runner.Runner, o watch.Options) (wait func()) {
	if lc.Embedded {
		return func() {} // nothing on disk to edit
	}
	le := &liveEdits{log: log, state: state, runner: r, cur: lc}
	le.watcher = watch.New(watchedFiles(lc), o)
	events := le.watcher.Run(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range events {
			le.apply(ctx, ev.Paths)
		}
	}()
	log.Info("watching the campaign's files for edits", "files", len(le.watcher.Paths()))
	return func() { <-done }
}

// watchedFiles lists the files on disk that make up lc, as paths the
// process can stat: the campaign file, its schedule and theme files (also
// ones not there yet, whose creation would change the campaign: a
// schedule or theme beside the campaign file comes before the built-in
// one of that name), theme background images, the logo, and the cards'
// photos and portraits.
func watchedFiles(lc *loadedCampaign) []string {
	if lc.Embedded {
		return nil
	}
	set := map[string]bool{filepath.Clean(lc.File): true}
	add := func(name string) {
		if name != "" {
			set[filepath.Clean(lc.userPath(name))] = true
		}
	}
	if name := lc.Schedule; name != "" {
		if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml") {
			name += ".yaml"
		}
		add(name)
	}
	themes := map[string]bool{lc.Theme: true}
	add(lc.Logo)
	for _, c := range lc.Cards {
		add(c.Photo)
		add(c.Portrait)
		if c.Theme != "" {
			themes[c.Theme] = true
		}
	}
	for name := range themes {
		if name == "" {
			continue
		}
		add("themes/" + name + ".yaml")
		if th, fsys, err := loadTheme(lc, name); err == nil && fsys != assets.Themes && th.Background.Image != "" {
			add("themes/" + th.Background.Image)
		}
	}
	return toolkit.SortedKeys(set)
}

// apply loads the campaign again after files changed, and hands it to the
// runner or refuses it.
func (le *liveEdits) apply(ctx context.Context, changed []string) {
	lc, sched, problems := le.check()
	if ctx.Err() != nil {
		return // stopping: the edit is read again at the next start
	}
	if lc != nil {
		// files an edit names from now on, also a refused one: the image
		// it lacks may be added next
		le.watcher.SetPaths(union(watchedFiles(le.cur), watchedFiles(lc)))
	}
	if len(problems) > 0 {
		le.log.Error(fmt.Sprintf("campaign edit refused, the old plan keeps running: %d %s", len(problems), plural(len(problems), "problem", "problems")),
			"files", strings.Join(changed, ","))
		for _, p := range problems {
			le.log.Error("refused: " + p.String())
		}
		return
	}
	if le.runner == nil {
		le.cur = lc
		le.log.Info("campaign edit checked: no problems; `campaignkit run` re-plans the queue, and the page shows the edit once serve restarts",
			"files", strings.Join(changed, ","))
		return
	}
	counts, err := le.runner.Reconfigure(ctx, lc.Campaign, sched, cardImages(lc, le.state))
	if err != nil {
		if ctx.Err() == nil {
			le.log.Error("campaign edit refused, the old plan keeps running", "files", strings.Join(changed, ","), "err", err)
		}
		return
	}
	le.cur = lc
	le.watcher.SetPaths(watchedFiles(lc))
	le.log.Info(fmt.Sprintf("campaign edited: %d %s updated, %d cancelled, %d added", counts.Updated, plural(counts.Updated, "post", "posts"), counts.Cancelled, counts.Added),
		"files", strings.Join(changed, ","), "unchanged", counts.Unchanged, "done_or_held", counts.Kept)
}

// check loads the campaign file again and returns it with its schedule,
// or the problems that keep it from replacing the running one: those lint
// reports for the campaign file (keys, posts, images), its themes, its
// schedule and its captions, and a change of slug.
func (le *liveEdits) check() (*loadedCampaign, *schedule.Schedule, []toolkit.Problem) {
	ps := &toolkit.Problems{}
	add := func(err error) {
		var ie *toolkit.InvalidError
		if errors.As(err, &ie) {
			ps.Append(ie.Problems...)
		} else if err != nil {
			ps.Append(toolkit.Problem{File: le.cur.File, Msg: err.Error()})
		}
	}
	lc, err := le.cur.reload()
	add(err)
	if lc == nil {
		return nil, nil, sorted(ps)
	}
	if lc.Slug != le.cur.Slug {
		ps.Append(toolkit.Problem{File: lc.File, Line: lc.Pos.Line("slug"), Field: "slug",
			Msg: fmt.Sprintf("changed from %q to %q: the queue knows posts by the slug; stop the runner to rename a campaign", le.cur.Slug, lc.Slug)})
	}
	themes := map[string]bool{lc.Theme: true}
	for _, c := range lc.Cards {
		if c.Theme != "" {
			themes[c.Theme] = true
		}
	}
	for _, name := range toolkit.SortedKeys(themes) {
		_, _, err := loadTheme(lc, name)
		add(err)
	}
	sched, err := loadSchedule(lc)
	add(err)
	if err == nil {
		_, err := schedule.Plan(lc.Campaign, sched)
		add(placeSchedule(lc, err))
	}
	ps.Append(caption.Lint(lc.Campaign)...)
	if ps.Len() == 0 {
		// captions of card rotations, which only planning builds
		_, err := schedule.PlanCaptioned(lc.Campaign, sched, caption.Build)
		add(placeSchedule(lc, err))
	}
	return lc, sched, sorted(ps)
}

// placeSchedule gives a planning error that names no file the line of the
// campaign file where the schedule is named.
func placeSchedule(lc *loadedCampaign, err error) error {
	if err == nil || toolkit.IsInvalid(err) {
		return err
	}
	return toolkit.Invalid(lc.File, lc.Pos.Line("schedule"), "schedule", "%v", err)
}

func sorted(ps *toolkit.Problems) []toolkit.Problem {
	var ie *toolkit.InvalidError
	if errors.As(ps.Err(), &ie) {
		return ie.Problems
	}
	return nil
}

func union(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}
