package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/publish"
)

var t0 = time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)

func openStore(t testing.TB, file string) *SQLite {
	t.Helper()
	s, err := OpenSQLite(context.Background(), file)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newStore(t testing.TB) *SQLite {
	return openStore(t, filepath.Join(t.TempDir(), FileName))
}

func post(id string, at time.Time) Post {
	return Post{ID: id, Source: "test-day", Slot: "s", Channel: "outbox", Lang: "en", At: at, Local: at.Format("2006-01-02 15:04"), Zone: "UTC", Text: "text of " + id}
}

func TestEnqueueIdempotentAndInPlace(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	posts := []Post{post("a", t0), post("b", t0.Add(time.Hour)), post("c", t0.Add(2*time.Hour))}
	got, err := s.Enqueue(ctx, t0.Add(-time.Hour), posts)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Counts{Added: 3}); got != want {
		t.Errorf("first enqueue: got %+v, want %+v", got, want)
	}
	got, err = s.Enqueue(ctx, t0.Add(-time.Hour), posts)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Counts{Unchanged: 3}); got != want {
		t.Errorf("second enqueue: got %+v, want %+v", got, want)
	}
	// a is published; b is edited; c unchanged.
	claimed, err := s.Claim(ctx, "r1", t0, time.Minute, Any(1))
	if err != nil || len(claimed) != 1 || claimed[0].ID != "a" {
		t.Fatalf("claim: got %v, %v", claimed, err)
	}
	if err := s.Complete(ctx, "a", "r1", t0, publish.Result{RemoteID: "a"}); err != nil {
		t.Fatal(err)
	}
	edited := slices.Clone(posts)
	edited[0].Text = "edited a"
	edited[1].Text = "edited b"
	got, err = s.Enqueue(ctx, t0, edited)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Counts{Updated: 1, Unchanged: 1, Kept: 1}); got != want {
		t.Errorf("re-plan: got %+v, want %+v", got, want)
	}
	a, _, _ := s.Get(ctx, "a")
	b, _, _ := s.Get(ctx, "b")
	if a.Text != "text of a" || b.Text != "edited b" {
		t.Errorf("texts: got %q, %q, want the published one untouched and the waiting one edited", a.Text, b.Text)
	}
	all, _ := s.List(ctx, Filter{})
	if len(all) != 3 {
		t.Errorf("got %d posts, want 3", len(all))
	}
}

