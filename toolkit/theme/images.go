package theme

import (
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/campaignkit/campaignkit/toolkit"
)

// errUnreadable marks a theme file that exists but cannot be used (a pipe,
// a folder, outside the folder, too big): the caller reports it where the
// theme is named.
var errUnreadable = errors.New("unreadable theme file")

// IsUnreadable reports whether err is Load refusing the theme file itself.
func IsUnreadable(err error) bool { return errors.Is(err, errUnreadable) }

// checkImage checks a background image named in a theme: beside the
// theme, a regular file of at most toolkit.MaxImageBytes, decoding
// completely (damaged data is found now, not while drawing). It returns
// what is wrong, "" when nothing is.
func checkImage(fsys fs.FS, name string) string {
	if !toolkit.LocalPath(name) {
		return fmt.Sprintf("image path %q must be relative to the theme file and stay inside its folder", name)
	}
	_, err := toolkit.LoadImage(fsys, path.Clean(name))
	var fe *toolkit.FileError
	switch {
	case errors.As(err, &fe):
		return fmt.Sprintf("cannot read %q beside the theme: %s", name, toolkit.Reason(err))
	case err != nil:
		return fmt.Sprintf("%q: %v", name, err)
	}
	return ""
}
