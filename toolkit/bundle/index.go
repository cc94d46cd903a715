package bundle

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/i18n"
)

var (
	//go:embed index.html.tmpl
	indexSource string
	//go:embed index.css
	indexCSS string
	//go:embed index.js
	indexOwnJS string
	// indexJS is the page's one inline script: the platforms' counting
	// rules from package caption, copying from package toolkit, then the
	// page's behaviour.
	indexJS = caption.CountJS + "\n" + toolkit.CopyJS + "\n" + indexOwnJS

	indexTemplate = template.Must(template.New("index.html").Parse(indexSource))
	// indexCSP allows the page its own inline style and script, by hash,
	// and images from beside it; nothing from the network. file: is named
	// because not every browser counts a file beside the page as 'self'.
	indexCSP = fmt.Sprintf("default-src 'none'; img-src 'self' file:; style-src '%s'; script-src '%s'; base-uri 'none'; form-action 'none'",
		cspHash(indexCSS), cspHash(indexJS))
)

// indexFormat is the version of what indexHTML writes for a manifest.
// A zip's index page is known by its key (pageKey) without being drawn,
// so that a rebuild with nothing changed draws none of them: bump it
// whenever the code changes the pages it writes
// (TestIndexFormatFollowsPages fails until it is).
const indexFormat = 1

// pageKey stands for the index page of the manifest whose JSON hashes to
// manifestSum, in the variant with or without links to the zips: the
// page is made from nothing else but the template, its style and script
// (hashed here), and indexHTML's code (indexFormat).
func pageKey(manifestSum string, zips bool) string {
	h := sha256.New()
	fmt.Fprintf(h, "index %d\nzips %t\nmanifest %s\n", indexFormat, zips, manifestSum)
	h.Write([]byte(indexSource))
	h.Write([]byte(indexCSS))
	h.Write([]byte(indexJS))
	return hex.EncodeToString(h.Sum(nil))
}

// page is an index page that is drawn only when read (when the zip that
// holds it is written), known until then by its key.
type page struct {
	key  string
	m    *Manifest
	once sync.Once
	data []byte
	err  error
}

// Open draws the page (once) and reads it.
func (p *page) Open() (io.ReadCloser, error) {
	p.once.Do(func() { p.data, p.err = indexHTML(p.m, false) })
	if p.err != nil {
		return nil, p.err
	}
	return Bytes(p.data).Open()
}

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

var platformLabels = map[string]string{
	"x": "X", "bluesky": "Bluesky", "mastodon": "Mastodon", "threads": "Threads",
	"linkedin": "LinkedIn", "instagram": "Instagram", "facebook": "Facebook",
}

type indexPage struct {
	Name, Slug, Day, Timezone string
	Zips                      bool
	Languages                 []indexLang
	Platforms                 []indexPlatform
	CSS                       template.CSS
	JS                        template.JS
	CSP                       string
}

type indexPlatform struct{ ID, Label string }

type indexLang struct {
	Tag, Name, Zip string
	RTL            bool
	Cards          []indexCard
	Posts          []indexPost
}

type indexCard struct {
	ID, Kind string
	Preview  *Image
	Files    []indexFile
}

type indexFile struct{ Path, Preset, Size string }

type indexPost struct {
	ID, At, Local, Zone, Card, Channels, Platforms string
	Images                                         []indexImage
	Captions                                       []indexCaption
	Withheld                                       []string // why a platform has no caption
}

type indexImage struct {
	ID, Path, Alt string
	Rows          int
}

type indexCaption struct {
	ID, Platform, Label, Text string
	Limit, Rows               int
}

// IndexHTML is index.html: one page that shows every card and post of the
// bundle and works opened from disk, with no network. Cards are previewed
// with their alt text and link to each size; each post's captions sit in
// read-only text boxes with a copy button and a count against the
// platform's limit; menus filter by language and platform. Without
// JavaScript everything is shown and the controls that need it are hidden.
func IndexHTML(m *Manifest) ([]byte, error) { return indexHTML(m, true) }

