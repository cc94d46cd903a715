package bundle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/render"
	"github.com/campaignkit/campaignkit/toolkit/text"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// Themes finds a theme by name for a card; the build resolves the
// campaign's theme and any per-card override through it.
type Themes func(name string) (*theme.Theme, fs.FS, error)

// CardOptions says what to render.
type CardOptions struct {
	Campaign   *campaign.Campaign
	CampaignFS fs.FS
	Themes     Themes
	Presets    []toolkit.Preset // default: all
	Languages  []string         // default: the campaign's
	Workers    int              // default: GOMAXPROCS
	// Progress, when set, is called after each image with the count done
	// and the total. It may be called from several goroutines at once.
	Progress func(done, total int)
	// Alt, when set, gives the alt text of a card in a language.
	Alt func(card campaign.Card, lang string) string
	// DryRun lays every card out and reports what does not fit, without
	// drawing or encoding images (for lint): Inspect gets Results with no
	// Image.
	DryRun bool
	// Inspect, when set, is given every card as laid out, before it is
	// encoded, for checks of the layout (lint's). It may be called from
	// several goroutines at once.
	Inspect func(render.Job, *render.Result)
}

// Rendered is one encoded card image: its bytes, or the file of the
// previous bundle that already holds exactly those bytes.
type Rendered struct {
	Image Image
	Data  []byte // nil when reused
	From  string // previous bundle's file, when reused
	Same  string // bundle path of the image of another size with the same canvas, whose bytes this one has
	Key   string // hash of everything the image depends on
}

// Stats counts what a build did.
type Stats struct {
	Rendered int // images made by this build (drawn, or sharing a canvas drawn for another size)
	Drawn    int // canvases drawn and encoded: Rendered less the sizes that shared one
	Reused   int // images taken unchanged from the previous bundle
}

// cache lets RenderCards reuse images of the previous build.
type cache struct {
	keys      *keyer
	index     *cacheIndex // previous build's
	prevRoots []string    // previous bundles' folders, most likely first
	// sink, when set, takes each newly encoded image as soon as it is
	// made (Build writes it to disk and drops the bytes).
	sink func(*Rendered) error
}

// CardPath is where a card image goes in the bundle.
func CardPath(lang, card string, p toolkit.Preset) string {
	return fmt.Sprintf("cards/%s/%s/%s.%s", lang, card, p.Name, p.Ext())
}

type job struct {
	card campaign.Card
	lang string
	p    toolkit.Preset
	th   *theme.Theme
	thFS fs.FS
}

// RenderCards renders every card x language x preset on all cores. The
// result is sorted by path, so the same input gives the same output
// whatever the scheduling. Every problem (text that cannot fit, missing
// glyphs) is collected and returned together as a *toolkit.InvalidError.
func RenderCards(ctx context.Context, o CardOptions) ([]Rendered, Stats, error) {
	return renderCards(ctx, o, nil)
}

func renderCards(ctx context.Context, o CardOptions, cc *cache) ([]Rendered, Stats, error) {
	var stats Stats
	c := o.Campaign
	presets := o.Presets
	if len(presets) == 0 {
		presets = toolkit.Presets
	}
	langs := o.Languages
	if len(langs) == 0 {
		langs = c.Languages
	}
	var jobs []job
	themes := map[string]*theme.Theme{}
	themeFS := map[string]fs.FS{}
	for _, card := range c.ExpandedCards() {
		name := c.ThemeOf(card)
		th, ok := themes[name]
		if !ok {
			t, tfs, err := o.Themes(name)
			if err != nil {
				return nil, stats, err
			}
			themes[name], themeFS[name], th = t, tfs, t
		}
		// sizes outside languages: the jobs drawn one after the other share
		// the photo scaled to their size (render.Images keeps few)
		for _, p := range presets {
			for _, l := range langs {
				jobs = append(jobs, job{card: card, lang: l, p: p, th: th, thFS: themeFS[name]})
			}
		}
	}
	out := make([]Rendered, len(jobs))
	var todo []int
	for i, j := range jobs {
		if cc == nil {
			todo = append(todo, i)
			continue
		}
		key := cc.keys.key(j)
		path := CardPath(j.lang, j.card.ID, j.p)
		if e, ok := cc.index.Images[path]; ok && e.Key == key {
			if from, ok := reusable(cc.prevRoots, path, e); ok {
				img := imageEntry(j, e.Bytes, e.SHA256, o.Alt)
				out[i] = Rendered{Image: img, From: from, Key: key}
				stats.Reused++
				continue
			}
		}
		out[i].Key = key
		todo = append(todo, i)
	}
	byPath := func() { sort.Slice(out, func(i, j int) bool { return out[i].Image.Path < out[j].Image.Path }) }
	// Sizes that draw the same canvas (facebook and og are both 1200×630
	// with no insets) are drawn once: the others share the first's bytes.
	todo, same := sameCanvas(jobs, todo)
	if len(todo) == 0 && len(same) == 0 {
		byPath()
		return out, stats, nil
	}
	// fonts are parsed only when something is drawn
	lib, err := text.Default()
	if err != nil {
		return nil, stats, err
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	images := render.NewImages()
	var (
		mu       sync.Mutex
		problems []toolkit.Problem
		firstErr error
		done     int
		wg       sync.WaitGroup
	)
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := render.New(lib, images)
			for i := range next {
				rd, err := renderOne(ctx, r, c, o.CampaignFS, jobs[i], o.Alt, o.DryRun, o.Inspect)
				if err == nil && cc != nil && cc.sink != nil && !o.DryRun {
					err = cc.sink(&rd)
				}
				mu.Lock()
				if err != nil {
					if ie, ok := err.(*toolkit.InvalidError); ok {
						problems = append(problems, ie.Problems...)
						for _, a := range same[i] { // the same problem in the sizes that share the canvas
							for _, p := range ie.Problems {
								p.Msg = presetRe.ReplaceAllString(p.Msg, ", preset "+jobs[a].p.Name+", ")
								problems = append(problems, p)
							}
						}
					} else if firstErr == nil {
						firstErr = err
						cancel()
					}
				} else {
					rd.Key = out[i].Key
					out[i] = rd
				}
				done += 1 + len(same[i])
				d := done
				mu.Unlock()
				if o.Progress != nil {
					o.Progress(d, len(todo)+shared(same))
				}
			}
		}()
	}
