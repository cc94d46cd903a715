package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/runner"
	"github.com/urfave/cli/v2"
)

// stateFlag is shared by the commands that use the queue.
var stateFlag = &cli.StringFlag{
	Name:  "state",
	Usage: "state `DIR` holding queue.db and the outbox (default: .campaignkit beside the campaign, or in the working folder for the demo)",
}

type queueOptions struct {
	campaign string
	state    string
	store    string
	json     bool
	only     []string
	id       string
	reason   string
	add      addOptions
}

type addOptions struct {
	at, channel, lang, text, link string
	images, alts                  []string
	force                         bool
}

func queueCommand() *cli.Command {
	opts := func(cc *cli.Context) queueOptions {
		return queueOptions{campaign: cc.String("campaign"), state: cc.String("state"), store: cc.String("store"), json: cc.Bool("json"),
			only: cc.StringSlice("only"), id: cc.Args().First(), reason: cc.String("reason")}
	}
	common := []cli.Flag{campaignFlag, stateFlag, storeFlag}
	return &cli.Command{
		Name:  "queue",
		Usage: "see and steer the persistent publishing queue",
		Subcommands: []*cli.Command{
			{
				Name:  "list",
				Usage: "list queued posts with their state",
				Flags: append(common,
					&cli.StringSliceFlag{Name: "only", Usage: "only posts in `STATE` (planned, claimed, published, failed, missed, cancelled; repeatable)"},
					&cli.BoolFlag{Name: "json", Usage: "print JSON"}),
				Action: func(cc *cli.Context) error { return queueList(cc, opts(cc)) },
			},
			queueStatusCommand(common, opts),
			{
				Name:      "show",
				Usage:     "show one post and every attempt at publishing it",
				ArgsUsage: "ID (or a unique prefix of at least 4 characters)",
				Flags:     append(common, &cli.BoolFlag{Name: "json", Usage: "print JSON"}),
				Action:    func(cc *cli.Context) error { return queueShow(cc, opts(cc)) },
			},
			{
				Name:  "add",
				Usage: "queue a post by hand",
				Flags: append(common,
					&cli.StringFlag{Name: "at", Required: true, Usage: "`TIME`: 2026-12-18T09:00:00Z, or 2026-12-18 09:00[:05] in the campaign's zone"},
					&cli.StringFlag{Name: "channel", Required: true, Usage: "`CHANNEL`: " + strings.Join(campaign.Channels, ", ")},
					&cli.StringFlag{Name: "text", Required: true, Usage: "the post's final `TEXT`"},
					&cli.StringFlag{Name: "lang", Usage: "language `TAG` of the text (default: the campaign's first language)"},
					&cli.StringFlag{Name: "link", Usage: "`URL` to attach"},
					&cli.StringSliceFlag{Name: "image", Usage: "image `FILE` (repeatable)"},
					&cli.StringSliceFlag{Name: "alt", Usage: "alt `TEXT` of each --image, in order (required)"},
					&cli.BoolFlag{Name: "force", Usage: "queue it even though its time is outside campaign week"}),
				Description: "The post is checked as the campaign's own posts are, and every problem is listed (exit 2):\n" +
					"the text must fit the channel's limit as the platform counts it (x, bluesky, mastodon, threads,\n" +
					"linkedin, instagram, facebook; outbox and webhook have none), with the link appended as it\n" +
					"will be posted; each image must be a PNG or JPEG file within the image limits, within the\n" +
					"channel's byte limit, with alt text; the language must be one of the campaign's; and the time\n" +
					"must be inside campaign week unless --force.",
				Action: func(cc *cli.Context) error {
					o := opts(cc)
					o.add = addOptions{at: cc.String("at"), channel: cc.String("channel"), lang: cc.String("lang"), text: cc.String("text"),
						link: cc.String("link"), images: cc.StringSlice("image"), alts: cc.StringSlice("alt"), force: cc.Bool("force")}
					return queueAdd(cc, o)
				},
			},
			{
				Name:      "cancel",
				Usage:     "withdraw a waiting post",
				ArgsUsage: "ID",
				Flags:     append(common, &cli.StringFlag{Name: "reason", Usage: "why, for the record", Value: "cancelled by an operator"}),
				Action:    func(cc *cli.Context) error { return queueCancel(cc, opts(cc)) },
			},
			{
				Name:   "pause",
				Usage:  "stop publishing until `queue resume` (posts whose time passes beyond the grace window meanwhile are marked missed)",
				Flags:  append(common, &cli.StringFlag{Name: "reason", Usage: "why, shown in the logs and the dashboard"}),
				Action: func(cc *cli.Context) error { return queuePause(cc, opts(cc), true) },
			},
			{
				Name:   "resume",
				Usage:  "publish again after `queue pause`",
				Flags:  common,
				Action: func(cc *cli.Context) error { return queuePause(cc, opts(cc), false) },
			},
			{
				Name:      "retry",
				Usage:     "make a failed, missed or cancelled post due again now",
				ArgsUsage: "ID",
				Flags:     common,
				Action:    func(cc *cli.Context) error { return queueRetry(cc, opts(cc)) },
			},
		},
	}
}

