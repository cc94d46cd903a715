package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/runner"
)

// TestRunPublishingSettings: the campaign's publishing: block reaches the
// runner `run` starts. With concurrency webhook: 2, one pass publishes two
// of five due webhook posts; with retry attempts: 1, a 500 is given up at
// once instead of retried (the default is 8 attempts).
func TestRunPublishingSettings(t *testing.T) {
	var calls atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "down for maintenance", http.StatusInternalServerError)
	}))
	defer hook.Close()
	t.Setenv("CAMPAIGNKIT_WEBHOOK_URL", hook.URL)
	t.Setenv("CAMPAIGNKIT_WEBHOOK_SECRET", "publishing-test-secret")
	for _, name := range []string{"CAMPAIGNKIT_MASTODON_SERVER", "CAMPAIGNKIT_BLUESKY_HANDLE", "CAMPAIGNKIT_WEBHOOK_SECRET_FILE"} {
		t.Setenv(name, "")
	}

	dir := t.TempDir()
	path := writeCampaign(t, dir, crashCampaign+"publishing:\n  retry: {base: 1s, attempts: 1}\n  concurrency: {webhook: 2}\n", nil)
	ctx := context.Background()
	lc, s, state, err := openQueue(ctx, path, filepath.Join(dir, "state"), "", true)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now()
	var posts []queue.Post
	for i := range 5 {
		p, err := runner.AdHoc(runner.AdHocPost{At: now.Add(-time.Second), Channel: "webhook", Lang: "en", Text: fmt.Sprintf("post %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		posts = append(posts, p)
	}
	if _, err := s.Enqueue(ctx, now, posts); err != nil {
		t.Fatal(err)
	}
	r, stopAlerts, err := newRunner(lc, s, state, slog.New(slog.NewTextHandler(io.Discard, nil)), runOptions{}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer stopAlerts()
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	r.Tick(ctx)
	r.Wait()

	got, err := s.List(ctx, queue.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var gaveUp, waiting int
	for _, p := range got {
		switch {
		case p.State == queue.Failed && p.Due.IsZero() && p.Attempts == 1:
			gaveUp++
		case p.State == queue.Planned && p.Attempts == 0:
			waiting++
		default:
			t.Errorf("post %s: %s after %d attempts, due %v", p.ID, p.State, p.Attempts, p.Due)
		}
	}
	if gaveUp != 2 || waiting != 3 || calls.Load() != 2 {
		t.Errorf("after one pass: %d given up, %d waiting, %d webhook calls; want 2 given up after one attempt (attempts: 1), 3 waiting, 2 calls (webhook: 2)",
			gaveUp, waiting, calls.Load())
	}
}
