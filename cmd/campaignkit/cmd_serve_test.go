package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
)

// TestServe runs the real command on a free loopback port with a queue in
// its state folder, uses the page and the dashboard, and stops it.
func TestServe(t *testing.T) {
	state := t.TempDir()
	ctx := context.Background()
	st, err := queue.OpenSQLite(ctx, filepath.Join(state, queue.FileName))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 18, 8, 0, 0, 0, time.UTC)
	if _, err := st.Enqueue(ctx, at.Add(-time.Hour), []queue.Post{{
		ID: "post-one", Source: "migrants-day-2026", Slot: "post:one", Channel: "mastodon", Lang: "en",
		At: at, Local: "2026-12-18 09:00", Zone: "Europe/Zurich", Card: "quote-guterres", Text: "Hello",
	}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	t.Setenv(adminTokenEnv, "tok-123")

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"campaignkit", "serve", "--addr", "127.0.0.1:0", "--state", state}, pw, io.Discard)
		pw.Close()
	}()
	addr := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/`)
	lines := bufio.NewScanner(pr)
	var base string
	for lines.Scan() {
		if m := addr.FindStringSubmatch(lines.Text()); m != nil {
			base = "http://" + m[1]
			break
		}
	}
	if base == "" {
		t.Fatalf("serve did not say where it listens")
	}
	go io.Copy(io.Discard, pr)

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cases := []struct {
		name, method, path, auth string
		want                     int
		inBody                   string
	}{
		{"toolkit page", "GET", "/", "", 200, "International Migrants Day"},
		{"arabic page", "GET", "/?lang=ar", "", 200, `dir="rtl"`},
		{"dashboard without token", "GET", "/admin", "", 401, "Admin token"},
		{"dashboard", "GET", "/admin", "Bearer tok-123", 200, "post-one"},
		{"cancel", "POST", "/admin/posts/post-one/cancel", "Bearer tok-123", 303, ""},
		{"cancelled", "GET", "/admin", "Bearer tok-123", 200, "cancelled"},
		{"unknown post", "POST", "/admin/posts/nothing/cancel", "Bearer tok-123", 404, ""},
		{"pause", "POST", "/admin/pause", "Bearer tok-123", 303, ""},
		{"paused", "GET", "/admin", "Bearer tok-123", 200, "Resume publishing"},
		{"resume", "POST", "/admin/resume", "Bearer tok-123", 303, ""},
		{"running", "GET", "/admin", "Bearer tok-123", 200, "Pause publishing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, base+c.path, nil)
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			res, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != c.want || !strings.Contains(string(body), c.inBody) {
				t.Errorf("status %d (want %d), body has %q: %v", res.StatusCode, c.want, c.inBody, strings.Contains(string(body), c.inBody))
			}
			if strings.Contains(string(body), "tok-123") {
				t.Error("the admin token appears in a page")
			}
		})
	}
	cancel()
	if got := <-code; got != 130 {
		t.Errorf("exit code %d after interrupt, want 130", got)
	}
}
