//go:build unix

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/queue/postgres"
	"github.com/campaignkit/campaignkit/toolkit/queue/postgres/pgtest"
)

// TestServeCampaignsShareStore runs `serve` for two campaigns on one
// PostgreSQL store, and a second `serve` of the first campaign as a
// replica behind a load balancer would run. Each campaign's dashboard
// lists its own posts and those queued by hand, never the other's, and
// cannot steer the other's; a session signed in on one replica acts on
// the other with its cookie and CSRF token.
func TestServeCampaignsShareStore(t *testing.T) {
	store := pgtest.URL(t)
	ctx := context.Background()
	st, err := postgres.Open(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 12, 18, 8, 0, 0, 0, time.UTC)
	post := func(id, source string) queue.Post {
		return queue.Post{ID: id, Source: source, Channel: "mastodon", Lang: "en", At: at, Local: "2026-12-18 08:00", Zone: "Europe/London", Text: "Hello from " + source}
	}
	if _, err := st.Enqueue(ctx, at.Add(-time.Hour), []queue.Post{post("alpha-post", "alpha"), post("beta-post", "beta"), post("by-hand-post", queue.AdHoc)}); err != nil {
		t.Fatal(err)
	}
	const tok = "tok-shared-by-the-replicas"
	t.Setenv(adminTokenEnv, tok)
	t.Setenv(sessionKeyEnv, "")
	campaignFile := func(slug string) string {
		dir := t.TempDir()
		return writeCampaign(t, dir, strings.ReplaceAll(crashCampaign, "crash-test", slug)+"theme: un-blue\n", nil)
	}
	alphaFile := campaignFile("alpha")
	alpha := startServe(t, "-c", alphaFile, "--state", t.TempDir(), "--store", store)
	alpha2 := startServe(t, "-c", alphaFile, "--state", t.TempDir(), "--store", store)
	beta := startServe(t, "-c", campaignFile("beta"), "--state", t.TempDir(), "--store", store)

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, u string, form url.Values, auth string, cookie *http.Cookie) (int, string, *http.Response) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, u, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		if cookie != nil {
			req.AddCookie(cookie)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), res
	}
	for _, c := range []struct {
		name, base string
		want, not  []string
	}{
		{"alpha", alpha, []string{"alpha-post", "by-hand-post"}, []string{"beta-post"}},
		{"alpha's replica", alpha2, []string{"alpha-post", "by-hand-post"}, []string{"beta-post"}},
		{"beta", beta, []string{"beta-post", "by-hand-post"}, []string{"alpha-post"}},
	} {
		status, page, _ := do("GET", c.base+"/admin", nil, tok, nil)
		if status != 200 {
			t.Fatalf("%s: dashboard %d", c.name, status)
		}
		for _, id := range c.want {
			if !strings.Contains(page, id) {
				t.Errorf("%s's dashboard lacks %s", c.name, id)
			}
		}
		for _, id := range c.not {
			if strings.Contains(page, id) {
				t.Errorf("%s's dashboard shows %s, another campaign's post", c.name, id)
			}
		}
	}
	if status, _, _ := do("POST", beta+"/admin/posts/alpha-post/cancel", url.Values{}, tok, nil); status != 404 {
		t.Errorf("beta's dashboard cancelling alpha's post: %d, want 404", status)
	}

	// Sign in through alpha's form, act on its replica.
	csrfRe := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	sessionOf := func(res *http.Response) *http.Cookie {
		t.Helper()
		for _, c := range res.Cookies() {
			if c.Name == "campaignkit_session" {
				return c
			}
		}
		t.Fatal("no session cookie")
		return nil
	}
	_, page, res := do("GET", alpha+"/admin", nil, "", nil)
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no sign-in form:\n%s", page)
	}
	status, _, res := do("POST", alpha+"/admin/login", url.Values{"csrf": {m[1]}, "token": {tok}}, "", sessionOf(res))
	if status != 303 {
		t.Fatalf("sign-in on alpha: %d", status)
	}
	cookie := sessionOf(res)
	_, page, _ = do("GET", alpha+"/admin", nil, "", cookie)
	if m = csrfRe.FindStringSubmatch(page); m == nil {
		t.Fatalf("no CSRF token on alpha's dashboard:\n%s", page)
	}
	if status, _, _ := do("POST", alpha2+"/admin/posts/alpha-post/cancel", url.Values{"csrf": {m[1]}}, "", cookie); status != 303 {
		t.Errorf("cancel on alpha's replica with the session from alpha: %d, want 303", status)
	}
	if p, _, err := st.Get(ctx, "alpha-post"); err != nil || p.State != queue.Cancelled {
		t.Errorf("alpha-post: %s, %v, want cancelled", p.State, err)
	}
	if status, _, _ := do("GET", beta+"/admin", nil, "", cookie); status != 200 {
		// beta shares the admin token, so it shares the session key too
		t.Errorf("alpha's session on beta: %d, want 200", status)
	}
}

// startServe runs `campaignkit serve` on a free loopback port until the
// test ends and returns its base URL.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	code := make(chan int, 1)
	stderr := newLogLines()
	go func() { // ends when ctx does, waited for in Cleanup
		code <- run(ctx, append([]string{"campaignkit", "serve", "--addr", "127.0.0.1:0"}, args...), pw, stderr)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if got := <-code; got != 130 {
			t.Errorf("serve %s: exit code %d after interrupt, want 130", filepath.Base(args[1]), got)
		}
	})
	addr := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/`)
	lines := bufio.NewScanner(pr)
	for lines.Scan() {
		if m := addr.FindStringSubmatch(lines.Text()); m != nil {
			go io.Copy(io.Discard, pr)
			return fmt.Sprintf("http://%s", m[1])
		}
	}
	t.Fatalf("serve did not say where it listens:\n%s", stderr)
	return ""
}
