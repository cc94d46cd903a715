package toolkit

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a user's input: where it is (file, line,
// field path) and what to do about it.
type Problem struct {
	File  string // file name as the user knows it, e.g. "campaign.yaml"
	Line  int    // 1-based; 0 when unknown
	Field string // field path, e.g. "cards[2].quote.fr"
	Msg   string // what is wrong and what is allowed
	// Warning marks something worth fixing that does not stop a build
	// (a language still being translated, a faint logo): lint lists it
	// and still exits 0.
	Warning bool
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Warning {
		b.WriteString("warning: ")
	}
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// InvalidError reports input that cannot be used, with every problem found,
// not only the first. The command line exits with code 2 for it.
type InvalidError struct {
	Problems []Problem
}

func (e *InvalidError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Problems collects problems while a file is checked.
type Problems struct {
	File string
	list []Problem
}

// Add records a problem at line and field.
func (ps *Problems) Add(line int, field, format string, args ...any) {
	ps.list = append(ps.list, Problem{File: ps.File, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Append records problems found elsewhere (another file, another checker).
func (ps *Problems) Append(more ...Problem) { ps.list = append(ps.list, more...) }

// Has reports whether a problem was recorded at field, so that a later
// check need not report again a value the decoder already refused.
func (ps *Problems) Has(field string) bool {
	for _, p := range ps.list {
		if p.Field == field {
			return true
		}
	}
	return false
}

// Len reports how many problems were recorded.
func (ps *Problems) Len() int { return len(ps.list) }

// Err returns nil when nothing was recorded, else an *InvalidError with the
// problems sorted by file, line, field and message.
func (ps *Problems) Err() error {
	if len(ps.list) == 0 {
		return nil
	}
	list := append([]Problem(nil), ps.list...)
	SortProblems(list)
	return &InvalidError{Problems: list}
}

// SortProblems puts problems in the one order every report uses: by file,
// line, field and message, so the same input always lists them alike.
func SortProblems(list []Problem) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		switch {
		case a.File != b.File:
			return a.File < b.File
		case a.Line != b.Line:
			return a.Line < b.Line
		case a.Field != b.Field:
			return a.Field < b.Field
		}
		return a.Msg < b.Msg
	})
}

// Invalid returns an *InvalidError with a single problem.
func Invalid(file string, line int, field, format string, args ...any) error {
	return &InvalidError{Problems: []Problem{{File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)}}}
}

// IsInvalid reports whether err is, or wraps, an *InvalidError.
func IsInvalid(err error) bool {
	var ie *InvalidError
	return errors.As(err, &ie)
}
