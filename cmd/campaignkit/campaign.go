package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/urfave/cli/v2"
)

// campaignFlag is shared by every command that reads a campaign.
var campaignFlag = &cli.StringFlag{
	Name:    "campaign",
	Aliases: []string{"c"},
	Usage:   "campaign YAML `FILE` (default: the embedded International Migrants Day 2026 demo)",
	EnvVars: []string{"CAMPAIGNKIT_CAMPAIGN"},
}

// loadedCampaign is a campaign with the folder its relative paths resolve in.
type loadedCampaign struct {
	*campaign.Campaign
	FS       fs.FS  // the campaign's folder: a *toolkit.Folder, or the embedded demo
	Dir      string // its path on disk; "" for the embedded demo
	Embedded bool
	// prefix is the campaign file's folder as the user wrote it in
	// --campaign ("./work/" for ./work/c.yaml, "" for c.yaml).
	prefix string
}

// userPath names a file of the campaign's folder (a slash path relative
// to it) the way the user names the campaign file: themes/mine.yaml of
// --campaign ./work/c.yaml is ./work/themes/mine.yaml.
func (lc *loadedCampaign) userPath(name string) string {
	if lc.Embedded {
		return name
	}
	return lc.prefix + filepath.FromSlash(name)
}

// relabel renames the file of each problem of err that names one, when
// err is a *toolkit.InvalidError, by rename.
func relabel(err error, rename func(file string) string) {
	var ie *toolkit.InvalidError
	if errors.As(err, &ie) {
		for i := range ie.Problems {
			if ie.Problems[i].File != "" {
				ie.Problems[i].File = rename(ie.Problems[i].File)
			}
		}
	}
}

// loadCampaign loads --campaign, or the embedded demo when it is empty.
func loadCampaign(path string) (*loadedCampaign, error) {
	return loadCampaignWith(path, campaign.LoadOptions{})
}

// loadCampaignWith is loadCampaign with options for campaign.LoadWith.
func loadCampaignWith(path string, o campaign.LoadOptions) (*loadedCampaign, error) {
	if path == "" {
		c, err := campaign.LoadWith(assets.Demo, assets.DemoFile, o)
		if err != nil {
			return nil, err
		}
		return &loadedCampaign{Campaign: c, FS: assets.Demo, Embedded: true}, nil
	}
	lc, err := loadLenientWith(path, o)
	if err != nil {
		return nil, err
	}
	return lc, nil
}

// loadCampaignLenient is loadCampaign for lint: when only posts have
// problems it returns the campaign as well as the error, so the cards can
// still be checked.
func loadCampaignLenient(path string) (*loadedCampaign, error) {
	return loadLenientWith(path, campaign.LoadOptions{})
}

func loadLenientWith(path string, o campaign.LoadOptions) (*loadedCampaign, error) {
	if path == "" {
		return loadCampaignWith("", o)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, toolkit.Invalid(path, 0, "--campaign", "is a folder: give the campaign YAML file, e.g. %s", filepath.Join(path, "campaign.yaml"))
	}
	prefix, file := filepath.Split(path)
	dir := prefix
	if dir == "" {
		dir = "."
	}
	// every file the campaign names is read through this folder: nothing
	// outside it, nothing but regular files, each within its size limit
	fsys, err := toolkit.OpenFolder(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, toolkit.Invalid(path, 0, "", "no such file; give the path of a campaign YAML file, or run `campaignkit init DIR` to make one")
		}
		return nil, toolkit.Invalid(path, 0, "", "cannot open the campaign's folder: %s", toolkit.Reason(err))
	}
	return loadCampaignIn(fsys, dir, prefix, file, path, o)
}

// loadCampaignIn is loadCampaignLenient with the campaign's folder open
// already: dir is its path, path is the campaign file as given, prefix and
// file its two parts.
func loadCampaignIn(fsys fs.FS, dir, prefix, file, path string, o campaign.LoadOptions) (*loadedCampaign, error) {
	c, err := campaign.LoadWith(fsys, file, o)
	relabel(err, func(f string) string {
		if f == file {
			return path // as the user gave it, like every later problem
		}
		return f
	})
	if c == nil {
		return nil, err
	}
	c.File = path
	return &loadedCampaign{Campaign: c, FS: fsys, Dir: dir, prefix: prefix}, err
}

// reload loads the campaign file of lc again, from the folder lc has open,
// as loadCampaignLenient does.
func (lc *loadedCampaign) reload() (*loadedCampaign, error) {
	if lc.Embedded {
		return loadCampaign("")
	}
	_, file := filepath.Split(lc.File)
	return loadCampaignIn(lc.FS, lc.Dir, lc.prefix, file, lc.File, campaign.LoadOptions{})
}

// stateDir is where the scheduler keeps its queue and outbox: --state, else
// .campaignkit/ beside the campaign file (the working folder for the demo).
func stateDir(flag string, lc *loadedCampaign) string {
	if flag != "" {
		return flag
	}
	if lc == nil || lc.Embedded {
		return ".campaignkit"
	}
	return filepath.Join(lc.Dir, ".campaignkit")
}
