package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
)

const sessionCookie = "campaignkit_session"

// adminAuth says who is asking: a bearer token (scripts; no CSRF token
// needed, browsers never send one on their own) or a signed-in session.
type adminAuth struct {
	bearer  bool
	session *session
}

// authenticate checks the bearer token or the session cookie, and that
// no replica signed the session out. It answers the request itself and
// returns false when neither is good, or when the store cannot say
// whether the session was signed out.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (adminAuth, bool) {
	return s.authenticateTo(w, r, false)
}

// authenticateTo is authenticate; with signingOut, a session whose
// sign-out the store cannot check is taken: signing it out again harms
// nothing, and an operator must be able to sign out while the store is
// down.
func (s *Server) authenticateTo(w http.ResponseWriter, r *http.Request, signingOut bool) (adminAuth, bool) {
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
			out, err := s.signedOut(r.Context(), ss)
			if err != nil && signingOut {
				return adminAuth{session: ss}, true
			}
			if err != nil {
				s.log.Error("dashboard: checking the session", "err", err)
				s.errorPage(w, r, http.StatusServiceUnavailable, "Whether this session was signed out could not be checked in the queue store: "+err.Error())
				return adminAuth{}, false
			}
			if !out {
				return adminAuth{session: ss}, true
			}
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
	a, ok := s.authenticateTo(w, r, true)
	if !ok || !s.checkCSRF(w, r, a) {
		return
	}
	var err error
	if a.session != nil {
		s.sessions.revoke(a.session, s.o.Now())
		// Recorded even if the browser goes away meanwhile: the other
		// replicas learn of the sign-out only from the store.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), signOutTimeout)
		err = s.recordSignOut(ctx, a.session)
		cancel()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/admin", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secureRequest(r)})
	if err != nil {
		s.log.Error("dashboard: recording a sign-out", "err", err)
		s.errorPage(w, r, http.StatusServiceUnavailable, "You are signed out of this server, but the sign-out could not be recorded in the queue store, so the dashboard's other servers may take a copy of this session until it expires at "+
			a.session.expires.UTC().Format("2006-01-02 15:04 UTC")+"; to end it everywhere before then, change the session key, which ends every session. The store said: "+err.Error())
		return
	}
	http.Redirect(w, r, adminURL("/admin", adminLang(r)), http.StatusSeeOther)
}

// signOutTimeout bounds the recording of a sign-out in the store.
const signOutTimeout = 10 * time.Second

// recordSignOut writes a sign-out to the store, for the other replicas;
// with no queue yet there is nowhere to write it, and the store is given
// it when it opens (see queue).
func (s *Server) recordSignOut(ctx context.Context, ss *session) error {
	st, err := s.queue(ctx)
	if err != nil || st == nil {
		return err
	}
	return st.SignOut(ctx, ss.id, ss.expires)
}

// signedOut asks the store whether another replica (or this one) signed
// the session out. A sign-out found there is remembered, so the store is
// asked once per request of a live session only.
func (s *Server) signedOut(ctx context.Context, ss *session) (bool, error) {
	st, err := s.queue(ctx)
	if err != nil || st == nil {
		return false, err
	}
	out, err := st.SignedOut(ctx, ss.id)
	if out {
		s.sessions.revoke(ss, s.o.Now())
	}
	return out, err
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
