package web

import (
	"context"
	"errors"
	"image"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/render"
)

// Upload limits: the logo file, and the whole request around it.
const (
	maxLogoBytes = 2 << 20
	maxLogoSide  = 4000
	maxNameLen   = 100
	// maxUploadBody leaves room for the multipart framing and the name.
	maxUploadBody = maxLogoBytes + 64<<10
	// maxFormBody bounds every other request body (sign-in, buttons).
	maxFormBody = 64 << 10
)

var logoLimits = toolkit.ImageLimits{MaxBytes: maxLogoBytes, MaxSide: maxLogoSide}

// handleCobrand takes a partner's logo and name, keeps the decoded logo in
// memory, and sends the browser to the co-branded cards.
func (s *Server) handleCobrand(w http.ResponseWriter, r *http.Request) {
	if !s.limiter.allow(s.clientIP(r), s.o.Now()) {
		s.tooMany(w, r)
		return
	}
	file, name, status, msg := readUpload(r)
	if status != 0 && tooLarge(r) {
		status, msg = http.StatusRequestEntityTooLarge, "The upload is larger than this server accepts (the logo may be at most 2 MB)."
	}
	if status != 0 {
		s.errorPage(w, r, status, msg)
		return
	}
	// the header is checked (format, bytes, sides) before any pixel is
	// decoded: a small file claiming 100000x100000 costs nothing
	cfg, _, err := toolkit.CheckImage(file, logoLimits)
	if err != nil {
		status := http.StatusUnprocessableEntity
		if len(file) > maxLogoBytes {
			status = http.StatusRequestEntityTooLarge
		}
		s.errorPage(w, r, status, "The logo cannot be used: "+err.Error()+". Upload a PNG or JPEG of at most 2 MB and 4000×4000 pixels.")
		return
	}
	id := logoID(file, name)
	if _, ok := s.logos.get(id, s.o.Now()); !ok {
		if !s.keepLogo(w, r, id, name, file, cfg) {
			return
		}
	}
	q := ""
	if l := r.URL.Query().Get("lang"); s.langs[l] {
		q = "?lang=" + l
	}
	http.Redirect(w, r, "/cobrand/"+id+"/"+q, http.StatusSeeOther)
}

// uploadWait is the least an upload waits for memory and a renderer
// before 503: longer than a picture does, since the partner would have to
// choose the file and send it again.
const uploadWait = 30 * time.Second

// errUnreadable wraps a logo that passed its header check but does not
// decode.
type errUnreadable struct{ err error }

func (e errUnreadable) Error() string { return e.err.Error() }

// keepLogo decodes an upload in the render pool, once the memory its
// pixels need is free, scales it to the partner slot and keeps it. It
// answers the request itself and returns false when that fails.
func (s *Server) keepLogo(w http.ResponseWriter, r *http.Request, id, name string, file []byte, cfg image.Config) bool {
	ctx, cancel := context.WithTimeout(r.Context(), max(s.o.QueueWait, uploadWait))
	defer cancel()
	n, err := s.decodes.acquire(ctx, decodeCost(cfg))
	if err != nil {
		s.renderError(w, r, errBusy)
		return false
	}
	defer s.decodes.release(n)
	data, err := s.pool.do(ctx, -1, func(*render.Renderer) ([]byte, error) {
		data, err := prepareLogo(file, s.slot)
		if err != nil {
			return nil, errUnreadable{err}
		}
		return data, nil
	})
	var bad errUnreadable
	switch {
	case errors.As(err, &bad):
		s.errorPage(w, r, http.StatusUnprocessableEntity, "The logo cannot be read: "+bad.Error()+".")
		return false
	case errors.Is(err, context.DeadlineExceeded) && r.Context().Err() == nil:
		s.renderError(w, r, errBusy)
		return false
	case err != nil:
		s.renderError(w, r, err)
		return false
	}
	if err := s.logos.put(id, name, data, s.o.Now()); err != nil {
		s.log.Error("keeping a logo", "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "The logo could not be kept. Please try again later.")
		return false
	}
	return true
}

// readUpload streams the multipart body, taking the "logo" file and the
// "name" field. status is 0 on success.
func readUpload(r *http.Request) (file []byte, name string, status int, msg string) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", http.StatusBadRequest, "Send the logo as a multipart form (enctype=multipart/form-data)."
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", tooLargeOr(err, http.StatusBadRequest), "The upload could not be read."
		}
		switch part.FormName() {
		case "logo":
			file, err = io.ReadAll(io.LimitReader(part, maxLogoBytes+1))
			if err != nil {
				return nil, "", tooLargeOr(err, http.StatusBadRequest), "The upload could not be read."
			}
			if len(file) > maxLogoBytes {
				return nil, "", http.StatusRequestEntityTooLarge, "The logo is over 2 MB."
			}
		case "name":
			b, err := io.ReadAll(io.LimitReader(part, maxNameLen*4+1))
			if err != nil {
				return nil, "", tooLargeOr(err, http.StatusBadRequest), "The upload could not be read."
			}
			name = strings.TrimSpace(string(b))
		default:
			io.Copy(io.Discard, part)
		}
		part.Close()
	}
	if len(file) == 0 {
		return nil, "", http.StatusBadRequest, "Choose a logo file (PNG or JPEG) to upload."
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxNameLen {
		return nil, "", http.StatusBadRequest, "The organisation name must be text of at most 100 characters."
	}
	if name == "" {
		name = "Partner"
	}
	return file, name, 0, ""
}

func tooLargeOr(err error, status int) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	return status
}

// withLogo finds the logo a /cobrand/{id}/ address names, or answers 404.
func (s *Server) withLogo(h func(http.ResponseWriter, *http.Request, *logo)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lg, ok := s.logos.get(r.PathValue("id"), s.o.Now())
		if !ok {
			s.logoGone(w, r)
			return
		}
		h(w, r, lg)
	}
}

func (s *Server) logoGone(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound, "This co-branded set is no longer kept (uploaded logos are kept for a limited time). Upload your logo again.")
}

func (s *Server) handleCobrandPage(w http.ResponseWriter, r *http.Request, lg *logo) {
	f := s.filters(r.URL.Query())
	s.servePage(w, r, "cobrand\x00"+lg.id+"\x00"+f.query(), true, func() homeData { return s.homeData(f, "/cobrand/"+lg.id, lg) })
}
