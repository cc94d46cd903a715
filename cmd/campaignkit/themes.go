package main

import (
	"io/fs"
	"os"
	"path/filepath"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// loadTheme finds a theme: the campaign's own themes/<name>.yaml first,
// then the built-in ones. It returns the folder the theme's images are in.
func loadTheme(lc *loadedCampaign, name string) (*theme.Theme, fs.FS, error) {
	if lc != nil && !lc.Embedded {
		dir := filepath.Join(lc.Dir, "themes")
		if _, err := os.Stat(filepath.Join(dir, name+".yaml")); err == nil {
			fsys := os.DirFS(dir)
			t, err := theme.Load(fsys, name)
			// theme.Load names the file themes/<name>.yaml, which is where
			// it is beside the campaign file
			relabel(err, lc.userPath)
			if t != nil {
				t.File = lc.userPath(t.File)
			}
			return t, fsys, err
		}
	}
	t, err := theme.Load(assets.Themes, name)
	if err != nil && !toolkit.IsInvalid(err) {
		line := 0
		if lc != nil {
			line = lc.Pos.Line("theme")
		}
		file := ""
		if lc != nil {
			file = lc.File
		}
		return nil, nil, toolkit.Invalid(file, line, "theme", "%v", err)
	}
	return t, assets.Themes, err
}
