package bundle

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/i18n"
)

// generatedFiles makes the bundle's files that come from the manifest
// alone: calendar.ics, posts.csv, captions/<lang>.md and index.html.
func generatedFiles(m *Manifest, stamp time.Time) (map[string][]byte, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	files := map[string][]byte{
		"calendar.ics": Calendar(m, stamp),
		"posts.csv":    PostsCSV(m),
	}
	for _, l := range m.Campaign.Languages {
		files["captions/"+l+".md"] = CaptionsMarkdown(m, l)
	}
	page, err := IndexHTML(m)
	if err != nil {
		return nil, err
	}
	files["index.html"] = page
	return files, nil
}

// bundleStamp is the fixed time written into the calendar's DTSTAMP and the
// zips' entries: the campaign day at midnight UTC, so that building twice
// gives the same bytes.
func bundleStamp(day campaign.Date) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
}

// manifestJSON encodes a manifest as manifest.json is written.
func manifestJSON(m *Manifest) ([]byte, error) {
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(mj, '\n'), nil
}

// ForLang returns the part of m in one language: its images and posts, with
// the campaign's languages narrowed to lang. It is what the files of
// <slug>-<lang>.zip are made from.
func (m *Manifest) ForLang(lang string) *Manifest {
	out := &Manifest{Campaign: m.Campaign, Images: []Image{}, Posts: []Post{}}
	out.Campaign.Languages = []string{lang}
	for _, img := range m.Images {
		if img.Lang == lang {
			out.Images = append(out.Images, img)
		}
	}
	for _, p := range m.Posts {
		if p.Lang == lang {
			out.Posts = append(out.Posts, p)
		}
	}
	return out
}

var (
	slugName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

// Check reports every problem in m that would make a bundle file wrong, all
// at once: a slug that cannot be part of a file name, a language tag that
// names no language (i18n.Parse, which also keeps it a safe file name), a path
// that is not relative and clean, a post time that is not RFC 3339, a time
// zone Go does not know. The writers (Calendar, PostsCSV, CaptionsMarkdown,
// IndexHTML) leave out a post whose time does not parse.
func (m *Manifest) Check() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("manifest %s: "+format, append([]any{field}, args...)...))
	}
	if !slugName.MatchString(m.Campaign.Slug) {
		bad("campaign.slug", "%q is not a file name: use letters, digits, '.', '_' and '-'", m.Campaign.Slug)
	}
	if m.Campaign.Timezone != "" {
		if _, err := time.LoadLocation(m.Campaign.Timezone); err != nil {
			bad("campaign.timezone", "unknown time zone %q", m.Campaign.Timezone)
		}
	}
	for i, l := range m.Campaign.Languages {
		if _, err := i18n.Parse(l); err != nil {
			bad(fmt.Sprintf("campaign.languages[%d]", i), "%v", err)
		}
	}
	for i, img := range m.Images {
		if !safeRel(img.Path) {
			bad(fmt.Sprintf("images[%d].path", i), "%q must be relative, with forward slashes and without ..", img.Path)
		}
	}
	for i, p := range m.Posts {
		field := fmt.Sprintf("posts[%d]", i)
		if _, err := time.Parse(time.RFC3339, p.At); err != nil {
			bad(field+".at", "%q is not an RFC 3339 time such as 2026-12-18T09:00:00Z", p.At)
		}
		if p.Timezone != "" {
			if _, err := time.LoadLocation(p.Timezone); err != nil {
				bad(field+".timezone", "unknown time zone %q", p.Timezone)
			}
		}
		for j, im := range p.Images {
			if !safeRel(im) {
				bad(fmt.Sprintf("%s.images[%d]", field, j), "%q must be relative, with forward slashes and without ..", im)
			}
		}
	}
	return errors.Join(errs...)
}

// timedPost is a post with its time parsed.
type timedPost struct {
	Post
	at  time.Time      // UTC
	loc *time.Location // the post's zone; UTC when unknown
}

// local is the post's wall-clock time in its zone.
func (s timedPost) local() time.Time { return s.at.In(s.loc) }

// sortedPosts parses the posts' times and sorts them by time, then language
// (in the campaign's order), card and ID, so every file lists them alike.
// Posts whose time does not parse are left out (Check reports them).
func sortedPosts(m *Manifest) []timedPost {
	zones := map[string]*time.Location{}
	zone := func(name string) *time.Location {
		if name == "" {
			name = m.Campaign.Timezone
		}
		if loc, ok := zones[name]; ok {
			return loc
		}
		loc, err := time.LoadLocation(name)
		if err != nil {
			loc = time.UTC
		}
		zones[name] = loc
		return loc
	}
	var out []timedPost
	for _, p := range m.Posts {
		at, err := time.Parse(time.RFC3339, p.At)
		if err != nil {
			continue
		}
		if p.Timezone == "" {
			p.Timezone = m.Campaign.Timezone
		}
		if p.Timezone == "" {
			p.Timezone = "UTC"
		}
		out = append(out, timedPost{Post: p, at: at.UTC(), loc: zone(p.Timezone)})
	}
	langRank := func(l string) int {
		if i := slices.Index(m.Campaign.Languages, l); i >= 0 {
			return i
		}
		return len(m.Campaign.Languages)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.at.Equal(b.at) {
			return a.at.Before(b.at)
		}
		if ra, rb := langRank(a.Lang), langRank(b.Lang); ra != rb {
			return ra < rb
		}
		if a.Lang != b.Lang {
			return a.Lang < b.Lang
		}
		if a.Card != b.Card {
			return a.Card < b.Card
		}
		return a.ID < b.ID
	})
	return out
}

// captionPlatforms lists the platforms a post has a caption for: those
// campaign.Platforms knows in its order, then any other key sorted.
func captionPlatforms(p Post) []string {
	var out []string
	for _, pl := range campaign.Platforms {
		if _, ok := p.Captions[pl]; ok {
			out = append(out, pl)
		}
	}
	var rest []string
	for k := range p.Captions {
		if !slices.Contains(campaign.Platforms, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// postAlt is the alt text of each of a post's images: the post's own, or
// else the manifest's entry for that image.
func postAlt(m *Manifest, p Post) []string {
	out := make([]string, len(p.Images))
	for i, im := range p.Images {
		if i < len(p.Alt) && p.Alt[i] != "" {
			out[i] = p.Alt[i]
			continue
		}
		for _, img := range m.Images {
			if img.Path == im {
				out[i] = img.Alt
				break
			}
		}
	}
	return out
}

// isZipName reports whether a bundle path is one of the zips at its top.
func isZipName(p string) bool {
	return !strings.Contains(p, "/") && path.Ext(p) == ".zip"
}
