package account

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// awaitCode runs the browser half of an authorization-code sign-in: it
// listens on 127.0.0.1 (port o.Port, 0 for any), builds the authorization
// URL for the redirect http://host:PORT/callback and a fresh state, shows
// it, and waits for the one redirect that carries that state. It returns
// the code and the redirect URI the code is bound to. The loopback server
// is shut down before it returns.
//
// Client.Login (with PKCE) and the sign-ins without it (Facebook Login)
// both wait for their redirect here.
func awaitCode(ctx context.Context, o LoginOptions, host string, build func(redirect, state string) (string, error)) (string, string, error) {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	state, err := randomString(16)
	if err != nil {
		return "", "", err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(o.Port)))
	if err != nil {
		return "", "", fmt.Errorf("oauth: loopback redirect: %w", err)
	}
	redirect := fmt.Sprintf("http://%s:%d/callback", host, ln.Addr().(*net.TCPAddr).Port)
	authURL, err := build(redirect, state)
	if err != nil {
		ln.Close()
		return "", "", err
	}
	type result struct {
		code string
		err  error
	}
	results := make(chan result, 1)
	var once sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var res result
		switch {
		case subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1:
			http.Error(w, "This sign-in link is not the one campaignkit is waiting for. Start again with `campaignkit accounts login`.", http.StatusBadRequest)
			return
		case q.Get("error") != "":
			desc := q.Get("error_description")
			if reason := q.Get("error_reason"); reason != "" && desc == "" {
				desc = reason
			}
			res.err = &RefusedError{Status: http.StatusOK, Code: q.Get("error"), Description: desc}
		case q.Get("code") == "":
			res.err = errors.New("oauth: the redirect carries no code")
		default:
			res.code = q.Get("code")
		}
		served := false
		once.Do(func() { results <- res; served = true })
		if !served {
			http.Error(w, "This sign-in is already complete.", http.StatusGone)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if res.err != nil {
			fmt.Fprintf(w, "<!doctype html><title>campaignkit</title><p>Sign-in failed: %s</p>", html.EscapeString(res.err.Error()))
			return
		}
		io.WriteString(w, "<!doctype html><title>campaignkit</title><p>Signed in. You can close this tab and go back to the terminal.</p>")
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan struct{})
	go func() { // owned by awaitCode: ends when srv is shut down below
		defer close(served)
		_ = srv.Serve(ln)
	}()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			srv.Close()
		}
		<-served
	}()
	if o.Show != nil {
		if err := o.Show(authURL); err != nil {
			return "", "", err
		}
	}
	timer := time.NewTimer(o.Timeout)
	defer timer.Stop()
	select {
	case res := <-results:
		return res.code, redirect, res.err
	case <-timer.C:
		return "", "", fmt.Errorf("oauth: no sign-in within %s: run the command again and open the link it prints", o.Timeout)
	case <-ctx.Done():
		return "", "", ctx.Err()
	}
}
