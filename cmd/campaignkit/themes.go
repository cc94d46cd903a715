package main

import (
	"errors"
	"io/fs"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// loadTheme finds a theme: the campaign's own themes/<name>.yaml first,
// then the built-in ones. It returns the folder the theme's images are in.
// The campaign's themes are read through its folder, so they and their
// images are bounded like every other file the campaign names; a theme
// file that is there but cannot be read is reported where the theme is
// named, not passed over for a built-in theme of the same name.
func loadTheme(lc *loadedCampaign, name string) (*theme.Theme, fs.FS, error) {
	line, file := 0, ""
	if lc != nil {
		line, file = lc.Pos.Line("theme"), lc.File
	}
	if lc != nil && !lc.Embedded {
		_, err := fs.Stat(lc.FS, "themes/"+name+".yaml")
		if err == nil {
			fsys, err := fs.Sub(lc.FS, "themes")
			if err != nil {
				return nil, nil, err
			}
			t, err := theme.LoadCampaignTheme(fsys, name, theme.Sources{
				Base:     func(base string) (*theme.Theme, error) { return theme.Load(assets.Themes, base) },
				Campaign: lc.FS, // font files are named from the campaign's folder
			})
			if theme.IsUnreadable(err) {
				return nil, nil, toolkit.Invalid(file, line, "theme", "%v", err)
			}
			// theme.Load names the file themes/<name>.yaml, which is where
			// it is beside the campaign file
			relabel(err, lc.userPath)
			if t != nil {
				t.File = lc.userPath(t.File)
				if t.Extends != "" && t.Background.Kind == "image" {
					fsys = assets.Themes // the background picture is the built-in theme's
				}
			}
			return t, fsys, err
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, toolkit.Invalid(file, line, "theme", "theme %q: cannot read themes/%s.yaml: %s", name, name, toolkit.Reason(err))
		}
	}
	t, err := theme.Load(assets.Themes, name)
	if err != nil && !toolkit.IsInvalid(err) {
		return nil, nil, toolkit.Invalid(file, line, "theme", "%v", err)
	}
	return t, assets.Themes, err
}
