package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/translate"
	"github.com/urfave/cli/v2"
)

func translationsCommand() *cli.Command {
	return &cli.Command{
		Name:  "translations",
		Usage: "export the campaign's texts for translators, and import their translations",
		Description: "export writes every text in the campaign's first language with its translation into\n" +
			"--lang (empty until translated), what it is, and its limit, as XLIFF 2.0 (translation tools),\n" +
			"PO (gettext tools) or CSV (spreadsheets). import merges a translated file back into the\n" +
			"campaign file, changing only the translated values: comments and layout stay as they are.",
		Subcommands: []*cli.Command{
			{
				Name:  "export",
				Usage: "write the texts to translate into one language",
				Flags: []cli.Flag{
					campaignFlag,
					&cli.StringFlag{Name: "lang", Required: true, Usage: "the `LANGUAGE` to translate into, one of the campaign's languages"},
					&cli.StringFlag{Name: "format", Value: "xliff", Usage: "`FORMAT`: xliff, po or csv"},
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` (default: standard output)"},
				},
				Action: func(cc *cli.Context) error {
					if cc.NArg() > 0 {
						return usagef("translations export takes no arguments; name the file with -o")
					}
					return exportTranslations(cc, cc.String("campaign"), cc.String("lang"), cc.String("format"), cc.String("output"))
				},
			},
			{
				Name:      "import",
				Usage:     "merge a translated XLIFF, PO or CSV file into the campaign file",
				ArgsUsage: "FILE",
				Flags: []cli.Flag{
					campaignFlag,
					&cli.BoolFlag{Name: "check", Usage: "check the file and say what would change, without writing"},
				},
				Action: func(cc *cli.Context) error {
					if cc.NArg() != 1 {
						return usagef("translations import takes one file: campaignkit translations import --campaign campaign.yaml fr.xlf")
					}
					return importTranslations(cc, cc.String("campaign"), cc.Args().First(), cc.Bool("check"))
				},
			},
		},
	}
}

// loadCampaignBytes loads the campaign at path and reads its file as it is
// on disk, comments and all, for the texts to be taken from or put back.
func loadCampaignBytes(path string) (*loadedCampaign, []byte, error) {
	lc, err := loadCampaign(path)
	if err != nil {
		return nil, nil, err
	}
	var data []byte
	if lc.Embedded {
		data, err = toolkit.ReadFile(assets.Demo, assets.DemoFile, toolkit.MaxYAMLBytes)
	} else {
		data, err = toolkit.ReadFile(lc.FS, filepath.Base(lc.File), toolkit.MaxYAMLBytes)
	}
	return lc, data, err
}

func exportTranslations(cc *cli.Context, path, lang, format, out string) error {
	if _, ok := translate.Ext[format]; !ok {
		return usagef("--format: want xliff, po or csv, got %q", format)
	}
	lc, data, err := loadCampaignBytes(path)
	if err != nil {
		return err
	}
	f, err := translate.Export(lc.Campaign, data, lang)
	if err != nil {
		return toolkit.Invalid("", 0, "--lang", "%v", err)
	}
	var b bytes.Buffer
	if err := translate.Write(&b, format, f); err != nil {
		return err
	}
	if out == "" {
		_, err := io.Copy(cc.App.Writer, &b)
		return err
	}
	if err := toolkit.WriteFileBytes(out, 0o644, b.Bytes()); err != nil {
		return err
	}
	todo := 0
	for _, u := range f.Units {
		if u.Target == "" {
			todo++
		}
	}
	fmt.Fprintf(cc.App.ErrWriter, "wrote %s: %d texts from %s to %s, %d not translated yet\n", out, len(f.Units), f.SourceLang, f.TargetLang, todo)
	return nil
}

func importTranslations(cc *cli.Context, path, file string, check bool) error {
	if path == "" {
		return toolkit.Invalid("", 0, "--campaign", "give the campaign file to import into: the embedded demo cannot be changed")
	}
	lc, data, err := loadCampaignBytes(path)
	if err != nil {
		return err
	}
	dir, name := filepath.Split(file)
	if dir == "" {
		dir = "."
	}
	folder, err := toolkit.OpenFolder(dir)
	if err != nil {
		return toolkit.Invalid(file, 0, "", "cannot open its folder: %s", toolkit.Reason(err))
	}
	defer folder.Close()
	raw, err := toolkit.ReadFile(folder, name, translate.MaxFileBytes)
	if err != nil {
		return toolkit.Invalid(file, 0, "", "cannot read the translations: %s", toolkit.Reason(err))
	}
	f, err := translate.Read(file, raw)
	if err != nil {
		return err
	}
	res, err := translate.Import(lc.Campaign, data, f)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(cc.App.ErrWriter, w)
	}
	verb := "merged"
	if check {
		verb = "would merge"
	} else if res.Changed > 0 {
		if err := toolkit.WriteFileBytes(lc.File, filePerm(lc.File), res.Data); err != nil {
			return err
		}
	}
	fmt.Fprintf(cc.App.Writer, "%s: %s %d %s into %s (%d already there, %d not translated yet)\n",
		file, verb, res.Changed, plural(res.Changed, "translation", "translations"), lc.File, res.Same, res.Skipped)
	if res.Complete {
		fmt.Fprintf(cc.App.Writer, "%s has every text now: take it off pending in %s to build it\n", f.TargetLang, lc.File)
	}
	return nil
}

// filePerm is the permission bits of an existing file, 0644 when unknown.
func filePerm(path string) os.FileMode {
	if st, err := os.Stat(path); err == nil {
		return st.Mode().Perm()
	}
	return 0o644
}
