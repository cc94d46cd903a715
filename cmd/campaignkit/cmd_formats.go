package main

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/urfave/cli/v2"
)

func formatsCommand() *cli.Command {
	return &cli.Command{
		Name:  "formats",
		Usage: "list the size presets cards are rendered in",
		Action: func(cc *cli.Context) error {
			tw := tabwriter.NewWriter(cc.App.Writer, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PRESET\tPLATFORM\tSIZE\tFORMAT\tMAX BYTES\tNOTE")
			for _, p := range toolkit.Presets {
				fmt.Fprintf(tw, "%s\t%s\t%dx%d\t%s\t%d\t%s\n", p.Name, p.Platform, p.Width, p.Height, p.Format, p.MaxBytes, p.Note)
			}
			return tw.Flush()
		},
	}
}

func themesCommand() *cli.Command {
	return &cli.Command{
		Name:  "themes",
		Usage: "list the built-in themes; themes show NAME prints one",
		Subcommands: []*cli.Command{{
			Name:      "show",
			Usage:     "print a built-in theme's YAML, to read or to start a theme of your own from",
			ArgsUsage: "NAME",
			Action: func(cc *cli.Context) error {
				if cc.NArg() != 1 {
					return usagef("themes show takes one theme name: %s", strings.Join(theme.Names(assets.Themes), ", "))
				}
				name := cc.Args().First()
				if !slices.Contains(theme.Names(assets.Themes), name) {
					return usagef("unknown theme %q (built-in themes: %s)", name, strings.Join(theme.Names(assets.Themes), ", "))
				}
				data, err := toolkit.ReadFile(assets.Themes, name+".yaml", toolkit.MaxYAMLBytes)
				if err != nil {
					return err
				}
				_, err = cc.App.Writer.Write(data)
				return err
			},
		}},
		Action: func(cc *cli.Context) error {
			tw := tabwriter.NewWriter(cc.App.Writer, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "THEME\tDESCRIPTION")
			for _, n := range theme.Names(assets.Themes) {
				t, err := theme.Load(assets.Themes, n)
				if err != nil {
					return err
				}
				fmt.Fprintf(tw, "%s\t%s\n", n, t.Description)
			}
			return tw.Flush()
		},
	}
}