// userError turns the queue's "no such post" and "not in this state" into
// command-line mistakes (exit 2).
func userError(err error) error {
	if errors.Is(err, queue.ErrNotFound) || errors.Is(err, queue.ErrAmbiguous) || errors.Is(err, queue.ErrState) {
		return usagef("%v", err)
	}
	return err
}

func queueList(cc *cli.Context, o queueOptions) error {
	_, s, _, err := openQueue(cc.Context, o.campaign, o.state, o.store, false)
	if err != nil {
		return err
	}
	defer s.Close()
	var states []queue.State
	for _, st := range o.only {
		for _, part := range strings.Split(st, ",") {
			state := queue.State(strings.TrimSpace(part))
			if !slices.Contains(queue.States, state) {
				return usagef("--only %q: want one of %v", part, queue.States)
			}
			states = append(states, state)
		}
	}
	posts, err := s.List(cc.Context, queue.Filter{States: states})
	if err != nil {
		return err
	}
	w := cc.App.Writer
	if o.json {
		return printJSON(w, postsJSON(posts))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "AT (UTC)\tSTATE\tCHANNEL\tLANG\tTRIES\tID\tTEXT\tNOTE")
	for _, p := range posts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", p.At.Format("2006-01-02 15:04:05"), p.State, p.Channel, p.Lang, p.Attempts, p.ID, clip(p.Text, 32), clip(note(p), 60))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	counts := map[queue.State]int{}
	for _, p := range posts {
		counts[p.State]++
	}
	fmt.Fprintf(w, "posts: %d (%s)\n", len(posts), byState(counts))
	return nil
}

// note is the one thing to know about a post's state.
func note(p queue.Post) string {
	switch p.State {
	case queue.Failed:
		if p.Due.IsZero() {
			return "gave up: " + p.LastError
		}
		return "retry at " + p.Due.Format("15:04:05") + ": " + p.LastError
	case queue.Claimed:
		return "by " + p.LeaseOwner + " until " + p.LeaseUntil.Format("15:04:05")
	case queue.Published:
		if p.URL != "" {
			return p.URL
		}
		return p.RemoteID
	case queue.Missed, queue.Cancelled:
		return p.Reason
	}
	return ""
}

type postJSON struct {
	ID         string          `json:"id"`
	State      queue.State     `json:"state"`
	Source     string          `json:"source"`
	Slot       string          `json:"slot"`
	Channel    string          `json:"channel"`
	Lang       string          `json:"lang"`
	At         time.Time       `json:"at"`
	Local      string          `json:"local,omitempty"`
	Timezone   string          `json:"timezone,omitempty"`
	Card       string          `json:"card,omitempty"`
	Post       string          `json:"post,omitempty"`
	Text       string          `json:"text"`
	Link       string          `json:"link,omitempty"`
	Images     []publish.Image `json:"images,omitempty"`
	Due        *time.Time      `json:"due,omitempty"`
	Attempts   int             `json:"attempts"`
	LastError  string          `json:"last_error,omitempty"`
	Reason     string          `json:"reason,omitempty"`
	LeaseOwner string          `json:"lease_owner,omitempty"`
	RemoteID   string          `json:"remote_id,omitempty"`
	URL        string          `json:"url,omitempty"`
	History    []attemptJSON   `json:"history,omitempty"`
}

type attemptJSON struct {
	N        int        `json:"n"`
	Owner    string     `json:"owner"`
	Started  time.Time  `json:"started"`
	Finished *time.Time `json:"finished,omitempty"`
	Outcome  string     `json:"outcome"`
	Error    string     `json:"error,omitempty"`
}

func toJSON(p queue.Post) postJSON {
	j := postJSON{ID: p.ID, State: p.State, Source: p.Source, Slot: p.Slot, Channel: p.Channel, Lang: p.Lang, At: p.At, Local: p.Local,
		Timezone: p.Zone, Card: p.Card, Post: p.PostID, Text: p.Text, Link: p.Link, Images: p.Images, Attempts: p.Attempts,
		LastError: p.LastError, Reason: p.Reason, LeaseOwner: p.LeaseOwner, RemoteID: p.RemoteID, URL: p.URL, Due: optTime(p.Due)}
	return j
}

