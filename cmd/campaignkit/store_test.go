package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/toolkit/queue"
)

func TestParseStore(t *testing.T) {
	tests := []struct {
		store    string
		wantURL  string
		wantFile string
		wantErr  string
	}{
		{"", "", filepath.Join("state", "queue.db"), ""},
		{"sqlite:/var/lib/ck/queue.db", "sqlite:/var/lib/ck/queue.db", "/var/lib/ck/queue.db", ""},
		{"sqlite:rel/q.db", "sqlite:rel/q.db", "rel/q.db", ""},
		{"sqlite:", "", "", "name the file"},
		{"postgres://ck:pw@db.example.org/campaigns", "postgres://ck:pw@db.example.org/campaigns", "", ""},
		{"postgresql://db.example.org/campaigns?sslmode=require", "postgresql://db.example.org/campaigns?sslmode=require", "", ""},
		{"mysql://ck:hunter2@db/campaigns", "", "", "want postgres://"},
		{"queue.db", "", "", "want postgres://"},
	}
	for _, tt := range tests {
		got, err := parseStore(tt.store, "state")
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("%q: got %+v, %v, want an error containing %q and no password", tt.store, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got.url != tt.wantURL || got.file != tt.wantFile {
			t.Errorf("%q: got %+v, %v, want url %q file %q", tt.store, got, err, tt.wantURL, tt.wantFile)
		}
	}
}

// TestStoreFlag keeps the queue in a file named by --store (and by
// CAMPAIGNKIT_STORE), not in the state folder, and migrates it.
func TestStoreFlag(t *testing.T) {
	dir := t.TempDir()
	path := writeCampaign(t, dir, schedCampaign, nil)
	state := filepath.Join(dir, "state")
	file := filepath.Join(dir, "elsewhere", "q.db")
	store := "sqlite:" + file
	if code, _, errs := runCLI(t, "migrate", "-c", path, "--store", store); code != 2 || !strings.Contains(errs, "nothing to migrate") {
		t.Errorf("migrate before any queue: exit %d, %s", code, errs)
	}
	add := []string{"queue", "add", "-c", path, "--state", state, "--store", store, "--at", "2026-12-15 10:30", "--channel", "outbox", "--text", "Join us"}
	if code, out, errs := runCLI(t, add...); code != 0 {
		t.Fatalf("add: exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(file); err != nil {
		t.Errorf("the store named by --store: %v", err)
	}
	if _, err := os.Stat(filepath.Join(state, "queue.db")); err == nil {
		t.Error("a queue.db was made in the state folder too")
	}
	t.Setenv(storeEnv, store)
	code, out, errs := runCLI(t, "queue", "list", "-c", path, "--state", state, "--json")
	var posts []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &posts) != nil || len(posts) != 1 {
		t.Errorf("list through %s: exit %d\n%s%s", storeEnv, code, out, errs)
	}
	if code, out, errs := runCLI(t, "migrate", "-c", path); code != 0 || !strings.Contains(out, "up to date") || !strings.Contains(out, file) {
		t.Errorf("migrate: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "queue", "list", "-c", path, "--store", "mysql://u:hunter2@db/x"); code != 2 || strings.Contains(errs, "hunter2") {
		t.Errorf("unknown store: exit %d, %s", code, errs)
	}
}

// openTestStore opens the queue a command given --store spec (empty: the
// SQLite file) and --state state would use, making it if missing, as
// `campaignkit run` does; it is closed when the test ends.
func openTestStore(t *testing.T, spec, state string) queue.Store {
	t.Helper()
	at, err := parseStore(spec, state)
	if err != nil {
		t.Fatal(err)
	}
	store, err := openStore(context.Background(), at, state, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}
