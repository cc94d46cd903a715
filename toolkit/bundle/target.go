package bundle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
)

// MarkerName is the file at the top of every bundle campaignkit writes. A
// build replaces a folder only when it carries this marker (or is a bundle
// from before the marker existed, recognised by its files), so an output
// folder given by mistake — the campaign's own folder, a home directory —
// is refused instead of being replaced.
const MarkerName = ".campaignkit-bundle"

// markerText is the marker's content: what it is, for a person who opens it.
func markerText(slug string) []byte {
	return fmt.Appendf(nil, "This folder is a toolkit bundle written by campaignkit build for the campaign %q.\n"+
		"campaignkit replaces it whole on the next build; keep your own files elsewhere.\n", slug)
}

// PartialSuffix ends the folder name of a partial build (--preset, --lang):
// dist/<slug>.partial, beside the full bundle, which it never touches. Slugs
// have no dots, so it cannot be another campaign's folder.
const PartialSuffix = ".partial"

// OutputPath is the folder Build writes for o: Dir/<slug>, or
// Dir/<slug>.partial when only some presets or languages are built.
func OutputPath(o Options) string {
	return filepath.Join(o.Dir, folderName(o.Campaign.Slug, o.partial()))
}

func (o Options) partial() bool { return len(o.Presets) > 0 || len(o.Languages) > 0 }

func folderName(slug string, partial bool) string {
	if partial {
		return slug + PartialSuffix
	}
	return slug
}

// target is the folder a build replaces, held under the slug's lock.
type target struct {
	dir    string // the output folder (-o)
	name   string // the bundle's folder name in dir
	path   string // dir/name
	unlock func()
}

// openTarget checks and locks the place a bundle goes: dir must be a folder
// (it is made if missing), and dir/name must be absent or a bundle that
// campaignkit wrote. Builds of the same slug into the same dir wait for
// each other (waiting is called once if they must). Leftovers of builds
// that were killed are put right or swept away before anything else.
func openTarget(ctx context.Context, dir, slug string, partial bool, waiting func()) (*target, error) {
	if dir == "" {
		dir = "."
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return nil, toolkit.Invalid("", 0, "-o", "%s is a %s, not a folder: give the folder the bundle goes in (default dist)", dir, toolkit.KindOf(dir))
	}
	if err := os.MkdirAll(cacheDir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	unlock, err := lockFile(ctx, filepath.Join(cacheDir(dir), slug+".lock"), waiting)
	if err != nil {
		return nil, err
	}
	name := folderName(slug, partial)
	t := &target{dir: dir, name: name, path: filepath.Join(dir, name), unlock: unlock}
	if err := t.recover(); err != nil {
		unlock()
		return nil, err
	}
	if err := checkOwned(t.path, slug, t.dir); err != nil {
		unlock()
		return nil, err
	}
	t.sweep()
	return t, nil
}

func (t *target) close() { t.unlock() }

// The names of a build's own folders beside its bundle: stages being
// written, previous bundles set aside, and temporary links.
func (t *target) stagePrefix() string { return "." + t.name + ".new-" }
func (t *target) oldPrefix() string   { return "." + t.name + ".old-" }
func (t *target) linkPrefix() string  { return "." + t.name + ".link-" }

// live is the folder that holds the current bundle: the target itself, or
// where it links to (see swapByLink). "" when there is none.
func (t *target) live() string {
	st, err := os.Lstat(t.path)
	if err != nil {
		return ""
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		if to, ok := ownLink(t.path, t.dir); ok {
			return to
		}
		return ""
	}
	return t.path
}

// recover puts the previous bundle back when a build was killed between
// setting it aside and linking the new one in (only the fallback for file
// systems without an atomic exchange can leave that state).
func (t *target) recover() error {
	if _, err := os.Lstat(t.path); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	entries, _ := os.ReadDir(t.dir)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), t.oldPrefix()) {
			continue
		}
		old := filepath.Join(t.dir, e.Name())
		if hasMarker(old) {
			return os.Rename(old, t.path)
		}
	}
	return nil
}

// sweep removes what killed builds left: stages (recognised by their marker,
// or empty, since the marker is their first file), bundles set aside and
// temporary links. It runs under the lock, so no build is using them.
func (t *target) sweep() {
	live := t.live()
	entries, _ := os.ReadDir(t.dir)
	for _, e := range entries {
		p := filepath.Join(t.dir, e.Name())
		switch {
		case p == live:
		case strings.HasPrefix(e.Name(), t.linkPrefix()):
			// a link not yet renamed into place, or the empty folder that
			// reserved its name (see swapByLink)
			if e.Type()&fs.ModeSymlink != 0 || (e.IsDir() && isEmptyDir(p)) {
				os.Remove(p)
			}
		case strings.HasPrefix(e.Name(), t.stagePrefix()), strings.HasPrefix(e.Name(), t.oldPrefix()):
			if e.IsDir() && (hasMarker(p) || isEmptyDir(p)) {
				removeBundle(p)
			}
		}
	}
}

func hasMarker(dir string) bool {
	st, err := os.Lstat(filepath.Join(dir, MarkerName))
	return err == nil && st.Mode().IsRegular()
}

func isEmptyDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 0
}

// ownLink reports whether p is a link that a build made (see swapByLink):
// to a bundle folder beside it, named as a build names its stages. It
// returns that folder.
func ownLink(p, dir string) (string, bool) {
	to, err := os.Readlink(p)
	if err != nil || to != filepath.Base(to) || !strings.HasPrefix(to, "."+filepath.Base(p)+".new-") {
		return "", false
	}
	full := filepath.Join(dir, to)
	return full, hasMarker(full)
}

