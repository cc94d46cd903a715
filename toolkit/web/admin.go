package web

import (
	"errors"
	"net/http"
	"strings"
)

const sessionCookie = "campaignkit_session"

// adminAuth says who is asking: a bearer token (scripts; no CSRF token
// needed, browsers never send one on their own) or a signed-in session.
type adminAuth struct {
	bearer  bool
	session *session
}

// authenticate checks the bearer token or the session cookie. It answers
// the request itself and returns false when neither is good.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (adminAuth, bool) {
	if s.o.AdminToken == "" {
		s.errorPage(w, r, http.StatusNotFound, "The operator dashboard is switched off: this server was started without an admin token.")
		return adminAuth{}, false
	}
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !equal(tok, s.o.AdminToken) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="campaignkit"`)
			s.errorPage(w, r, http.StatusUnauthorized, "The admin token is wrong.")
			return adminAuth{}, false
		}
		return adminAuth{bearer: true}, true
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if ss, ok := s.sessions.get(c.Value, s.o.Now()); ok && ss.authed {
			return adminAuth{session: ss}, true
		}
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		s.loginPage(w, r, http.StatusUnauthorized, "")
		return adminAuth{}, false
	}
	s.errorPage(w, r, http.StatusUnauthorized, "Sign in to the dashboard first.")
	return adminAuth{}, false
}

// checkCSRF requires a session's form to carry its token.
func (s *Server) checkCSRF(w http.ResponseWriter, r *http.Request, a adminAuth) bool {
	if !s.parseForm(w, r) {
		return false
	}
	if a.bearer {
		return true
	}
	if a.session == nil || !equal(r.PostFormValue("csrf"), a.session.csrf) {
		s.errorPage(w, r, http.StatusForbidden, "This form has expired or did not come from this dashboard. Reload the page and try again.")
		return false
	}
	return true
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, ss *session) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: ss.value, Path: "/admin", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secureRequest(r),
		Expires: ss.expires,
	})
}

// loginPage shows the sign-in form in the dashboard's language; msg is
// the key of a message to show above it, or "".
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	ss := s.sessions.create(false, s.o.Now())
	s.setSessionCookie(w, r, ss)
	w.Header().Set("Cache-Control", "no-store")
	lang := adminLang(r)
	d := loginData{base: s.base(lang), CSRF: ss.csrf}
	if lang != "en" {
		d.LangParam = lang
	}
	if msg != "" {
		d.Message = d.T[msg]
	}
	s.pages.render(w, r, status, "login", d)
}

type loginData struct {
	base
	CSRF      string
	LangParam string // "" for English, for the form's lang field
	Message   string
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if s.o.AdminToken == "" {
		s.errorPage(w, r, http.StatusNotFound, "The operator dashboard is switched off: this server was started without an admin token.")
		return
	}
	if !s.limiter.allow("login:"+s.clientIP(r), s.o.Now()) {
		s.tooMany(w, r)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	var pre *session
	if c, err := r.Cookie(sessionCookie); err == nil {
		pre, _ = s.sessions.get(c.Value, s.o.Now())
	}
	if pre == nil || !equal(r.PostFormValue("csrf"), pre.csrf) {
		s.errorPage(w, r, http.StatusForbidden, "This sign-in form has expired. Reload the page and try again.")
		return
	}
	if !equal(r.PostFormValue("token"), s.o.AdminToken) {
		s.loginPage(w, r, http.StatusUnauthorized, "badToken")
		return
	}
	ss := s.sessions.create(true, s.o.Now())
	s.setSessionCookie(w, r, ss)
	http.Redirect(w, r, adminURL("/admin", adminLang(r)), http.StatusSeeOther)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	a, ok := s.authenticate(w, r)
	if !ok || !s.checkCSRF(w, r, a) {
		return
	}
	if a.session != nil {
		s.sessions.remove(a.session, s.o.Now())
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/admin", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secureRequest(r)})
	http.Redirect(w, r, adminURL("/admin", adminLang(r)), http.StatusSeeOther)
}

// handleAction runs one of the dashboard's buttons and goes back to it.
func (s *Server) handleAction(w http.ResponseWriter, r *http.Request) {
	a, ok := s.authenticate(w, r)
	if !ok || !s.checkCSRF(w, r, a) {
		return
	}
	ctx := r.Context()
	st, err := s.queue(ctx)
	if err != nil {
		s.errorPage(w, r, http.StatusServiceUnavailable, "The queue could not be opened: "+err.Error())
		return
	}
	if st == nil {
		s.errorPage(w, r, http.StatusNotFound, "There is no queue to act on.")
		return
	}
	id := r.PathValue("id")
	switch r.PathValue("action") {
	case "pause":
		err = st.Pause(ctx)
	case "resume":
		err = st.Resume(ctx)
	case "cancel":
		err = st.Cancel(ctx, id)
	case "retry":
		err = st.Retry(ctx, id)
	default:
		s.notFound(w, r)
		return
	}
	if err != nil {
		status := http.StatusConflict
		if errors.Is(err, ErrNotFound) {
			status = http.StatusNotFound
		}
		s.errorPage(w, r, status, "That did not work: "+err.Error())
		return
	}
	http.Redirect(w, r, adminURL("/admin", adminLang(r)), http.StatusSeeOther)
}

// ErrNotFound is what a Store returns (wrapped) for a post it does not
// have; the dashboard answers 404 for it.
var ErrNotFound = errors.New("no such post")
