package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/assets/art"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/urfave/cli/v2"
)

func initCommand() *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "start a new campaign folder: campaign.yaml and a placeholder logo, ready to lint and build",
		ArgsUsage: "DIR",
		Description: "Writes DIR/campaign.yaml and DIR/logo.png (a placeholder) for a new campaign:\n" +
			"a week around --day, a hashtag, quote, statistic and countdown card and two posts,\n" +
			"with placeholder texts marked REPLACE in the first of --languages. The other languages\n" +
			"are listed as pending (left out of builds) until their translations are imported with\n" +
			"campaignkit translations export/import. On a terminal, init asks for what is not given.\n" +
			"It lints clean and builds as it is:\n" +
			"campaignkit build --campaign DIR/campaign.yaml",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Usage: "the campaign's `NAME` (default: a placeholder to replace)"},
			&cli.StringFlag{Name: "slug", Usage: "names the output folder dist/`SLUG` (default: made from --name)"},
			&cli.StringFlag{Name: "languages", Usage: "comma-separated language `TAGS`, texts written in the first, e.g. en,fr,ar (default: en)"},
			&cli.StringFlag{Name: "day", Usage: "the awareness `DAY`, e.g. 2027-06-20 (default: eight weeks from today)"},
			&cli.StringFlag{Name: "theme", Value: "un-blue", Usage: "a built-in `THEME` (campaignkit themes), or one you add in DIR/themes"},
			&cli.StringFlag{Name: "timezone", Value: "UTC", Usage: "the IANA time `ZONE` posts are planned in, e.g. Europe/London"},
		},
		Action: func(cc *cli.Context) error {
			if cc.NArg() != 1 {
				return usagef("init takes one folder: campaignkit init DIR [--name NAME] [--languages en,fr] [--day 2027-06-20]")
			}
			o := initOptions{
				dir: cc.Args().First(), name: cc.String("name"), slug: cc.String("slug"), languages: cc.String("languages"),
				day: cc.String("day"), theme: cc.String("theme"), timezone: cc.String("timezone"), now: time.Now(),
			}
			if isTerminal(os.Stdin) && isTerminal(cc.App.Writer) {
				o.ask(bufio.NewReader(os.Stdin), cc.App.Writer, cc)
			}
			return initCampaign(o, cc.App.Writer)
		},
	}
}

// initOptions are init's flags.
type initOptions struct {
	dir, name, slug, languages, day, theme, timezone string
	now                                              time.Time // for the default day
}

// ask prompts for each essential not given as a flag; an empty answer
// keeps the default.
func (o *initOptions) ask(in *bufio.Reader, out io.Writer, cc *cli.Context) {
	prompt := func(flag, question string, v *string) {
		if cc.IsSet(flag) {
			return
		}
		fmt.Fprintf(out, "%s: ", question)
		line, _ := in.ReadString('\n')
		if s := strings.TrimSpace(line); s != "" {
			*v = s
		}
	}
	prompt("name", "Campaign name (e.g. World Ocean Day 2027)", &o.name)
	prompt("languages", "Languages, the first one you write in (e.g. en,fr,ar) [en]", &o.languages)
	prompt("day", "The day (YYYY-MM-DD) [eight weeks from today]", &o.day)
}

func initCampaign(o initOptions, w io.Writer) error {
	dir := o.dir
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return toolkit.Invalid("", 0, "DIR", "%s is a %s: give a new or empty folder", dir, toolkit.KindOf(dir))
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return toolkit.Invalid("", 0, "DIR", "%s is not empty: init writes into a new or empty folder only, so nothing is overwritten", dir)
	}
	s := campaign.Starter{Name: o.name, Slug: o.slug, Theme: o.theme, Timezone: o.timezone, Logo: "logo.png"}
	ps := &toolkit.Problems{}
	for _, l := range strings.Split(o.languages, ",") {
		if l = strings.TrimSpace(l); l != "" {
			s.Languages = append(s.Languages, l)
		}
	}
	if len(s.Languages) == 0 {
		s.Languages = []string{"en"}
	}
	if o.day == "" {
		s.Day = time.Date(o.now.Year(), o.now.Month(), o.now.Day()+56, 0, 0, 0, 0, time.UTC)
	} else if d, err := time.Parse(time.DateOnly, o.day); err != nil {
		ps.Add(0, "--day", "want a date such as 2027-06-20, got %q", o.day)
	} else {
		s.Day = d
	}
	if _, err := theme.Load(assets.Themes, s.Theme); err != nil {
		// the folder is new: a theme of its own cannot be there yet
		ps.Add(0, "--theme", "%v; start from a built-in one and add yours later with extends", err)
	}
	if err := ps.Err(); err != nil {
		return err
	}
	data := campaign.NewCampaignFile(s)
	// the file is checked before anything is written, so a bad --languages,
	// --slug or --timezone leaves no folder behind
	if _, err := campaign.Parse(nil, "campaign.yaml", data); err != nil {
		return fmt.Errorf("init: %w", flagsOf(err))
	}
	logo, err := art.PlaceholderLogo()
	if err != nil {
		return err
	}
	var png8 bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&png8, logo); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, b := range map[string][]byte{"campaign.yaml": data, "logo.png": png8.Bytes()} {
		if err := toolkit.WriteFileBytes(filepath.Join(dir, name), 0o644, b); err != nil {
			return err
		}
	}
	file := filepath.Join(dir, "campaign.yaml")
	fmt.Fprintf(w, "wrote %s and %s\n", file, filepath.Join(dir, "logo.png"))
	fmt.Fprintf(w, "next: replace the texts marked REPLACE, then\n  campaignkit lint --campaign %s\n  campaignkit build --campaign %s\n", file, file)
	if len(s.Languages) > 1 {
		fmt.Fprintf(w, "to translate: campaignkit translations export --campaign %s --lang %s --format xliff > %s.xlf\n", file, s.Languages[1], s.Languages[1])
	}
	return nil
}

// flagsOf names the flag behind each problem of a starter campaign file,
// since the file was never written for the user to look at.
func flagsOf(err error) error {
	ie, ok := err.(*toolkit.InvalidError)
	if !ok {
		return err
	}
	flag := map[string]string{"slug": "--slug", "languages": "--languages", "timezone": "--timezone", "name": "--name", "theme": "--theme"}
	out := &toolkit.InvalidError{}
	for _, p := range ie.Problems {
		field, _, _ := strings.Cut(p.Field, "[")
		field, _, _ = strings.Cut(field, ".")
		if f, ok := flag[field]; ok {
			p.Field = f
		}
		p.File, p.Line = "", 0
		out.Problems = append(out.Problems, p)
	}
	return out
}