// optTime is a time for JSON output: UTC, or nil (left out) for the zero
// time, which the queue uses for "none".
func optTime(t time.Time) *time.Time {
	if t.IsZero() || t.Unix() <= 0 {
		return nil
	}
	u := t.UTC()
	return &u
}

func postsJSON(posts []queue.Post) []postJSON {
	out := make([]postJSON, len(posts))
	for i, p := range posts {
		out[i] = toJSON(p)
	}
	return out
}

// printJSON writes v as the commands' --json output: indented, one value.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func queueShow(cc *cli.Context, o queueOptions) error {
	s, p, attempts, err := openPost(cc, o, "queue show")
	if err != nil {
		return err
	}
	defer s.Close()
	j := toJSON(p)
	for _, a := range attempts {
		j.History = append(j.History, attemptJSON{N: a.N, Owner: a.Owner, Started: a.Started, Finished: optTime(a.Finished), Outcome: a.Outcome, Error: a.Error})
	}
	w := cc.App.Writer
	if o.json {
		return printJSON(w, j)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", k, v)
		}
	}
	row("id", p.ID)
	row("state", string(p.State))
	row("note", note(p))
	row("source", p.Source)
	row("slot", p.Slot)
	row("channel", p.Channel)
	row("lang", p.Lang)
	row("at", p.At.Format(time.RFC3339))
	row("local", strings.TrimSpace(p.Local+" "+p.Zone))
	if !p.Due.IsZero() && !p.Due.Equal(p.At) {
		row("due", p.Due.Format(time.RFC3339))
	}
	row("card", p.Card)
	row("post", p.PostID)
	row("link", p.Link)
	for _, img := range p.Images {
		row("image", img.Path+" (alt: "+clip(img.Alt, 60)+")")
	}
	row("remote", strings.TrimSpace(p.RemoteID+" "+p.URL))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "text:\n%s\n", indent(p.Text))
	if len(attempts) > 0 {
		fmt.Fprintln(w, "attempts:")
		for _, a := range attempts {
			outcome := a.Outcome
			if outcome == "" {
				outcome = "running"
			}
			fmt.Fprintf(w, "  %d. %s by %s: %s", a.N, a.Started.Format(time.RFC3339), a.Owner, outcome)
			if a.Error != "" {
				fmt.Fprintf(w, ": %s", a.Error)
			}
			fmt.Fprintln(w)
		}
	}
	return nil
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

// parseAt reads --at: RFC 3339, or a local time in the campaign's zone.
func parseAt(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: want 2026-12-18T09:00:00Z, or 2026-12-18 09:00 in the campaign's zone (%s)", s, loc)
}

// queueAdd checks the post before the queue is opened, so that a refused
// post leaves nothing behind, and lists every problem with the flag it
// concerns.
func queueAdd(cc *cli.Context, o queueOptions) error {
	a := o.add
	lc, err := loadCampaign(o.campaign)
	if err != nil {
		return err
	}
	var problems []toolkit.Problem
	at, atErr := parseAt(a.at, lc.Location)
	if atErr != nil {
		problems = append(problems, toolkit.Problem{Field: "--at", Msg: atErr.Error()})
	}
	if len(a.alts) > len(a.images) {
		problems = append(problems, toolkit.Problem{Field: "--alt", Msg: fmt.Sprintf("%d alt texts for %d images: give one --alt per --image, in the same order", len(a.alts), len(a.images))})
	}
	images := make([]publish.Image, len(a.images))
	for i, f := range a.images {
		abs, err := filepath.Abs(f)
		if err != nil {
			return err
		}
		images[i].Path = abs
		if i < len(a.alts) {
			images[i].Alt = a.alts[i]
		}
	}
	p, err := runner.AdHoc(runner.AdHocPost{Campaign: lc.Campaign, At: at, Channel: a.channel, Lang: a.lang, Text: a.text, Link: a.link, Images: images, Force: a.force})
	var ie *toolkit.InvalidError
	if errors.As(err, &ie) {
		for _, pr := range ie.Problems {
			if pr.Field == "at" && atErr != nil {
				continue // no time, since --at was unreadable: said above
			}
			problems = append(problems, addProblem(pr, a))
		}
	} else if err != nil {
		return err
	}
	if len(problems) > 0 {
		return &toolkit.InvalidError{Problems: problems}
	}
	dir := stateDir(o.state, lc)
	where, err := parseStore(o.store, dir)
	if err != nil {
		return err
	}
	s, err := openStore(cc.Context, where, dir, true)
	if err != nil {
		return err
	}
	defer s.Close()
	counts, err := s.Enqueue(cc.Context, time.Now(), []queue.Post{p})
	if err != nil {
		return err
	}
	if counts.Added == 0 {
		fmt.Fprintf(cc.App.Writer, "%s already queued\n", p.ID)
		return nil
	}
	fmt.Fprintf(cc.App.Writer, "%s queued for %s (%s %s) on %s\n", p.ID, p.At.Format(time.RFC3339), p.Local, p.Zone, p.Channel)
	if late := time.Since(p.At); late > time.Minute {
		fmt.Fprintf(cc.App.Writer, "note: that was %s ago; a runner sends it only if it is less than the grace window (%s) late, else marks it missed\n", late.Round(time.Second), lc.Grace)
	}
	return nil
}

