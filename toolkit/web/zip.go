package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/bundle"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
)

// zipLangs maps a zip's name to the languages in it: <slug>.zip has every
// language, <slug>-<lang>.zip one. Any other name is not a zip we make.
func (s *Server) zipLangs(name string) ([]string, bool) {
	slug := s.o.Campaign.Slug
	base, ok := strings.CutSuffix(name, ".zip")
	if !ok {
		return nil, false
	}
	if base == slug {
		return s.o.Campaign.Languages, true
	}
	lang, ok := strings.CutPrefix(base, slug+"-")
	if !ok || !s.langs[lang] {
		return nil, false
	}
	return []string{lang}, true
}

func zipName(slug, lang string) string {
	if lang == "" {
		return slug + ".zip"
	}
	return slug + "-" + lang + ".zip"
}

// variants lists every image of langs in bundle order (sorted by path), so
// the same request always gives the same zip.
func (s *Server) variants(langs []string, lg *logo) []variant {
	var vs []variant
	for _, card := range s.cards {
		for _, l := range langs {
			for _, p := range toolkit.Presets {
				vs = append(vs, variant{card: card, lang: l, preset: p, logo: lg})
			}
		}
	}
	sort.Slice(vs, func(i, j int) bool {
		return bundle.CardPath(vs[i].lang, vs[i].card.ID, vs[i].preset) < bundle.CardPath(vs[j].lang, vs[j].card.ID, vs[j].preset)
	})
	return vs
}

// manifestPosts are the bundle's posts, planned from the campaign and its
// schedule once: they do not depend on the images' bytes.
func (s *Server) manifestPosts() ([]bundle.Post, error) {
	s.postsOnce.Do(func() {
		plan, err := schedule.Plan(s.o.Campaign, s.o.Schedule)
		if err != nil {
			s.postsErr = err
			return
		}
		var images []bundle.Image
		for _, v := range s.variants(s.o.Campaign.Languages, nil) {
			images = append(images, s.imageEntry(v, nil))
		}
		s.posts, s.postsErr = bundle.ManifestPosts(s.o.Campaign, plan, images, nil)
	})
	return s.posts, s.postsErr
}

// imageEntry is v's manifest entry; data is its bytes, nil when they are
// not known yet.
func (s *Server) imageEntry(v variant, data []byte) bundle.Image {
	img := bundle.Image{
		Path: bundle.CardPath(v.lang, v.card.ID, v.preset), Card: v.card.ID, Kind: string(v.card.Kind), Lang: v.lang,
		Preset: v.preset.Name, Width: v.preset.Width, Height: v.preset.Height, Alt: s.o.Alt(v.card, v.lang),
	}
	if data != nil {
		sum := sha256.Sum256(data)
		img.Bytes, img.SHA256 = len(data), hex.EncodeToString(sum[:])
	}
	return img
}

// serveZip streams one of the bundle's zips, planned and written by
// package bundle as `campaignkit build` writes it, with the cards drawn
// here (co-branded when lg is not nil).
func (s *Server) serveZip(w http.ResponseWriter, r *http.Request, lg *logo) {
	name := r.PathValue("name")
	langs, ok := s.zipLangs(name)
	if !ok {
		s.notFound(w, r)
		return
	}
	h := sha256.New()
	fmt.Fprintf(h, "zip\x00%s\x00%s", s.version, name)
	if lg != nil {
		fmt.Fprintf(h, "\x00%s", lg.id)
	}
	etag := `"` + hex.EncodeToString(h.Sum(nil))[:32] + `"`
	s.cacheHeaders(w, etag, lg != nil)
	if matchETag(r, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if !s.limiter.allow(s.clientIP(r), s.o.Now()) {
		s.tooMany(w, r)
		return
	}
	if s.pool.saturated() {
		s.busy(w, r)
		return
	}
	posts, err := s.manifestPosts()
	if err != nil {
		s.log.Error("zip: planning the posts", "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "The zip could not be made.")
		return
	}
	file := name
	if lg != nil {
		file = strings.TrimSuffix(name, ".zip") + "-" + lg.slug + ".zip"
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": file}))
	if r.Method == http.MethodHead {
		return
	}
	// the download starts now; the cards are drawn before the first byte
	w.WriteHeader(http.StatusOK)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	if err := s.writeZip(r.Context(), w, name, langs, lg, posts); err != nil {
		// the status line is gone; all that is left is to stop early so
		// the client sees a truncated, unreadable archive
		s.log.Warn("zip stopped", "path", r.URL.Path, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// writeZip writes the bundle's zip called name. The manifest inside needs
// every image's hash, so the images are drawn (a few at a time) and hashed
// first, then written in order from the cache, or drawn again when the
// cache had no room for them: memory holds a few images, never the zip.
func (s *Server) writeZip(ctx context.Context, w io.Writer, name string, langs []string, lg *logo, posts []bundle.Post) error {
	vs := s.variants(langs, lg)
	images, err := s.hashImages(ctx, vs)
	if err != nil {
		return err
	}
	c := s.o.Campaign
	m := &bundle.Manifest{
		Campaign: bundle.ManifestCampaign{Name: c.Name, Slug: c.Slug, Day: c.Day.String(), Timezone: c.Timezone,
			Languages: c.Languages, Theme: c.Theme},
		Images: images,
		Posts:  posts,
	}
	sources := map[string]bundle.Source{}
	for i, v := range vs {
		sources[images[i].Path] = zipImage{ctx: ctx, s: s, v: v, sha256: images[i].SHA256}
	}
	plans, err := bundle.PlanZips(m, s.zipTime, sources)
	if err != nil {
		return err
	}
	for _, p := range plans {
		if p.Name == name {
			fw := &flushWriter{w: w}
			return bundle.WriteZip(fw, s.zipTime, p.Entries)
		}
	}
	return fmt.Errorf("zip %s: not one of the bundle's zips", name)
}

// hashImages draws every image of vs, at most Workers at a time, and
// returns their manifest entries.
func (s *Server) hashImages(ctx context.Context, vs []variant) ([]bundle.Image, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([]bundle.Image, len(vs))
	errs := make([]error, len(vs))
	sem := make(chan struct{}, s.o.Workers)
	var wg sync.WaitGroup
	for i, v := range vs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return nil, errors.Join(append(errs, ctx.Err())...)
		}
		wg.Add(1)
		go func() { // owned by hashImages, which waits for it
			defer wg.Done()
			defer func() { <-sem }()
			data, err := s.image(ctx, v, -1)
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", bundle.CardPath(v.lang, v.card.ID, v.preset), err)
				cancel()
				return
			}
			out[i] = s.imageEntry(v, data)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// zipImage is a card in a zip, read from the cache (or drawn again) when
// the zip writer gets to it; it must be the image that was hashed.
type zipImage struct {
	ctx    context.Context
	s      *Server
	v      variant
	sha256 string
}

func (z zipImage) Open() (io.ReadCloser, error) {
	data, err := z.s.image(z.ctx, z.v, -1)
	if err != nil {
		return nil, err
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != z.sha256 {
		return nil, errors.New("the card was drawn differently the second time")
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// flushWriter flushes the response every megabyte or so, so a slow zip
// reaches the client as it is written.
type flushWriter struct {
	w io.Writer
	n int
}

func (f *flushWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	f.n += n
	if fl, ok := f.w.(http.Flusher); ok && f.n >= 1<<20 {
		fl.Flush()
		f.n = 0
	}
	return n, err
}
