package preview

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/bundle"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/lint"
	"github.com/campaignkit/campaignkit/toolkit/render"
	"github.com/campaignkit/campaignkit/toolkit/text"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/campaignkit/campaignkit/toolkit/watch"
)

// state is what the page shows. A published state is never changed: a
// change makes a new one (maps are cloned before they are written).
type state struct {
	status     string // loading, drawing, checking, ready
	name       string
	failed     bool // the last edit did not load: the rest is from the last good load
	langs      []string
	presets    []toolkit.Preset
	cards      []campaign.Card
	images     map[imageID]imageState
	texts      map[textID]cardTexts
	byCard     map[string][]toolkit.Problem // lint's and the load's, by expanded card id
	general    []toolkit.Problem            // about no one card
	loadIssues []toolkit.Problem            // the failed load's, shown above the rest
	drawn      int                          // images drawn of todo since the load
	todo       int
	tasks      map[string]task // by key: how to draw an image the cache lost
}

// imageID names one image on the page.
type imageID struct{ card, lang, preset string }

type imageState struct {
	key   string // cache key of the image as the campaign now stands
	ext   string // png or jpg
	ready bool   // drawn (it may have left the cache since: then it is drawn again when asked for)
	// shown is the key of the image shown while this one is drawn: the
	// one it replaces, "" for none
	shown    string
	problems []toolkit.Problem // why it could not be drawn
}

type textID struct{ card, lang string }

// cardTexts are a card's captions in one language and its alt text.
type cardTexts struct {
	captions []captionText
	alt      string
}

type captionText struct {
	platform string
	text     string
	problem  string // why there is no caption for the platform
}

// task is how to draw one image.
type task struct {
	id     imageID
	key    string
	job    render.Job
	images *render.Images
}

// builder loads and draws for Run; only Run's goroutine calls it.
type builder struct {
	s        *Server
	watcher  *watch.Watcher
	files    []string
	stopLint context.CancelFunc
	linting  sync.WaitGroup
}

// wait ends the check still running.
func (b *builder) wait() {
	if b.stopLint != nil {
		b.stopLint()
	}
	b.linting.Wait()
}

// rebuild loads the campaign again after changed files (nil at the
// start), draws the images whose key changed and starts the check.
func (b *builder) rebuild(ctx context.Context, changed []string) {
	s := b.s
	b.wait() // the check of the last load is stale
	s.loads.Add(1)
	src := s.o.Load(ctx)
	if ctx.Err() != nil {
		return
	}
	files := src.Files
	if src.Campaign == nil {
		files = union(b.files, src.Files) // keep watching what the last good load named
	}
	b.files = files
	b.watcher.SetPaths(files)
	if src.Campaign == nil {
		s.log.Error("campaign edit does not load; the preview shows the last good one", "files", strings.Join(changed, ","), "problems", len(src.Problems))
		s.publish(func(st *state) {
			st.failed, st.loadIssues = true, src.Problems
			if st.status == "loading" {
				st.status = "ready"
			}
		})
		return
	}
	c := src.Campaign
	prev, _ := s.current()
	next, todo := b.plan(src, prev)
	if len(changed) > 0 {
		s.log.Info("campaign edited", "files", strings.Join(changed, ","), "images_to_draw", len(todo))
	}
	s.publish(func(st *state) { *st = *next })
	b.draw(ctx, todo)
	if ctx.Err() != nil {
		return
	}
	lctx, stop := context.WithCancel(ctx)
	b.stopLint = stop
	b.linting.Add(1)
	go func() { // ends with lctx: b.wait stops it
		defer b.linting.Done()
		ps, err := lint.Run(lctx, lint.Input{Campaign: c, FS: src.FS, Themes: src.Themes, Schedule: src.Schedule, Presets: s.o.Presets})
		if lctx.Err() != nil {
			return
		}
		if err != nil {
			ps = []toolkit.Problem{{File: c.File, Msg: "checking the campaign: " + err.Error()}}
		}
		all := slices.Concat(src.Problems, ps, c.Warnings)
		toolkit.SortProblems(all)
		byCard, general := group(c, next.cards, dedupe(all))
		s.publish(func(st *state) {
			st.byCard, st.general, st.status = byCard, general, "ready"
		})
	}()
}

