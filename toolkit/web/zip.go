package web

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/bundle"
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

// serveZip streams a zip of the cards: images are drawn a few at a time
// ahead of the writer and written in a fixed order with fixed times, so
// the bytes only depend on the campaign (and the logo).
func (s *Server) serveZip(w http.ResponseWriter, r *http.Request, lg *logo) {
	langs, ok := s.zipLangs(r.PathValue("name"))
	if !ok {
		s.notFound(w, r)
		return
	}
	h := sha256.New()
	fmt.Fprintf(h, "zip\x00%s\x00%s", s.version, strings.Join(langs, ","))
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
	name := r.PathValue("name")
	if lg != nil {
		name = strings.TrimSuffix(name, ".zip") + "-" + lg.slug + ".zip"
	}
	vs := s.variants(langs, lg)
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	if r.Method == http.MethodHead {
		return
	}
	if err := s.writeZip(r.Context(), w, vs); err != nil {
		// the status line is gone; all that is left is to stop early so
		// the client sees a truncated, unreadable archive
		s.log.Warn("zip stopped", "path", r.URL.Path, "err", err)
		panic(http.ErrAbortHandler)
	}
}

func (s *Server) writeZip(ctx context.Context, w http.ResponseWriter, vs []variant) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// results[i] receives image i; at most Workers renders are in flight
	results := make([]chan result, len(vs))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	sem := make(chan struct{}, s.o.Workers)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // owned by writeZip: ends when every render is started or ctx ends
		defer wg.Done()
		for i, v := range vs {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				data, err := s.image(ctx, v, -1)
				results[i] <- result{data, err}
			}()
		}
	}()
	defer wg.Wait()
	defer cancel()

	zw := zip.NewWriter(w)
	m := bundle.Manifest{
		Campaign: bundle.ManifestCampaign{Name: s.o.Campaign.Name, Slug: s.o.Campaign.Slug, Day: s.o.Campaign.Day.String(),
			Timezone: s.o.Campaign.Timezone, Languages: s.o.Campaign.Languages, Theme: s.o.Campaign.Theme},
		Posts: []bundle.Post{},
	}
	for i, v := range vs {
		var res result
		select {
		case res = <-results[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-sem
		if res.err != nil {
			return res.err
		}
		p := bundle.CardPath(v.lang, v.card.ID, v.preset)
		if err := s.zipFile(zw, p, res.data); err != nil {
			return err
		}
		sum := sha256.Sum256(res.data)
		m.Images = append(m.Images, bundle.Image{
			Path: p, Card: v.card.ID, Kind: string(v.card.Kind), Lang: v.lang, Preset: v.preset.Name,
			Width: v.preset.Width, Height: v.preset.Height, Bytes: len(res.data), SHA256: hex.EncodeToString(sum[:]),
			Alt: s.o.Alt(v.card, v.lang),
		})
		if f, ok := w.(http.Flusher); ok && i%8 == 7 {
			f.Flush()
		}
	}
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	// "manifest.json" sorts after "cards/...", keeping entries in order
	if err := s.zipFile(zw, "manifest.json", append(mj, '\n')); err != nil {
		return err
	}
	return zw.Close()
}

func (s *Server) zipFile(zw *zip.Writer, name string, data []byte) error {
	method := zip.Deflate
	if strings.HasSuffix(name, ".png") || strings.HasSuffix(name, ".jpg") {
		method = zip.Store // already compressed
	}
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: s.zipTime})
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return err
}