// bundleNames are the files at the top of a bundle written before the
// marker existed; such a bundle is still recognised and replaced.
var bundleNames = []string{"cards", "captions", "manifest.json", "calendar.ics", "posts.csv", "index.html"}

// checkOwned refuses to go on when p holds anything but a bundle that
// campaignkit wrote for slug, saying what is there.
func checkOwned(p, slug, dir string) error {
	st, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	refuse := func(what string) error {
		return toolkit.Invalid("", 0, "-o", "%s already exists and %s, so campaignkit will not replace it: "+
			"give another output folder with -o, or move it away", p, what)
	}
	switch {
	case st.Mode()&fs.ModeSymlink != 0:
		if _, ok := ownLink(p, dir); ok {
			return nil
		}
		return refuse("is a symbolic link campaignkit did not make")
	case !st.IsDir():
		return refuse("is a " + toolkit.KindOf(p) + ", not a bundle")
	case hasMarker(p) || legacyBundle(p, slug):
		return nil
	}
	entries, _ := os.ReadDir(p)
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			n += "/"
		}
		names = append(names, n)
	}
	switch {
	case len(names) == 0:
		return refuse("is an empty folder campaignkit did not write")
	case len(names) > 4:
		return refuse(fmt.Sprintf("is not a bundle campaignkit wrote: it holds %s and %d more", strings.Join(names[:3], ", "), len(names)-3))
	}
	return refuse("is not a bundle campaignkit wrote: it holds " + strings.Join(names, ", "))
}

// legacyBundle recognises a bundle written before bundles had a marker:
// nothing at its top but a bundle's own files and zips, and a manifest of
// the same campaign.
func legacyBundle(p, slug string) bool {
	entries, err := os.ReadDir(p)
	if err != nil {
		return false
	}
	for _, e := range entries {
		n := e.Name()
		if !slices.Contains(bundleNames, n) && !(path.Ext(n) == ".zip" && e.Type().IsRegular()) {
			return false
		}
	}
	data, err := os.ReadFile(filepath.Join(p, "manifest.json"))
	if err != nil || len(data) > 64<<20 {
		return false
	}
	var m struct {
		Campaign struct{ Slug string } `json:"campaign"`
	}
	return json.Unmarshal(data, &m) == nil && m.Campaign.Slug == slug
}

// newStage makes the folder a bundle is written in, beside its final place,
// with the marker as its first file.
func (t *target) newStage(slug string) (*stage, error) {
	dir, err := os.MkdirTemp(t.dir, t.stagePrefix())
	if err != nil {
		return nil, err
	}
	s := &stage{t: t, dir: dir}
	s.wrote(filepath.Join(dir, MarkerName))
	if err := os.WriteFile(filepath.Join(dir, MarkerName), markerText(slug), 0o644); err != nil {
		s.discard()
		return nil, err
	}
	return s, nil
}

// crashHook, when set (by tests), is called at each step of a swap, so a
// test can kill the process exactly there.
var crashHook func(step string)

func crashPoint(step string) {
	if crashHook != nil {
		crashHook(step)
	}
}

// swap puts the finished stage at the target's place. On Linux the two
// folders trade places in one atomic rename (RENAME_EXCHANGE), so a kill at
// any instant leaves either the old bundle or the new one there, whole; the
// old one, now in the stage's place, is then removed. Where the system has
// no such rename, the target becomes a symbolic link to the stage, flipped
// by an atomic rename of a new link over it (see swapByLink).
func (t *target) swap(stageDir string) error {
	crashPoint("staged")
	st, err := os.Lstat(t.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if !exchangeWorks {
			return t.swapByLink(stageDir)
		}
		err := renameNoReplace(stageDir, t.path)
		if errors.Is(err, errNoExchange) {
			return t.swapByLink(stageDir)
		}
		return err
	case err != nil:
		return err
	case st.Mode()&fs.ModeSymlink != 0:
		return t.swapByLink(stageDir)
	}
	if exchangeWorks {
		err := exchange(stageDir, t.path)
		if err == nil {
			crashPoint("exchanged")
			return removeBundle(stageDir) // the previous bundle, now here
		}
		if !errors.Is(err, errNoExchange) {
			return err
		}
	}
	// A real folder on a system without exchange: set it aside, then link
	// the new bundle in. A kill between the two is undone by recover.
	old, err := os.MkdirTemp(t.dir, t.oldPrefix())
	if err != nil {
		return err
	}
	if err := os.Remove(old); err != nil {
		return err
	}
	if err := os.Rename(t.path, old); err != nil {
		return err
	}
	crashPoint("set-aside")
	if err := t.swapByLink(stageDir); err != nil {
		os.Rename(old, t.path)
		return err
	}
	return removeBundle(old)
}

// swapByLink makes the target a symbolic link to stageDir: a new link is
// made under a temporary name and renamed over the old one, which POSIX
// makes atomic. The folder the old link pointed to is removed after.
func (t *target) swapByLink(stageDir string) error {
	prev := t.live()
	tmp, err := os.MkdirTemp(t.dir, t.linkPrefix())
	if err != nil {
		return err
	}
	if err := os.Remove(tmp); err != nil {
		return err
	}
	if err := os.Symlink(filepath.Base(stageDir), tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, t.path); err != nil {
		os.Remove(tmp)
		return err
	}
	crashPoint("linked")
	_ = toolkit.SyncDir(t.dir)
	if prev != "" && prev != t.path {
		return removeBundle(prev)
	}
	return nil
}

// removeBundle removes a bundle folder of ours with its marker last, so
// that a removal cut short by a kill leaves a folder the next build still
// recognises, and sweeps.
func removeBundle(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() != MarkerName {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return os.RemoveAll(dir)
}

// errNoExchange says the system or file system cannot swap two folders
// atomically.
var errNoExchange = errors.New("atomic exchange not supported")