// plan works out the state of a new load and the images to draw for it:
// those whose key is neither that of the image already on the page nor
// in the cache.
func (b *builder) plan(src Source, prev *state) (*state, []task) {
	s := b.s
	c := src.Campaign
	st := &state{
		status: "checking", name: c.Name, langs: c.Languages, presets: s.o.Presets,
		cards:  c.ExpandedCards(),
		images: map[imageID]imageState{}, texts: map[textID]cardTexts{}, tasks: map[string]task{},
	}
	keys := bundle.NewKeys(c, src.FS)
	pictures := render.NewImages() // a new load may have new pictures under the old names
	type themed struct {
		th  *theme.Theme
		fsy fs.FS
		err error
	}
	themes := map[string]themed{}
	var todo []task
	var themeProblems []toolkit.Problem
	for _, card := range st.cards {
		name := c.ThemeOf(card)
		t, ok := themes[name]
		if !ok {
			t.th, t.fsy, t.err = src.Themes(name)
			themes[name] = t
			var ie *toolkit.InvalidError
			if errors.As(t.err, &ie) {
				themeProblems = append(themeProblems, ie.Problems...)
			} else if t.err != nil {
				themeProblems = append(themeProblems, toolkit.Problem{File: c.File, Line: c.Pos.Line("theme"), Field: "theme", Msg: t.err.Error()})
			}
		}
		for _, lang := range c.Languages {
			st.texts[textID{card.ID, lang}] = textsOf(c, card, lang)
			for _, p := range st.presets {
				id := imageID{card.ID, lang, p.Name}
				if t.err != nil {
					st.images[id] = imageState{problems: []toolkit.Problem{{Msg: fmt.Sprintf("theme %s does not load", name)}}}
					continue
				}
				job := render.Job{Campaign: c, CampaignFS: src.FS, Card: card, Lang: lang, Preset: p, Theme: t.th, ThemeFS: t.fsy}
				key := keys.Key(card, lang, p, t.th, t.fsy)
				tk := task{id: id, key: key, job: job, images: pictures}
				st.tasks[key] = tk
				im := imageState{key: key, ext: p.Ext()}
				old := prev.images[id]
				switch {
				case old.key == key && old.ready, s.cache.Has(key):
					im.ready = true
				default:
					if old.ready {
						im.shown = old.key
					} else {
						im.shown = old.shown
					}
					todo = append(todo, tk)
				}
				st.images[id] = im
			}
		}
	}
	st.todo = len(todo)
	if len(todo) > 0 {
		st.status = "drawing"
	}
	// until the check is done: the problems of the load and the themes
	all := slices.Concat(src.Problems, themeProblems, c.Warnings)
	toolkit.SortProblems(all)
	st.byCard, st.general = group(c, st.cards, dedupe(all))
	return st, todo
}

// draw draws the tasks on the server's workers, publishing each image as
// it is done.
func (b *builder) draw(ctx context.Context, todo []task) {
	s := b.s
	if len(todo) == 0 {
		return
	}
	lib, err := text.Default()
	if err != nil {
		s.publish(func(st *state) { st.general = append(slices.Clone(st.general), toolkit.Problem{Msg: err.Error()}) })
		return
	}
	next := make(chan task)
	var wg sync.WaitGroup
	for range min(s.o.Workers, len(todo)) {
		wg.Add(1)
		go func() { // ends when next is closed
			defer wg.Done()
			var (
				r    *render.Renderer
				pics *render.Images
			)
			for t := range next {
				if r == nil || pics != t.images {
					r, pics = render.New(lib, t.images), t.images
				}
				_, err := s.drawOne(ctx, r, t)
				if ctx.Err() != nil {
					continue
				}
				var problems []toolkit.Problem
				if err != nil {
					var ie *toolkit.InvalidError
					if errors.As(err, &ie) {
						problems = ie.Problems
					} else {
						problems = []toolkit.Problem{{Msg: err.Error()}}
					}
					s.log.Warn("card not drawn", "card", t.id.card, "lang", t.id.lang, "preset", t.id.preset, "err", err)
				}
				s.publish(func(st *state) {
					st.drawn++
					cur, ok := st.images[t.id]
					if !ok || cur.key != t.key {
						return // a later load changed it
					}
					st.images = maps.Clone(st.images)
					cur.ready, cur.shown, cur.problems = err == nil, "", problems
					st.images[t.id] = cur
					if st.drawn >= st.todo && st.status == "drawing" {
						st.status = "checking"
					}
				})
			}
		}()
	}
feed:
	for _, t := range todo {
		select {
		case next <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
}

// drawOne draws and encodes one image, and keeps it in the cache.
func (s *Server) drawOne(ctx context.Context, r *render.Renderer, t task) ([]byte, error) {
	s.renders.Add(1)
	res, err := r.Render(ctx, t.job)
	if err != nil {
		return nil, err
	}
	data, err := render.Encode(res.Image, t.job.Preset)
	if err != nil {
		return nil, fmt.Errorf("card %s, %s, %s: %w", t.id.card, t.id.lang, t.id.preset, err)
	}
	s.cache.Put(t.key, data)
	return data, nil
}

// textsOf is a card's captions on every platform in lang, and its alt
// text: the caption of the campaign's first post of the card in lang,
// else the one made from the card.
func textsOf(c *campaign.Campaign, card campaign.Card, lang string) cardTexts {
	t := cardTexts{alt: caption.Alt(c, card, lang)}
	for _, plat := range campaign.Platforms {
		ct := captionText{platform: plat}
		var firstErr error
		found := false
		for _, p := range c.Posts {
			if (p.Card != card.ID && p.Card != card.Base) || (len(p.Languages) > 0 && !slices.Contains(p.Languages, lang)) {
				continue
			}
			s, err := caption.Build(c, p, lang, plat)
			if err == nil {
				ct.text, found = s, true
				break
			}
			if firstErr == nil {
				firstErr = err
			}
		}
		if !found {
			s, err := caption.Build(c, campaign.Post{Card: card.ID}, lang, plat)
			switch {
			case err == nil:
				ct.text = s
			case firstErr != nil:
				ct.problem = firstErr.Error()
			default:
				ct.problem = err.Error()
			}
		}
		t.captions = append(t.captions, ct)
	}
	return t
}

func union(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}
