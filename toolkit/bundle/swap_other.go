//go:build !linux

package bundle

// exchangeWorks is false where there is no atomic exchange of two folders:
// bundles are then swapped in by flipping a symbolic link (see swapByLink).
var exchangeWorks = false

func exchange(a, b string) error        { return errNoExchange }
func renameNoReplace(a, b string) error { return errNoExchange }
