package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/preview"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/urfave/cli/v2"
)

type previewOptions struct {
	campaign, addr string
	presets        []string
	open           bool
}

func previewCommand() *cli.Command {
	return &cli.Command{
		Name:  "preview",
		Usage: "a live preview page of every card, caption and lint problem, redrawn as you save",
		Description: "Serves a page on this machine showing every card in every language and size, its captions\n" +
			"and alt text, and next to each card the problems `campaignkit lint` finds in it. When the\n" +
			"campaign file, its schedule, a theme or an image is saved, the campaign is loaded again, only\n" +
			"the images the edit changed are drawn again, and the page updates itself in place.\n\n" +
			"It listens on 127.0.0.1 and answers only requests addressed to localhost or a loopback\n" +
			"address. Stop with Ctrl-C.",
		Flags: []cli.Flag{
			campaignFlag,
			&cli.StringFlag{Name: "addr", Usage: "listen on `HOST:PORT` (a loopback address)", Value: "127.0.0.1:8090"},
			&cli.StringSliceFlag{Name: "preset", Usage: "show only this size `PRESET` (repeat for more; default: all, see `campaignkit formats`)"},
			&cli.BoolFlag{Name: "open", Usage: "open the page in the web browser"},
		},
		Action: func(cc *cli.Context) error {
			return runPreview(cc, previewOptions{campaign: cc.String("campaign"), addr: cc.String("addr"), presets: cc.StringSlice("preset"), open: cc.Bool("open")})
		},
	}
}

func runPreview(cc *cli.Context, o previewOptions) error {
	presets, err := pickPresets(o.presets)
	if err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(o.addr)
	if err != nil {
		return usagef("--addr %s: %v", o.addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usagef("--addr %s: the preview shows unpublished work and listens on a loopback address only, such as 127.0.0.1:8090", o.addr)
	}
	// the campaign must load at the start; later edits that do not are
	// shown on the page
	if lc, err := loadCampaignLenient(o.campaign); lc == nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(cc.App.ErrWriter, nil))
	srv, err := preview.New(preview.Options{
		Load: previewSource(o.campaign), Presets: presets, Loopback: true, Logger: log,
	})
	if err != nil {
		return err
	}
	ln, err := listen(o.addr)
	if err != nil {
		return err
	}
	url := fmt.Sprintf("http://%s/", ln.Addr())
	fmt.Fprintf(cc.App.Writer, "previewing on %s (Ctrl-C to stop)\n", url)
	if o.open {
		if err := openBrowser(url); err != nil {
			fmt.Fprintf(cc.App.ErrWriter, "campaignkit: could not open a browser (%v): open %s yourself\n", err, url)
		}
	}
	return serveUntilStopped(cc.Context, srv, ln, 5*time.Second)
}

// pickPresets finds the presets named, all of them when none is.
func pickPresets(names []string) ([]toolkit.Preset, error) {
	if len(names) == 0 {
		return toolkit.Presets, nil
	}
	var out []toolkit.Preset
	for _, n := range names {
		i := slices.IndexFunc(toolkit.Presets, func(p toolkit.Preset) bool { return p.Name == n })
		if i < 0 {
			var all []string
			for _, p := range toolkit.Presets {
				all = append(all, p.Name)
			}
			return nil, usagef("--preset %q: no such size; choose from %s", n, strings.Join(all, ", "))
		}
		out = append(out, toolkit.Presets[i])
	}
	return out, nil
}

// previewSource loads the campaign at path as lint does: problems in
// posts and pictures leave the rest of the campaign to show.
func previewSource(path string) func(context.Context) preview.Source {
	return func(context.Context) preview.Source {
		lc, err := loadCampaignLenient(path)
		var src preview.Source
		var ie *toolkit.InvalidError
		if errors.As(err, &ie) {
			src.Problems = ie.Problems
		} else if err != nil {
			src.Problems = []toolkit.Problem{{File: path, Msg: err.Error()}}
		}
		if lc == nil {
			if path != "" {
				src.Files = []string{filepath.Clean(path)}
			}
			return src
		}
		lc.DropImages(src.Problems)
		src.Campaign, src.FS, src.Files = lc.Campaign, lc.FS, watchedFiles(lc)
		src.Themes = func(name string) (*theme.Theme, fs.FS, error) { return loadTheme(lc, name) }
		src.Schedule = func() (*schedule.Schedule, error) { return loadSchedule(lc) }
		return src
	}
}
