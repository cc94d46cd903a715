//go:build unix

package pdstest

import (
	"os"
	"syscall"
)

// lockDir takes an exclusive lock beside dir, so that two installs run at
// once (two checkouts sharing the cache) do not run npm ci into the same
// folder together. The returned func releases it.
func lockDir(dir string) (func(), error) {
	f, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
