//go:build !unix

package pdstest

// lockDir does nothing where flock is missing; run the install once first.
func lockDir(string) (func(), error) { return func() {}, nil }
