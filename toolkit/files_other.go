//go:build !unix

package toolkit

// openFlags: no extra flags where named pipes do not live in folders.
const openFlags = 0
