//go:build !unix

package bundle

import "io/fs"

// identOf is "" where the system gives no inode: every reuse is hashed.
func identOf(st fs.FileInfo) string { return "" }
