package main

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// TestJSONLogDurations: JSON logs give durations as seconds, a number log
// tools can compare, not as nanoseconds.
func TestJSONLogDurations(t *testing.T) {
	var b bytes.Buffer
	log, err := newLogger(&b, "json")
	if err != nil {
		t.Fatal(err)
	}
	log.Info("published", "id", "p1", "late", 1500*time.Millisecond)
	var line map[string]any
	if err := json.Unmarshal(b.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if got, ok := line["late"].(float64); !ok || got != 1.5 {
		t.Errorf("late: %v (%T), want 1.5 seconds", line["late"], line["late"])
	}
	if _, err := newLogger(&b, "xml"); err == nil {
		t.Error("an unknown format was accepted")
	}
}
