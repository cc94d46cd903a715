package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/campaignkit/campaignkit/schedules"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/bundle"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
	"github.com/urfave/cli/v2"
)

type planOptions struct {
	campaign string
	json     bool
}

type exportOptions struct {
	campaign string
	ics, csv bool
	out      string
}

func scheduleCommand() *cli.Command {
	return &cli.Command{
		Name:  "schedule",
		Usage: "show the concrete posts the campaign and its schedule make, or export them",
		Subcommands: []*cli.Command{
			{
				Name:  "plan",
				Usage: "list every planned post: local and UTC time, channel, language, card, caption and stable ID",
				Description: "Plans the campaign's posts and its schedule (campaign.yaml `schedule:`) in the campaign's\n" +
					"time zone. Daylight saving: a time inside a spring-forward gap moves forward by the gap;\n" +
					"one inside a fall-back overlap happens once, at its first occurrence.",
				Flags: []cli.Flag{campaignFlag, &cli.BoolFlag{Name: "json", Usage: "print JSON instead of a table"}},
				Action: func(cc *cli.Context) error {
					return schedulePlan(cc, planOptions{campaign: cc.String("campaign"), json: cc.Bool("json")})
				},
			},
			{
				Name:  "export",
				Usage: "write the plan as the bundle's calendar.ics or posts.csv, without building",
				Description: "Writes the same file, with the same post IDs and calendar UIDs, as campaignkit build puts\n" +
					"in dist/<slug>/ for every language and size.",
				Flags: []cli.Flag{
					campaignFlag,
					&cli.BoolFlag{Name: "ics", Usage: "calendar.ics: one event per post (a card in one language at one time)"},
					&cli.BoolFlag{Name: "csv", Usage: "posts.csv: one row per post and platform, with its caption and image"},
					&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write to `FILE` (default: standard output)"},
				},
				Action: func(cc *cli.Context) error {
					return scheduleExport(cc, exportOptions{campaign: cc.String("campaign"), ics: cc.Bool("ics"), csv: cc.Bool("csv"), out: cc.String("out")})
				},
			},
		},
	}
}

// loadSchedule loads the schedule the campaign names, or nil when it names
// none. A schedule the campaign names but that does not exist is reported
// at the campaign's `schedule:` line.
func loadSchedule(lc *loadedCampaign) (*schedule.Schedule, error) {
	if lc.Schedule == "" {
		return nil, nil
	}
	s, err := schedule.Find(lc.FS, schedules.FS, lc.Schedule)
	var ie *toolkit.InvalidError
	if errors.As(err, &ie) {
		for i := range ie.Problems {
			if ie.Problems[i].File == "" {
				ie.Problems[i].File, ie.Problems[i].Line = lc.File, lc.Pos.Line("schedule")
			} else {
				ie.Problems[i].File = scheduleFile(lc, ie.Problems[i].File)
			}
		}
	}
	if s != nil {
		s.File = scheduleFile(lc, s.File)
	}
	return s, err
}

// scheduleFile names a schedule file as the user knows it: beside the
// campaign file, or among the built-in schedules.
func scheduleFile(lc *loadedCampaign, name string) string {
	if _, err := fs.Stat(lc.FS, name); err == nil {
		return lc.userPath(name)
	}
	return "schedules/" + name + " (built in)"
}

// planCampaign is the plan `schedule` and `run` share: the campaign's posts
// and its schedule, with captions.
func planCampaign(path string) (*loadedCampaign, *schedule.Schedule, []schedule.Planned, error) {
	lc, err := loadCampaign(path)
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := loadSchedule(lc)
	if err != nil {
		return nil, nil, nil, err
	}
	plan, err := schedule.PlanCaptioned(lc.Campaign, s, caption.Build)
	return lc, s, plan, err
}

// plannedJSON is one post of `schedule plan --json`.
type plannedJSON struct {
	ID       string `json:"id"`
	At       string `json:"at"`
	Local    string `json:"local"`
	Timezone string `json:"timezone"`
	Channel  string `json:"channel"`
	Lang     string `json:"lang"`
	Slot     string `json:"slot"`
	Card     string `json:"card,omitempty"`
	Post     string `json:"post,omitempty"`
	Caption  string `json:"caption"`
	Link     string `json:"link,omitempty"`
	Note     string `json:"note,omitempty"`
}

func schedulePlan(cc *cli.Context, o planOptions) error {
	lc, _, plan, err := planCampaign(o.campaign)
	if err != nil {
		return err
	}
	w := cc.App.Writer
	if o.json {
		out := make([]plannedJSON, len(plan))
		for i, p := range plan {
			out[i] = plannedJSON{ID: p.ID, At: p.At.Format(time.RFC3339), Local: p.Local, Timezone: p.Zone, Channel: p.Channel,
				Lang: p.Lang, Slot: p.Slot, Card: p.Card, Post: p.PostID, Caption: p.Text, Link: p.Link, Note: p.Note}
		}
		return printJSON(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "LOCAL (%s)\tUTC\tCHANNEL\tLANG\tCARD/POST\tSLOT\tID\tCAPTION\n", lc.Timezone)
	for _, p := range plan {
		what := p.Card
		if p.PostID != "" {
			what = "post " + p.PostID
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.Local, p.At.Format("01-02 15:04Z"), p.Channel, p.Lang, what, p.Slot, p.ID, clip(p.Text, 40))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, p := range plan {
		if p.Note != "" {
			fmt.Fprintf(w, "note: %s %s: %s\n", p.ID, p.Channel, p.Note)
		}
	}
	fmt.Fprintf(w, "%d posts\n", len(plan))
	return nil
}

func scheduleExport(cc *cli.Context, o exportOptions) error {
	if o.ics == o.csv {
		return usagef("schedule export: give exactly one of --ics or --csv")
	}
	lc, err := loadCampaign(o.campaign)
	if err != nil {
		return err
	}
	s, err := loadSchedule(lc)
	if err != nil {
		return err
	}
	ics, csv, err := bundle.PlanFiles(lc.Campaign, s, caption.Build)
	if err != nil {
		return err
	}
	if o.ics {
		return writeOut(cc.App.Writer, o.out, ics)
	}
	return writeOut(cc.App.Writer, o.out, csv)
}

// writeOut writes data to file, or to w when file is "" or "-".
func writeOut(w io.Writer, file string, data []byte) error {
	if file == "" || file == "-" {
		_, err := w.Write(data)
		return err
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	return nil
}

// clip shortens s to n characters on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
