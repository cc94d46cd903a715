package queue_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/queue/queuetest"
)

func openSQLite(t *testing.T, file string) *queue.SQLite {
	t.Helper()
	s, err := queue.OpenSQLite(context.Background(), file)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSQLiteConformance(t *testing.T) {
	queuetest.Run(t, func(t *testing.T) queue.Store {
		return openSQLite(t, filepath.Join(t.TempDir(), queue.FileName))
	})
}

// TestSQLiteTwoHandles runs two stores on one file, as two runner
// processes would, and checks that no post is claimed twice.
func TestSQLiteTwoHandles(t *testing.T) {
	file := filepath.Join(t.TempDir(), queue.FileName)
	s1, s2 := openSQLite(t, file), openSQLite(t, file)
	const n = 200
	var posts []queue.Post
	for i := range n {
		posts = append(posts, queuetest.Post(fmt.Sprintf("p%03d", i), queuetest.T0.Add(time.Duration(i)*time.Millisecond)))
	}
	if _, err := s1.Enqueue(t.Context(), queuetest.T0, posts); err != nil {
		t.Fatal(err)
	}
	claims := queuetest.ClaimAll(t, []queue.Store{s1, s2}, 6, queuetest.T0.Add(time.Second))
	if len(claims) != n {
		t.Errorf("got %d posts claimed, want %d", len(claims), n)
	}
}