func TestSyncCancelsAndRevives(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	a, b := post("a", t0), post("b", t0.Add(time.Hour))
	adhoc := post("x", t0)
	adhoc.Source = AdHoc
	if _, err := s.Enqueue(ctx, t0, []Post{adhoc}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sync(ctx, t0, "test-day", []Post{a, b}); err != nil {
		t.Fatal(err)
	}
	// b moved to another time: a new ID, and the old one must not go out too.
	b2 := post("b2", t0.Add(90*time.Minute))
	got, err := s.Sync(ctx, t0, "test-day", []Post{a, b2})
	if err != nil {
		t.Fatal(err)
	}
	if want := (Counts{Added: 1, Unchanged: 1, Cancelled: 1}); got != want {
		t.Errorf("sync: got %+v, want %+v", got, want)
	}
	if p, _, _ := s.Get(ctx, "b"); p.State != Cancelled {
		t.Errorf("b: got %s, want cancelled", p.State)
	}
	if p, _, _ := s.Get(ctx, "x"); p.State != Planned {
		t.Errorf("ad-hoc post: got %s, want it untouched (planned)", p.State)
	}
	// The edit is undone: b comes back.
	got, err = s.Sync(ctx, t0, "test-day", []Post{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if want := (Counts{Updated: 1, Unchanged: 1, Cancelled: 1}); got != want {
		t.Errorf("sync back: got %+v, want %+v", got, want)
	}
	if p, _, _ := s.Get(ctx, "b"); p.State != Planned {
		t.Errorf("b: got %s, want planned again", p.State)
	}
	// An operator's cancel sticks.
	if err := s.Cancel(ctx, "a", t0, "by hand"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sync(ctx, t0, "test-day", []Post{a, b}); err != nil {
		t.Fatal(err)
	}
	if p, _, _ := s.Get(ctx, "a"); p.State != Cancelled {
		t.Errorf("a: got %s, want still cancelled", p.State)
	}
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, err := s.Enqueue(ctx, t0, []Post{post("p1", t0), post("p2", t0.Add(time.Hour))}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Claim(ctx, "r1", t0.Add(-time.Second), time.Minute, Any(10)); len(got) != 0 {
		t.Errorf("claim before due: got %d posts, want none", len(got))
	}
	got, err := s.Claim(ctx, "r1", t0, time.Minute, Any(10))
	if err != nil || len(got) != 1 || got[0].Attempts != 1 || got[0].State != Claimed {
		t.Fatalf("claim: got %+v, %v", got, err)
	}
	if err := s.Complete(ctx, "p1", "r2", t0, publish.Result{}); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("complete by another runner: got %v, want ErrLeaseLost", err)
	}
	retryAt := t0.Add(30 * time.Second)
	if err := s.Fail(ctx, "p1", "r1", t0, "HTTP 503", retryAt); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Claim(ctx, "r1", t0.Add(10*time.Second), time.Minute, Any(10)); len(got) != 0 {
		t.Errorf("claim before retry time: got %d, want none", len(got))
	}
	got, _ = s.Claim(ctx, "r1", retryAt, time.Minute, Any(10))
	if len(got) != 1 || got[0].Attempts != 2 || got[0].LastError != "HTTP 503" {
		t.Fatalf("retry claim: got %+v", got)
	}
	if err := s.Fail(ctx, "p1", "r1", retryAt, "HTTP 401", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Claim(ctx, "r1", t0.Add(24*time.Hour), time.Minute, Any(1)); len(got) != 1 || got[0].ID != "p2" {
		t.Errorf("a given-up post must not be claimed: got %+v", got)
	}
	p, attempts, err := s.Get(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if p.State != Failed || !p.Due.IsZero() || p.Waiting() {
		t.Errorf("given up: got state %s due %v", p.State, p.Due)
	}
	if len(attempts) != 2 || attempts[0].Error != "HTTP 503" || attempts[1].Error != "HTTP 401" || attempts[1].Outcome != "failed" {
		t.Errorf("attempts: got %+v", attempts)
	}
	if err := s.Retry(ctx, "p1", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Claim(ctx, "r1", t0.Add(time.Hour), time.Minute, Any(1))
	if len(got) != 1 || got[0].ID != "p1" || got[0].Attempts != 3 {
		t.Fatalf("after retry: got %+v", got)
	}
	if err := s.Complete(ctx, "p1", "r1", t0.Add(time.Hour), publish.Result{RemoteID: "42", URL: "https://example.org/42"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Retry(ctx, "p1", t0); !errors.Is(err, ErrState) {
		t.Errorf("retry a published post: got %v, want ErrState", err)
	}
	if err := s.Cancel(ctx, "p1", t0, ""); !errors.Is(err, ErrState) {
		t.Errorf("cancel a published post: got %v, want ErrState", err)
	}
	if err := s.Cancel(ctx, "nope", t0, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("cancel unknown: got %v, want ErrNotFound", err)
	}
	p, _, _ = s.Get(ctx, "p1")
	if p.State != Published || p.RemoteID != "42" || p.LeaseOwner != "" {
		t.Errorf("published: got %+v", p)
	}
}

func TestMissed(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, err := s.Enqueue(ctx, t0, []Post{post("old", t0), post("claimed", t0)}); err != nil {
		t.Fatal(err)
	}
	late, _ := s.List(ctx, Filter{DueBefore: t0.Add(time.Second)})
	if len(late) != 2 {
		t.Fatalf("due before: got %d, want 2", len(late))
	}
	if err := s.MarkMissed(ctx, "old", "", t0.Add(time.Hour), "runner was down"); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Claim(ctx, "r1", t0.Add(time.Hour), time.Minute, Any(5))
	if len(got) != 1 || got[0].ID != "claimed" {
		t.Fatalf("claim: got %+v", got)
	}
	if err := s.MarkMissed(ctx, "claimed", "r1", t0.Add(time.Hour), "too late"); err != nil {
		t.Fatal(err)
	}
	p, attempts, _ := s.Get(ctx, "claimed")
	if p.State != Missed || p.Attempts != 0 || len(attempts) != 0 || p.Reason != "too late" {
		t.Errorf("missed after claim: got %+v, %+v", p, attempts)
	}
	if err := s.MarkMissed(ctx, "claimed", "", t0, "again"); !errors.Is(err, ErrState) {
		t.Errorf("mark missed twice: got %v, want ErrState", err)
	}
}

func TestLeaseExpiry(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, err := s.Enqueue(ctx, t0, []Post{post("p", t0)}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Claim(ctx, "crashed", t0, time.Minute, Any(1)); len(got) != 1 {
		t.Fatal("claim failed")
	}
	if got, _ := s.ReleaseExpired(ctx, t0.Add(30*time.Second)); len(got) != 0 {
		t.Errorf("release before expiry: got %d, want 0", len(got))
	}
	if err := s.Extend(ctx, "p", "crashed", t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ReleaseExpired(ctx, t0.Add(90*time.Second)); len(got) != 0 {
		t.Errorf("release within an extended lease: got %d, want 0", len(got))
	}
	got, err := s.ReleaseExpired(ctx, t0.Add(3*time.Minute))
	if err != nil || len(got) != 1 {
		t.Fatalf("release expired: got %d, %v", len(got), err)
	}
	again, _ := s.Claim(ctx, "r2", t0.Add(3*time.Minute), time.Minute, Any(1))
	if len(again) != 1 || again[0].Attempts != 2 {
		t.Fatalf("claim after expiry: got %+v", again)
	}
	if err := s.Complete(ctx, "p", "crashed", t0, publish.Result{}); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("late complete by the old owner: got %v, want ErrLeaseLost", err)
	}
	_, attempts, _ := s.Get(ctx, "p")
	if len(attempts) != 2 || attempts[0].Outcome != "interrupted" {
		t.Errorf("attempts: got %+v", attempts)
	}
}

// TestConcurrentClaimers runs two stores on one file, as two runners would,
// and checks that no post is claimed twice.
func TestConcurrentClaimers(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), FileName)
	s1, s2 := openStore(t, file), openStore(t, file)
	const n = 200
	var posts []Post
	for i := range n {
		posts = append(posts, post(fmt.Sprintf("p%03d", i), t0.Add(time.Duration(i)*time.Millisecond)))
	}
	if _, err := s1.Enqueue(ctx, t0, posts); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	claims := map[string]string{}
	var wg sync.WaitGroup
	for w := range 6 {
		store := []*SQLite{s1, s2}[w%2]
		owner := fmt.Sprintf("runner-%d", w)
		wg.Go(func() {
			for {
				got, err := store.Claim(ctx, owner, t0.Add(time.Second), time.Minute, Any(1+w%3))
				if err != nil {
					t.Errorf("%s: %v", owner, err)
					return
				}
				if len(got) == 0 {
					return
				}
				for _, p := range got {
					mu.Lock()
					if prev, dup := claims[p.ID]; dup {
						t.Errorf("post %s claimed by %s and %s", p.ID, prev, owner)
					}
					claims[p.ID] = owner
					mu.Unlock()
					if err := store.Complete(ctx, p.ID, owner, t0, publish.Result{}); err != nil {
						t.Errorf("complete %s: %v", p.ID, err)
					}
				}
			}
		})
	}
	wg.Wait()
	if len(claims) != n {
		t.Errorf("got %d posts claimed, want %d", len(claims), n)
	}
}

// TestMigrateV1 opens a store written with the first schema, by hand, and
// checks it is brought forward with its posts intact.
func TestMigrateV1(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), FileName)
	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE schema_version (version INTEGER NOT NULL)`,
		`INSERT INTO schema_version (version) VALUES (1)`,
		`CREATE TABLE posts (id TEXT PRIMARY KEY, channel TEXT NOT NULL, lang TEXT NOT NULL, at INTEGER NOT NULL,
			text TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '')`,
		`CREATE INDEX posts_state_at ON posts(state, at)`,
		fmt.Sprintf(`INSERT INTO posts VALUES ('old-planned', 'mastodon', 'fr', %d, 'Bonjour', 'planned', 0, '')`, t0.UnixMilli()),
		fmt.Sprintf(`INSERT INTO posts VALUES ('old-done', 'outbox', 'en', %d, 'Hello', 'published', 1, '')`, t0.UnixMilli()),
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("v1 schema: %v", err)
		}
	}
	db.Close()

	s := openStore(t, file)
	var v int
	if err := s.db.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil || v != SchemaVersion {
		t.Fatalf("schema version: got %d, %v, want %d", v, err, SchemaVersion)
	}
	p, _, err := s.Get(ctx, "old-planned")
	if err != nil {
		t.Fatal(err)
	}
	if p.Text != "Bonjour" || p.Lang != "fr" || !p.At.Equal(t0) || !p.Due.Equal(t0) || p.State != Planned || p.Source != AdHoc {
		t.Errorf("migrated post: got %+v", p)
	}
	got, err := s.Claim(ctx, "r", t0, time.Minute, Any(5))
	if err != nil || len(got) != 1 || got[0].ID != "old-planned" {
		t.Errorf("claim after migration: got %+v, %v", got, err)
	}
	s.Close()
	// Opening again is a no-op.
	s2 := openStore(t, file)
	if all, _ := s2.List(ctx, Filter{}); len(all) != 2 {
		t.Errorf("after reopening: got %d posts, want 2", len(all))
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	file := filepath.Join(t.TempDir(), FileName)
	s := openStore(t, file)
	if _, err := s.db.Exec(`UPDATE schema_version SET version = 99`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := OpenSQLite(context.Background(), file)
	if err == nil || !strings.Contains(err.Error(), "schema version 99, newer than") {
		t.Errorf("got %v, want a refusal naming version 99", err)
	}
}

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		data func() []byte
		want string
	}{
		{"text file", func() []byte { return []byte("this is my shopping list\n") }, "not an SQLite database"},
		{"damaged database", func() []byte {
			file := filepath.Join(dir, "good.db")
			s := openStore(t, file)
			var posts []Post
			for i := range 500 {
				posts = append(posts, post(fmt.Sprintf("post-%04d", i), t0))
			}
			if _, err := s.Enqueue(context.Background(), t0, posts); err != nil {
				t.Fatal(err)
			}
			s.Close()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for i := 4096 + 100; i < len(data) && i < 4096*6; i++ {
				data[i] = 0xA5
			}
			return data
		}, "cannot use this queue store"},
		{"foreign database", func() []byte {
			file := filepath.Join(dir, "other.db")
			db, err := sql.Open("sqlite", file)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(`CREATE TABLE recipes (name TEXT)`); err != nil {
				t.Fatal(err)
			}
			db.Close()
			data, _ := os.ReadFile(file)
			return data
		}, "other tables"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, tt.name+".db")
			data := tt.data()
			if err := os.WriteFile(file, data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := OpenSQLite(context.Background(), file)
			if !toolkit.IsInvalid(err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an invalid-input error containing %q", err, tt.want)
			}
			after, _ := os.ReadFile(file)
			if string(after) != string(data) {
				t.Error("the bad file was changed")
			}
		})
	}
}

func TestPause(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, err := s.Enqueue(ctx, t0, []Post{post("p", t0)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Pause(ctx, t0, "sad news"); err != nil {
		t.Fatal(err)
	}
	if err := s.Pause(ctx, t0.Add(time.Hour), "again"); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Paused(ctx); err != nil || !p.On || p.Reason != "sad news" || !p.Since.Equal(t0) {
		t.Errorf("paused: got %+v, %v, want the first pause", p, err)
	}
	if got, _ := s.Claim(ctx, "r", t0, time.Minute, Any(5)); len(got) != 0 {
		t.Errorf("claim while paused: got %d posts, want none", len(got))
	}
	if err := s.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Paused(ctx); p.On {
		t.Error("still paused after Resume")
	}
	if got, _ := s.Claim(ctx, "r", t0, time.Minute, Any(5)); len(got) != 1 {
		t.Errorf("claim after resume: got %d posts, want 1", len(got))
	}
}