// addProblem names the flag a problem of runner.AdHoc concerns (its
// fields are at, channel, lang, text, link, images, images[i] and
// images[i].alt) and says how to fix it on the command line.
func addProblem(p toolkit.Problem, a addOptions) toolkit.Problem {
	nth := func(flag string, i int) string {
		if len(a.images) > 1 {
			return fmt.Sprintf("%s #%d", flag, i+1)
		}
		return flag
	}
	var i int
	var rest string
	switch n, _ := fmt.Sscanf(p.Field, "images[%d]%s", &i, &rest); {
	case n >= 1 && rest == ".alt":
		p.Field = nth("--alt", i)
		if i >= len(a.alts) {
			p.Msg += "; give one --alt per --image, in the same order"
		}
	case n >= 1:
		p.Field = nth("--image", i)
	case p.Field == "images":
		p.Field = "--image"
	case p.Field == "at":
		p.Field = "--at"
		p.Msg += "; --force queues it anyway"
	default:
		p.Field = "--" + p.Field
	}
	return p
}

func queueCancel(cc *cli.Context, o queueOptions) error {
	return steer(cc, o, "queue cancel", "cancelled", func(ctx context.Context, s queue.Store, id string) error {
		return s.Cancel(ctx, id, time.Now(), o.reason)
	})
}

func queueRetry(cc *cli.Context, o queueOptions) error {
	return steer(cc, o, "queue retry", "due again now", func(ctx context.Context, s queue.Store, id string) error {
		return s.Retry(ctx, id, time.Now())
	})
}

// openPost opens the queue and finds the post the ID argument names (a
// unique prefix is enough), with its attempts; cmd names the command in
// the usage error for a missing ID. The caller closes the store.
func openPost(cc *cli.Context, o queueOptions, cmd string) (queue.Store, queue.Post, []queue.Attempt, error) {
	if o.id == "" {
		return nil, queue.Post{}, nil, usagef("%s: give a post ID", cmd)
	}
	_, s, _, err := openQueue(cc.Context, o.campaign, o.state, o.store, false)
	if err != nil {
		return nil, queue.Post{}, nil, err
	}
	p, attempts, err := s.Get(cc.Context, o.id)
	if err != nil {
		s.Close()
		return nil, queue.Post{}, nil, userError(err)
	}
	return s, p, attempts, nil
}

// steer resolves the ID argument (a prefix is fine) and applies do to it.
func steer(cc *cli.Context, o queueOptions, cmd, done string, do func(context.Context, queue.Store, string) error) error {
	s, p, _, err := openPost(cc, o, cmd)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := do(cc.Context, s, p.ID); err != nil {
		return userError(err)
	}
	fmt.Fprintf(cc.App.Writer, "%s %s\n", p.ID, done)
	return nil
}

func queuePause(cc *cli.Context, o queueOptions, on bool) error {
	_, s, _, err := openQueue(cc.Context, o.campaign, o.state, o.store, false)
	if err != nil {
		return err
	}
	defer s.Close()
	if !on {
		if err := s.Resume(cc.Context); err != nil {
			return err
		}
		fmt.Fprintln(cc.App.Writer, "queue resumed")
		return nil
	}
	if err := s.Pause(cc.Context, time.Now(), o.reason); err != nil {
		return err
	}
	p, err := s.Paused(cc.Context)
	if err != nil {
		return err
	}
	fmt.Fprintf(cc.App.Writer, "queue paused since %s; `campaignkit queue resume` to publish again\n", p.Since.Local().Format(time.RFC3339))
	return nil
}
