package queue

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
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

func post(id string, at time.Time) Post {
	return Post{ID: id, Source: "test-day", Slot: "s", Channel: "outbox", Lang: "en", At: at, Local: at.Format("2006-01-02 15:04"), Zone: "UTC", Text: "text of " + id}
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

	if from, err := MigrateSQLite(ctx, file); err != nil || from != 1 {
		t.Fatalf("migrate: got from %d, %v, want 1", from, err)
	}
	if from, err := MigrateSQLite(ctx, file); err != nil || from != SchemaVersion {
		t.Fatalf("migrate again: got from %d, %v, want %d", from, err, SchemaVersion)
	}
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
	if err := s.SignOut(ctx, "session", t0, t0.Add(time.Hour)); err != nil {
		t.Errorf("sign out after migration: %v", err)
	}
	if out, err := s.SignedOut(ctx, "session"); err != nil || !out {
		t.Errorf("signed out after migration: got %v, %v, want true", out, err)
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
