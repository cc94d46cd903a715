package fakeapi

import (
	"net/http"
	"net/url"
)

// Loopback parses the redirect_uri of an OAuth consent request and
// reports whether it points at this machine. The real networks match it
// against the URIs registered with the app; a fake has no registry, and
// a command-line sign-in always listens on loopback, so that is what the
// fakes take.
func Loopback(raw string) (*url.URL, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, false
	}
	host := u.Hostname()
	return u, host == "127.0.0.1" || host == "localhost"
}

// Redirect sends the browser back to the app at u with v added to u's
// query, as a consent page does with a code or an error.
func Redirect(w http.ResponseWriter, r *http.Request, u *url.URL, v url.Values) {
	back := *u
	q := back.Query()
	for k, vs := range v {
		q[k] = vs
	}
	back.RawQuery = q.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}
