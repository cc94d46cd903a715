package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

// filters are the toolkit page's query parameters. Values the campaign
// does not have are dropped, never used.
type filters struct {
	Lang, Platform, Kind string
}

func (s *Server) filters(q url.Values) filters {
	var f filters
	if l := q.Get("lang"); s.langs[l] {
		f.Lang = l
	}
	if p := q.Get("platform"); slices.Contains(platforms(), p) {
		f.Platform = p
	}
	if k := q.Get("kind"); slices.Contains(campaign.Kinds, campaign.Kind(k)) {
		f.Kind = k
	}
	return f
}

func (f filters) query() string {
	v := url.Values{}
	if f.Lang != "" {
		v.Set("lang", f.Lang)
	}
	if f.Platform != "" {
		v.Set("platform", f.Platform)
	}
	if f.Kind != "" {
		v.Set("kind", f.Kind)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

type homeData struct {
	base
	Filters   filters
	Langs     []option
	Platforms []option
	Kinds     []option
	Messages  []string
	Items     []cardItem
	Zips      []link
	Prefix    string // "" or /cobrand/<id>
	Partner   string
	Heading   string // of a co-branded page
	Query     string
}

type option struct {
	Value, Label string
	Selected     bool
	Lang         string // of the label, when it is not English
}

type link struct {
	Label, URL, Lang, Dir string
}

type cardItem struct {
	ID, Kind, Lang, Dir, Alt string
	T                        map[string]string // the card's block's words, in its language
	Thumb                    string
	ThumbW, ThumbH           int
	Full                     string
	Downloads                []link
	LangZip                  string
	Captions                 []textBox
	AltBox                   textBox
}

// homeData builds the toolkit page for f, with images under prefix.
func (s *Server) homeData(f filters, prefix string, lg *logo) homeData {
	c := s.o.Campaign
	pageLang := f.Lang
	if pageLang == "" {
		pageLang = c.Languages[0]
	}
	d := homeData{base: s.base(pageLang), Filters: f, Prefix: prefix, Query: f.query()}
	t := d.T
	if lg != nil {
		d.Partner = lg.name
		d.Heading = strings.ReplaceAll(t["cobrandedFor"], "{name}", lg.name)
	}
	d.Langs = append(d.Langs, option{Label: t["allLanguages"], Selected: f.Lang == ""})
	for _, l := range c.Languages {
		d.Langs = append(d.Langs, option{Value: l, Label: toolkit.LanguageName(l), Selected: f.Lang == l, Lang: l})
	}
	d.Platforms = append(d.Platforms, option{Label: t["allPlatforms"], Selected: f.Platform == ""})
	for _, p := range platforms() {
		label := platformLabel(p)
		if p == webPlatform {
			label = t["webPreview"]
		}
		d.Platforms = append(d.Platforms, option{Value: p, Label: label, Selected: f.Platform == p})
	}
	d.Kinds = append(d.Kinds, option{Label: t["allKinds"], Selected: f.Kind == ""})
	for _, k := range campaign.Kinds {
		d.Kinds = append(d.Kinds, option{Value: string(k), Label: t["kind."+string(k)], Selected: f.Kind == string(k)})
	}
	d.Messages = c.Messages[pageLang]
	langs := c.Languages
	if f.Lang != "" {
		langs = []string{f.Lang}
	}
	presets := presetsFor(f.Platform)
	show := presets[0]
	for _, card := range s.cards {
		if f.Kind != "" && string(card.Kind) != f.Kind {
			continue
		}
		for _, l := range langs {
			b := s.base(l)
			texts := s.texts[captionKey{card.ID, l}]
			it := cardItem{
				ID: card.ID, Kind: b.T["kind."+string(card.Kind)], Lang: l, Dir: b.Dir, Alt: texts.alt.Text, AltBox: texts.alt, T: b.T,
				Thumb:   prefix + "/thumbs/" + l + "/" + card.ID + "/" + show.Name + ".jpg",
				Full:    prefix + "/cards/" + l + "/" + card.ID + "/" + show.Name + "." + show.Ext(),
				LangZip: prefix + "/zip/" + zipName(c.Slug, l),
			}
			it.ThumbW, it.ThumbH = s.thumbSize(show)
			it.Captions = texts.captions
			if f.Platform != "" {
				it.Captions = nil
				for _, t := range texts.captions {
					if t.Platform == f.Platform {
						it.Captions = append(it.Captions, t)
					}
				}
			}
			for _, p := range presets {
				it.Downloads = append(it.Downloads, link{
					Label: p.Name + " " + strconv.Itoa(p.Width) + "×" + strconv.Itoa(p.Height) + " " + string(p.Format),
					URL:   prefix + "/cards/" + l + "/" + card.ID + "/" + p.Name + "." + p.Ext(),
				})
			}
			d.Items = append(d.Items, it)
		}
	}
	d.Zips = append(d.Zips, link{Label: t["everything"], URL: prefix + "/zip/" + zipName(c.Slug, "")})
	for _, l := range c.Languages {
		b := s.base(l)
		d.Zips = append(d.Zips, link{Label: toolkit.LanguageName(l), URL: prefix + "/zip/" + zipName(c.Slug, l), Lang: l, Dir: b.Dir})
	}
	return d
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	f := s.filters(r.URL.Query())
	s.servePage(w, r, "page\x00"+f.query(), false, func() homeData { return s.homeData(f, "", nil) })
}

// servePage answers with a toolkit page, plain or co-branded, built once
// per key and kept with its gzipped form in the cache; its ETag is the
// hash of its bytes, and browsers check it again before using their copy
// (co-branded pages are kept only in the partner's own browser).
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, key string, private bool, data func() homeData) {
	body, err := s.cache.GetOrCompute(key, func() ([]byte, error) { return s.pages.execute("home", data()) })
	if err != nil {
		s.log.Error("toolkit page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var gz []byte
	if acceptsGzip(r) {
		gz, _ = s.cache.GetOrCompute(key+"\x00gz", func() ([]byte, error) { return gzipBytes(body), nil })
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", etag)
	if private {
		w.Header().Set("Cache-Control", "private, no-cache")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	if matchETag(r, etag) {
		w.Header().Add("Vary", "Accept-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeHTML(w, r, http.StatusOK, body, gz)
}
