package main

import (
	"path/filepath"
	"strings"
	"testing"
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
