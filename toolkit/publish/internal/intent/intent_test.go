package intent

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestJournal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "j")
	at := time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)
	if err := New(dir).Save(Record{PostID: "p1", State: Prepared, IntentAt: at, Container: "c1"}); err != nil {
		t.Fatal(err)
	}
	// a new process reads what the first wrote
	r, err := New(dir).Load("p1")
	if err != nil || r.State != Prepared || r.Container != "c1" || !r.IntentAt.Equal(at) {
		t.Errorf("Load: got %+v, %v", r, err)
	}
	if r, _ := New(dir).Load("p2"); r.State != "" {
		t.Errorf("Load of an unknown post: got state %q, want none", r.State)
	}
	j := New(dir)
	os.WriteFile(j.path("p3"), []byte("{garbage"), 0o600)
	if r, _ := j.Load("p3"); r.State != Sending {
		t.Errorf("Load of a damaged record: got %q, want %q", r.State, Sending)
	}
	var mem Journal
	mem.Save(Record{PostID: "m", State: Done, RemoteID: "x"})
	if r, _ := mem.Load("m"); r.RemoteID != "x" {
		t.Errorf("memory journal: got %+v", r)
	}
}
