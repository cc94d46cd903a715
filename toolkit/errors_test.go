package toolkit

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestProblemString(t *testing.T) {
	for _, tc := range []struct {
		p    Problem
		want string
	}{
		{Problem{File: "c.yaml", Line: 4, Field: "cards[0].id", Msg: "too long"}, "c.yaml:4: cards[0].id: too long"},
		{Problem{File: "c.yaml", Field: "theme", Msg: "unknown"}, "c.yaml: theme: unknown"},
		{Problem{Field: "--preset", Msg: "unknown preset"}, "--preset: unknown preset"},
		{Problem{Msg: "bare"}, "bare"},
		{Problem{File: "c.yaml", Line: 9, Msg: "pending", Warning: true}, "warning: c.yaml:9: pending"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

// TestProblemsErr: no problems is no error; several are listed in one
// order whatever order they were found in, each once.
func TestProblemsErr(t *testing.T) {
	ps := &Problems{File: "c.yaml"}
	if ps.Err() != nil || ps.Len() != 0 {
		t.Fatal("an empty list is an error")
	}
	ps.Add(12, "b", "second")
	ps.Add(3, "z", "first")
	ps.Add(12, "a", "between")
	ps.Append(Problem{File: "a.yaml", Line: 40, Msg: "another file"})
	if !ps.Has("z") || ps.Has("y") {
		t.Error("Has")
	}
	err := ps.Err()
	if !IsInvalid(err) || !IsInvalid(fmt.Errorf("wrapped: %w", err)) || IsInvalid(errors.New("plain")) {
		t.Fatal("IsInvalid")
	}
	want := "4 problems:\n  a.yaml:40: another file\n  c.yaml:3: z: first\n  c.yaml:12: a: between\n  c.yaml:12: b: second"
	if got := err.Error(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := Invalid("c.yaml", 2, "slug", "want %s", "dashes").Error(); got != "c.yaml:2: slug: want dashes" {
		t.Errorf("one problem: %q", got)
	}
	if strings.Contains(Invalid("", 0, "-o", "x").Error(), "problems") {
		t.Error("a single problem is counted")
	}
}