feed:
	for _, i := range todo {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, stats, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, stats, err
	}
	if len(problems) > 0 {
		ps := &toolkit.Problems{}
		ps.Append(dedupe(problems)...)
		return nil, stats, ps.Err()
	}
	for i, as := range same {
		for _, a := range as {
			j, src := jobs[a], out[i]
			if !o.DryRun && j.p.MaxBytes > 0 && src.Image.Bytes >= j.p.MaxBytes {
				return nil, stats, fmt.Errorf("card %s, %s, %s: %d bytes, over the platform's %d byte limit", j.card.ID, j.lang, j.p.Name, src.Image.Bytes, j.p.MaxBytes)
			}
			out[a] = Rendered{Image: imageEntry(j, src.Image.Bytes, src.Image.SHA256, o.Alt), Same: src.Image.Path, Key: out[a].Key}
		}
	}
	stats.Drawn = len(todo)
	stats.Rendered = len(todo) + shared(same)
	byPath()
	return out, stats, nil
}

// canvas is what decides a card's pixels besides the campaign: two jobs
// with the same canvas draw the same image.
type canvas struct {
	card, lang    string
	theme         *theme.Theme
	width, height int
	format        toolkit.Format
	safe          toolkit.Insets
}

// sameCanvas splits the jobs to draw (todo) into those drawn and, for each
// of those, the later jobs whose canvas is the same, which take its bytes.
func sameCanvas(jobs []job, todo []int) (draw []int, same map[int][]int) {
	same = map[int][]int{}
	first := map[canvas]int{}
	for _, i := range todo {
		j := jobs[i]
		k := canvas{j.card.ID, j.lang, j.th, j.p.Width, j.p.Height, j.p.Format, j.p.Safe}
		if f, ok := first[k]; ok {
			same[f] = append(same[f], i)
			continue
		}
		first[k] = i
		draw = append(draw, i)
	}
	return draw, same
}

func shared(same map[int][]int) int {
	n := 0
	for _, as := range same {
		n += len(as)
	}
	return n
}

func renderOne(ctx context.Context, r *render.Renderer, c *campaign.Campaign, cfs fs.FS, j job, alt func(campaign.Card, string) string, dry bool, inspect func(render.Job, *render.Result)) (Rendered, error) {
	rj := render.Job{Campaign: c, CampaignFS: cfs, Card: j.card, Lang: j.lang, Preset: j.p, Theme: j.th, ThemeFS: j.thFS}
	place := r.Render
	if dry {
		place = r.Layout // nothing is drawn when nothing is encoded
	}
	res, err := place(ctx, rj)
	if err != nil {
		return Rendered{}, err
	}
	if inspect != nil {
		inspect(rj, res)
	}
	if dry {
		return Rendered{Image: imageEntry(j, 0, "", alt)}, nil
	}
	data, err := render.Encode(res.Image, j.p)
	r.Recycle(res.Image)
	if err != nil {
		return Rendered{}, fmt.Errorf("card %s, %s, %s: %w", j.card.ID, j.lang, j.p.Name, err)
	}
	sum := sha256.Sum256(data)
	return Rendered{Image: imageEntry(j, len(data), hex.EncodeToString(sum[:]), alt), Data: data}, nil
}

func imageEntry(j job, n int, sum string, alt func(campaign.Card, string) string) Image {
	img := Image{
		Path: CardPath(j.lang, j.card.ID, j.p), Card: j.card.ID, Kind: string(j.card.Kind), Lang: j.lang,
		Preset: j.p.Name, Width: j.p.Width, Height: j.p.Height, Bytes: n, SHA256: sum,
	}
	if alt != nil {
		img.Alt = alt(j.card, j.lang)
	}
	return img
}

var presetRe = regexp.MustCompile(`, preset ([a-z0-9-]+), `)

// dedupe merges problems that differ only in the preset (a character no
// font has is missing in every size) into one naming all the presets.
func dedupe(ps []toolkit.Problem) []toolkit.Problem {
	type group struct {
		p       toolkit.Problem
		presets []string
	}
	var order []string
	groups := map[string]*group{}
	for _, p := range ps {
		preset := ""
		if m := presetRe.FindStringSubmatch(p.Msg); m != nil {
			preset = m[1]
		}
		k := p.File + "\x00" + p.Field + "\x00" + presetRe.ReplaceAllString(p.Msg, ", ")
		g, ok := groups[k]
		if !ok {
			g = &group{p: p}
			groups[k] = g
			order = append(order, k)
		}
		if preset != "" && !slices.Contains(g.presets, preset) {
			g.presets = append(g.presets, preset)
		}
	}
	out := make([]toolkit.Problem, 0, len(order))
	for _, k := range order {
		g := groups[k]
		if len(g.presets) > 1 {
			sort.Strings(g.presets)
			g.p.Msg = presetRe.ReplaceAllString(g.p.Msg, ", presets "+strings.Join(g.presets, " ")+", ")
		}
		out = append(out, g.p)
	}
	return out
}
