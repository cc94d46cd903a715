package theme

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

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
	p := path.Clean(name)
	if path.IsAbs(name) || strings.Contains(name, "\\") || p == ".." || strings.HasPrefix(p, "../") {
		return fmt.Sprintf("image path %q must be relative to the theme file and stay inside its folder", name)
	}
	data, err := toolkit.ReadFile(fsys, p, toolkit.MaxImageBytes)
	if err != nil {
		return fmt.Sprintf("cannot read %q beside the theme: %s", name, toolkit.Reason(err))
	}
	if _, _, err := toolkit.DecodeImage(data, toolkit.ImageLimits{MaxBytes: toolkit.MaxImageBytes}); err != nil {
		return fmt.Sprintf("%q: %v", name, err)
	}
	return ""
}
