package web

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"regexp"
	"strconv"

	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// publicName is the only kind of name the public folder holds: a content
// hash and an extension (see publish.PublicFolder). Anything else is not
// looked up at all.
var publicName = regexp.MustCompile(`^[0-9a-f]{64}\.(jpg|png|gif|webp|mp4)$`)

// handlePublic serves the public folder (Options.PublicDir): the images
// networks that fetch pictures by URL (Instagram, Threads) are given. No
// listing, no other names, nothing outside the folder, no sign-in: the
// network's servers must be able to fetch them.
func (s *Server) handlePublic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if s.o.PublicDir == "" || !publicName.MatchString(name) {
		s.notFound(w, r)
		return
	}
	root, err := os.OpenRoot(s.o.PublicDir)
	if err != nil {
		s.notFound(w, r)
		return
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("public folder", "name", name, "err", err)
		}
		s.notFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		s.notFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", publish.PublicContentType(name))
	h.Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	// a name is its content's hash: it never changes
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+name[:32]+`"`)
	if matchETag(r, h.Get("ETag")) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	http.ServeContent(w, r, "", st.ModTime(), f)
}
