package bundle

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// exchangeWorks says whether to try renameat2(RENAME_EXCHANGE) at all;
// tests turn it off to run the fallback.
var exchangeWorks = true

// exchange swaps two folders in one atomic step.
func exchange(a, b string) error {
	return renameat2(a, b, unix.RENAME_EXCHANGE)
}

// renameNoReplace renames a to b unless b exists.
func renameNoReplace(a, b string) error {
	return renameat2(a, b, unix.RENAME_NOREPLACE)
}

func renameat2(a, b string, flags uint) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, flags)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EOPNOTSUPP):
		// an old kernel, or a file system (some network ones) without it
		return errNoExchange
	}
	return &os.LinkError{Op: "renameat2", Old: a, New: b, Err: err}
}
