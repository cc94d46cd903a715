package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/render"
	xdraw "golang.org/x/image/draw"
)

// variant is one image the server can make: a card in a language and
// preset, full size or as a thumbnail, with or without a partner's logo.
type variant struct {
	card   campaign.Card
	lang   string
	preset toolkit.Preset
	thumb  bool
	logo   *logo // nil: no co-branding
}

// key names everything the image depends on, so it is both the cache key
// and the ETag: the same key always gives the same bytes.
func (s *Server) key(v variant) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%t\x00%d", s.version, v.card.ID, v.lang, v.preset.Name, v.thumb, s.o.ThumbWidth)
	if v.logo != nil {
		fmt.Fprintf(h, "\x00%s", v.logo.id)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// resolve checks a card id, language and file name ("story.png") against
// the campaign; user input never reaches anything else.
func (s *Server) resolve(cardID, lang, file string, thumb bool) (variant, bool) {
	card, ok := s.cardByID(cardID)
	if !ok || !s.langs[lang] {
		return variant{}, false
	}
	name, ext, ok := strings.Cut(file, ".")
	if !ok {
		return variant{}, false
	}
	p, err := toolkit.PresetByName(name)
	if err != nil {
		return variant{}, false
	}
	want := p.Ext()
	if thumb {
		want = "jpg"
	}
	if ext != want {
		return variant{}, false
	}
	return variant{card: card, lang: lang, preset: p, thumb: thumb}, true
}

// image returns the encoded bytes of v, from the cache or drawn by the
// pool. patience is how long to wait for room in a full queue (negative:
// until ctx ends) before failing with errBusy.
func (s *Server) image(ctx context.Context, v variant, patience time.Duration) ([]byte, error) {
	k := s.key(v)
	wait := patience < 0
	for {
		data, err := s.cache.GetOrCompute(k, func() ([]byte, error) {
			return s.pool.do(ctx, patience, func(r *render.Renderer) ([]byte, error) { return s.draw(ctx, r, v) })
		})
		// another request's render was abandoned by its client: ours
		// still wants the image, so ask again
		if errors.Is(err, context.Canceled) && ctx.Err() == nil {
			continue
		}
		// a waiting caller (a zip) shared a render that gave up on a full
		// queue: queue again
		if wait && errors.Is(err, errBusy) && ctx.Err() == nil {
			continue
		}
		return data, err
	}
}

func (s *Server) draw(ctx context.Context, r *render.Renderer, v variant) ([]byte, error) {
	th := s.themes[s.o.Campaign.ThemeOf(v.card)]
	j := render.Job{
		Campaign: s.o.Campaign, CampaignFS: s.o.CampaignFS, Card: v.card, Lang: v.lang,
		Preset: v.preset, Theme: th.t, ThemeFS: th.fsy,
	}
	if v.logo != nil {
		img, err := v.logo.image()
		if err != nil {
			return nil, err
		}
		j.PartnerLogo = img
	}
	res, err := r.Render(ctx, j)
	if err != nil {
		return nil, err
	}
	if !v.thumb {
		return render.Encode(res.Image, v.preset)
	}
	return thumbnail(res.Image, s.o.ThumbWidth)
}

// thumbnail scales img to width px wide and encodes it as a JPEG: a few
// tens of kilobytes instead of the megabyte a full-size PNG weighs.
func thumbnail(img *image.RGBA, width int) ([]byte, error) {
	b := img.Bounds()
	h := max(1, b.Dy()*width/b.Dx())
	dst := image.NewRGBA(image.Rect(0, 0, width, h))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 82}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (s *Server) thumbSize(p toolkit.Preset) (int, int) {
	return s.o.ThumbWidth, max(1, p.Height*s.o.ThumbWidth/p.Width)
}

// serveImage answers GET for a card image or thumbnail.
func (s *Server) serveImage(w http.ResponseWriter, r *http.Request, lg *logo, thumb bool) {
	v, ok := s.resolve(r.PathValue("card"), r.PathValue("lang"), r.PathValue("file"), thumb)
	if !ok {
		s.notFound(w, r)
		return
	}
	v.logo = lg
	etag := `"` + s.key(v) + `"`
	s.cacheHeaders(w, etag, lg != nil)
	if matchETag(r, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	data, err := s.image(r.Context(), v, s.o.QueueWait)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ctype := "image/png"
	if thumb || v.preset.Format == toolkit.JPEG {
		ctype = "image/jpeg"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	if !thumb {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": fileName(v)}))
	}
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

func fileName(v variant) string {
	return fmt.Sprintf("%s-%s-%s.%s", v.card.ID, v.lang, v.preset.Name, v.preset.Ext())
}

func (s *Server) cacheHeaders(w http.ResponseWriter, etag string, private bool) {
	w.Header().Set("ETag", etag)
	if private {
		w.Header().Set("Cache-Control", "private, max-age=3600")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=3600")
	}
}

// matchETag reports whether If-None-Match names etag (or is *).
func matchETag(r *http.Request, etag string) bool {
	inm := r.Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// renderError answers a failed render: 503 when busy, 500 otherwise.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, errBusy), errors.Is(err, errClosed):
		s.busy(w, r)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// the client went away; nobody to answer
	case errors.Is(err, errLogoGone):
		s.logoGone(w, r)
	default:
		s.log.Error("render failed", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "This card could not be drawn.")
	}
}

func (s *Server) busy(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", strconv.Itoa(int(s.o.RetryAfter.Seconds()+0.5)))
	w.Header().Del("ETag")
	w.Header().Del("Cache-Control")
	w.Header().Set("Cache-Control", "no-store")
	s.errorPage(w, r, http.StatusServiceUnavailable, "The server is drawing as many cards as it can. Please try again in a moment.")
}
