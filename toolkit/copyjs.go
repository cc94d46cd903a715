package toolkit

import _ "embed"

// CopyJS is a script defining copyText(source, done): the one way the
// toolkit page and the bundle's index page copy a caption, falling back
// to selecting it where the clipboard may not be used.
//
//go:embed copy.js
var CopyJS string
