package intent

import (
	"os"
	"testing"
	"time"
)

// A post the X or Meta publishers journaled before they shared this
// journal must read as out, or as sent, never as unknown.
func TestLoadOldRecords(t *testing.T) {
	dir := t.TempDir()
	j := New(dir)
	tests := []struct {
		post, file string
		want       Record
	}{
		{"x1", `{"post_id":"x1","state":"done","intent_at":"2026-12-18T09:00:00Z","tweet_id":"1799"}`,
			Record{PostID: "x1", State: Done, RemoteID: "1799"}},
		{"ig1", `{"post_id":"ig1","state":"container","intent_at":"2026-12-18T09:00:00Z","container_id":"c7"}`,
			Record{PostID: "ig1", State: Prepared, Container: "c7"}},
		{"ig2", `{"post_id":"ig2","state":"publishing","intent_at":"2026-12-18T09:00:00Z","container_id":"c8"}`,
			Record{PostID: "ig2", State: Sending, Container: "c8"}},
	}
	for _, tt := range tests {
		if err := os.WriteFile(j.path(tt.post), []byte(tt.file), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := j.Load(tt.post)
		if err != nil || got.PostID != tt.want.PostID || got.State != tt.want.State || got.RemoteID != tt.want.RemoteID || got.Container != tt.want.Container {
			t.Errorf("Load(%s) = %+v, %v; want %+v", tt.post, got, err, tt.want)
		}
	}
}

func TestSinceAndMayExist(t *testing.T) {
	at := time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		rec     Record
		attempt int
		since   time.Time
		may     bool
	}{
		{"first attempt, nothing journaled", Record{}, 1, at.Add(-time.Hour), false},
		{"runner's retry", Record{}, 2, at.Add(-time.Hour), true},
		{"intent two hours early", Record{State: Sending, IntentAt: at.Add(-2 * time.Hour)}, 1, at.Add(-2*time.Hour - time.Minute), true},
		{"intent after the planned time", Record{State: Sending, IntentAt: at.Add(time.Minute)}, 1, at.Add(-time.Hour), true},
	}
	for _, tt := range tests {
		if got := tt.rec.Since(at); !got.Equal(tt.since) {
			t.Errorf("%s: Since = %s, want %s", tt.name, got, tt.since)
		}
		if got := tt.rec.MayExist(tt.attempt); got != tt.may {
			t.Errorf("%s: MayExist = %v, want %v", tt.name, got, tt.may)
		}
	}
}
