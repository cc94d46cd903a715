package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/urfave/cli/v2"
	"golang.org/x/text/unicode/norm"
)

func initCommand() *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "start a new campaign folder from the demo, ready to build",
		ArgsUsage: "DIR",
		Description: "Writes DIR/campaign.yaml and its pictures: a copy of the demo campaign with a new\n" +
			"name and slug and a header saying what to replace. It builds as it is:\n" +
			"campaignkit build --campaign DIR/campaign.yaml",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Usage: "the campaign's `NAME`; its slug is made from it (default: a placeholder to replace)"},
		},
		Action: func(cc *cli.Context) error {
			if cc.NArg() != 1 {
				return usagef("init takes one folder: campaignkit init DIR [--name NAME]")
			}
			return initCampaign(cc.Args().First(), cc.String("name"), cc)
		},
	}
}

const initHeader = `# A new campaign, started from the International Migrants Day demo.
# Replace what is marked REPLACE, then the cards and posts with your own.
# Check it with: campaignkit lint --campaign campaign.yaml
# Build it with: campaignkit build --campaign campaign.yaml
`

func initCampaign(dir, name string, cc *cli.Context) error {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return toolkit.Invalid("", 0, "DIR", "%s is a %s: give a new or empty folder", dir, toolkit.KindOf(dir))
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return toolkit.Invalid("", 0, "DIR", "%s is not empty: init writes into a new or empty folder only, so nothing is overwritten", dir)
	}
	files := map[string][]byte{}
	err := fs.WalkDir(assets.Demo, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(assets.Demo, p)
		if err != nil {
			return err
		}
		if p == assets.DemoFile {
			data = placeholders(data, name)
		}
		files[p] = data
		return nil
	})
	if err != nil {
		return err
	}
	for p, data := range files {
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := toolkit.WriteFileBytes(dst, 0o644, data); err != nil {
			return err
		}
	}
	fmt.Fprintf(cc.App.Writer, "wrote %d files to %s; next: campaignkit build --campaign %s\n", len(files), dir, filepath.Join(dir, assets.DemoFile))
	return nil
}

// placeholders renames the demo so a new campaign never ships under the
// demo's name or slug, and marks the lines to replace. name, when given,
// is the new campaign's name and makes its slug.
func placeholders(data []byte, name string) []byte {
	nameLine := "name: My Awareness Day 2026  # REPLACE: your campaign's name\n"
	slugLine := "slug: my-campaign  # REPLACE: names the output folder dist/<slug>\n"
	if name != "" {
		quoted, _ := json.Marshal(name) // a JSON string is a YAML scalar
		nameLine = "name: " + string(quoted) + "\n"
		slugLine = "slug: " + slugify(name) + "  # names the output folder dist/<slug>\n"
	}
	var out bytes.Buffer
	out.WriteString(initHeader)
	for _, line := range strings.SplitAfter(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "name:"):
			line = nameLine
		case strings.HasPrefix(line, "slug:"):
			line = slugLine
		case strings.HasPrefix(line, "handles:"), strings.HasPrefix(line, "links:"), strings.HasPrefix(line, "title:"), strings.HasPrefix(line, "hashtags:"):
			line = strings.TrimRight(line, "\n") + "  # REPLACE\n"
		}
		out.WriteString(line)
	}
	return out.Bytes()
}

// slugify makes a slug (lowercase ASCII letters, digits and single dashes)
// from a name, dropping accents (Día becomes dia); "my-campaign" when the
// name has no such character.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "my-campaign"
	}
	return b.String()
}
