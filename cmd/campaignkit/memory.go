package main

import (
	"os"
	"runtime/debug"
)

// Soft memory limits of the batch commands. A build's working set is the
// parsed fonts, a few scaled photos and one canvas per core (about 140 MB
// for the demo), while it makes gigabytes of short-lived garbage; by
// default Go lets the heap grow to twice the working set before
// collecting, which more than doubles what the process holds for no gain
// in speed. The limit is soft: a campaign whose working set is larger
// still builds, with the collector running more often.
const (
	buildMemoryLimit = 160 << 20
	lintMemoryLimit  = 96 << 20
)

// softMemoryLimit sets the Go runtime's soft memory limit to n bytes,
// unless GOMEMLIMIT or GOGC says how the user wants memory managed, and
// returns a function restoring the previous limit.
func softMemoryLimit(n int64) (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return func() {}
	}
	prev := debug.SetMemoryLimit(n)
	return func() { debug.SetMemoryLimit(prev) }
}
