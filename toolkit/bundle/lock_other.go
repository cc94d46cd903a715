//go:build !unix

package bundle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// lockFile takes a lock by creating the file at p exclusively, waiting
// while it exists, until ctx ends. Unlike the Unix lock it outlives a
// killed process: remove the file by hand after a crash.
func lockFile(ctx context.Context, p string, waiting func()) (unlock func(), err error) {
	told := false
	for {
		f, err := os.OpenFile(p+".held", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			f.Close()
			return func() { os.Remove(p + ".held") }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("lock: %w", err)
		}
		if !told && waiting != nil {
			waiting()
			told = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
