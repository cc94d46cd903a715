package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/bundle"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/urfave/cli/v2"
)

type buildOptions struct {
	campaign string
	out      string
	presets  []string
	langs    []string
	quiet    bool
}

func buildCommand() *cli.Command {
	return &cli.Command{
		Name:  "build",
		Usage: "render every card in every language and size, and write the toolkit bundle to dist/<slug>",
		Description: "Renders each card x language x size preset on all cores and writes\n" +
			"dist/<slug>/cards/<lang>/<card>/<preset>.png (.jpg for bluesky) and manifest.json.\n" +
			"The previous bundle is replaced only once the new one is complete.",
		Flags: []cli.Flag{
			campaignFlag,
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR`", Value: "dist"},
			&cli.StringSliceFlag{Name: "preset", Usage: "only these size `PRESET`s (repeatable; default all)"},
			&cli.StringSliceFlag{Name: "lang", Usage: "only these language `TAG`s (repeatable; default all)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress bar"},
		},
		Action: func(cc *cli.Context) error {
			return build(cc, buildOptions{
				campaign: cc.String("campaign"), out: cc.String("out"),
				presets: cc.StringSlice("preset"), langs: cc.StringSlice("lang"), quiet: cc.Bool("quiet"),
			})
		},
	}
}

func build(cc *cli.Context, o buildOptions) error {
	start := time.Now()
	defer softMemoryLimit(buildMemoryLimit)()
	// pictures an earlier build into the same folder decoded whole are not
	// decoded again to be checked: only new or changed ones are
	lc, err := loadCampaignWith(o.campaign, campaign.LoadOptions{Decoded: bundle.DecodedPictures(o.out)})
	if err != nil {
		return err
	}
	var presets []toolkit.Preset
	for _, n := range o.presets {
		p, err := toolkit.PresetByName(n)
		if err != nil {
			return toolkit.Invalid("", 0, "--preset", "%v", err)
		}
		presets = append(presets, p)
	}
	for _, l := range o.langs {
		if _, ok := lc.Title[l]; !ok {
			return toolkit.Invalid("", 0, "--lang", "the campaign has no language %q (it has %v)", l, lc.Languages)
		}
	}
	var progress func(done, total int)
	if !o.quiet && isTerminal(cc.App.ErrWriter) {
		progress = progressBar(cc.App.ErrWriter)
	}
	sched, err := loadSchedule(lc)
	if err != nil {
		return err
	}
	bo := bundle.Options{
		CardOptions: bundle.CardOptions{
			Campaign: lc.Campaign, CampaignFS: lc.FS, Presets: presets, Languages: o.langs, Progress: progress,
			Themes: func(name string) (*theme.Theme, fs.FS, error) { return loadTheme(lc, name) },
		},
		Dir:      o.out,
		Theme:    lc.Theme,
		Schedule: sched,
		Waiting: func() {
			fmt.Fprintf(cc.App.ErrWriter, "waiting for another build of %s into %s to finish\n", lc.Slug, o.out)
		},
	}
	dst := bundle.OutputPath(bo)
	if err := notInside(lc, dst); err != nil {
		return err
	}
	m, stats, err := bundle.Build(cc.Context, bo)
	if err != nil {
		return err
	}
	var bytes int
	for _, img := range m.Images {
		bytes += img.Bytes
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(cc.App.Writer, "built %s: %d images (%.1f MB), %d rendered, %d unchanged, in %.2fs (%d canvases drawn: sizes of the same canvas share one)\n",
		dst, len(m.Images), float64(bytes)/1e6, stats.Rendered, stats.Reused, secs, stats.Drawn)
	return nil
}

// notInside refuses an output folder that holds the campaign itself: the
// bundle replaces its folder whole, and the campaign's files must never be
// in it.
func notInside(lc *loadedCampaign, dst string) error {
	if lc.Embedded {
		return nil
	}
	camp, err1 := filepath.Abs(lc.File)
	out, err2 := filepath.Abs(dst)
	if err1 != nil || err2 != nil {
		return nil
	}
	if rel, err := filepath.Rel(out, camp); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return toolkit.Invalid("", 0, "-o", "the bundle would go to %s, which holds the campaign file %s: "+
			"give an output folder outside the campaign's files (default dist)", dst, lc.File)
	}
	return nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws a one-line bar, redrawn in place at most every 100 ms.
func progressBar(w io.Writer) func(done, total int) {
	var mu sync.Mutex
	var last time.Time
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if done < total && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		const width = 30
		n := done * width / max(total, 1)
		fmt.Fprintf(w, "\r[%s%s] %d/%d cards", strings.Repeat("█", n), strings.Repeat("·", width-n), done, total)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}