// indexHTML renders the page, with links to the zips beside it or, for the
// copy inside a zip, without them.
func indexHTML(m *Manifest, zips bool) ([]byte, error) {
	page := indexPage{
		Name: m.Campaign.Name, Slug: m.Campaign.Slug, Day: m.Campaign.Day, Timezone: m.Campaign.Timezone, Zips: zips,
		CSS: template.CSS(indexCSS), JS: template.JS(indexJS), CSP: indexCSP,
	}
	langs := slices.Clone(m.Campaign.Languages)
	seen := map[string]bool{}
	for _, l := range langs {
		seen[l] = true
	}
	var extra []string // languages with images or posts the campaign does not list
	for _, img := range m.Images {
		if !seen[img.Lang] {
			seen[img.Lang] = true
			extra = append(extra, img.Lang)
		}
	}
	for _, p := range m.Posts {
		if !seen[p.Lang] {
			seen[p.Lang] = true
			extra = append(extra, p.Lang)
		}
	}
	sort.Strings(extra)
	langs = append(langs, extra...)

	byLang := map[string]*indexLang{}
	for _, l := range langs {
		page.Languages = append(page.Languages, indexLang{Tag: l, Name: toolkit.LanguageName(l), Zip: m.Campaign.Slug + "-" + l + ".zip", RTL: i18n.IsRTL(l)})
	}
	for i := range page.Languages {
		byLang[page.Languages[i].Tag] = &page.Languages[i]
	}

	// cards, in the order they first appear, sizes in the presets' order
	for i := range m.Images {
		img := &m.Images[i]
		il := byLang[img.Lang]
		at := slices.IndexFunc(il.Cards, func(c indexCard) bool { return c.ID == img.Card })
		if at < 0 {
			il.Cards = append(il.Cards, indexCard{ID: img.Card, Kind: img.Kind})
			at = len(il.Cards) - 1
		}
		c := &il.Cards[at]
		if c.Preview == nil || (img.Preset == "instagram-square" && c.Preview.Preset != "instagram-square") {
			c.Preview = img
		}
		c.Files = append(c.Files, indexFile{Path: img.Path, Preset: img.Preset, Size: sizeLabel(img)})
	}
	for i := range page.Languages {
		for _, c := range page.Languages[i].Cards {
			sort.SliceStable(c.Files, func(a, b int) bool { return presetRank(c.Files[a].Preset) < presetRank(c.Files[b].Preset) })
		}
	}

	used := map[string]bool{}
	for n, p := range sortedPosts(m) {
		il := byLang[p.Lang]
		id := fmt.Sprintf("post-%d", n+1)
		ip := indexPost{
			ID: id, At: p.At, Local: p.local().Format("2006-01-02 15:04"), Zone: p.Timezone, Card: p.Card,
			Channels: strings.Join(p.Channels, ", "),
		}
		alt := postAlt(m, p.Post)
		for j, im := range p.Images {
			ip.Images = append(ip.Images, indexImage{ID: fmt.Sprintf("%s-alt-%d", id, j+1), Path: im, Alt: alt[j], Rows: rows(alt[j])})
		}
		platforms := captionPlatforms(p.Post)
		for _, pl := range platforms {
			used[pl] = true
			text := p.Captions[pl]
			ip.Captions = append(ip.Captions, indexCaption{
				ID: id + "-" + pl, Platform: pl, Label: platformLabel(pl), Text: text,
				Limit: caption.Limit(pl), Rows: rows(text),
			})
		}
		for _, pl := range toolkit.SortedKeys(p.Withheld) {
			ip.Withheld = append(ip.Withheld, fmt.Sprintf("No %s caption: %s.", platformLabel(pl), p.Withheld[pl]))
		}
		ip.Platforms = strings.Join(platforms, " ")
		il.Posts = append(il.Posts, ip)
	}
	for _, pl := range campaign.Platforms {
		if used[pl] {
			page.Platforms = append(page.Platforms, indexPlatform{ID: pl, Label: platformLabel(pl)})
			delete(used, pl)
		}
	}
	for _, pl := range toolkit.SortedKeys(used) {
		page.Platforms = append(page.Platforms, indexPlatform{ID: pl, Label: platformLabel(pl)})
	}

	var b bytes.Buffer
	if err := indexTemplate.Execute(&b, page); err != nil {
		return nil, fmt.Errorf("index.html: %w", err)
	}
	return b.Bytes(), nil
}

func platformLabel(pl string) string {
	if l, ok := platformLabels[pl]; ok {
		return l
	}
	return pl
}

// presetRank orders sizes as toolkit.Presets lists them, unknown ones last.
func presetRank(name string) int {
	if i := slices.IndexFunc(toolkit.Presets, func(p toolkit.Preset) bool { return p.Name == name }); i >= 0 {
		return i
	}
	return len(toolkit.Presets)
}

// sizeLabel describes an image file: pixels, format and weight.
func sizeLabel(img *Image) string {
	format := strings.ToUpper(strings.TrimPrefix(path.Ext(img.Path), "."))
	if format == "JPG" {
		format = "JPEG"
	}
	s := fmt.Sprintf("%d × %d, %s", img.Width, img.Height, format)
	switch {
	case img.Bytes >= 1_000_000:
		s += fmt.Sprintf(", %.1f MB", float64(img.Bytes)/1e6)
	case img.Bytes >= 1000:
		s += fmt.Sprintf(", %d kB", (img.Bytes+500)/1000)
	case img.Bytes > 0:
		s += fmt.Sprintf(", %d bytes", img.Bytes)
	}
	return s
}

// rows is a text box's height for a text, for browsers that cannot size
// one to its content.
func rows(s string) int {
	n := 0
	for _, line := range strings.Split(s, "\n") {
		n += 1 + utf8.RuneCountInString(line)/70
	}
	return min(max(n, 2), 14)
}
