//go:build !unix

package pdstest

// lockDir does nothing where flock is missing: run one install at a time.
func lockDir(string) (func(), error) { return func() {}, nil }
