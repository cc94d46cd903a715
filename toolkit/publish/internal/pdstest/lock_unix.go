//go:build unix

package pdstest

import (
	"os"
	"syscall"
)

// lockDir takes an exclusive lock beside dir, so that test binaries run in
// parallel by go test do not run npm ci into the same folder at once. The
// returned func releases it.
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
