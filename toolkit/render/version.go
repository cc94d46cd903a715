package render

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/campaignkit/campaignkit/toolkit/i18n"
	"github.com/campaignkit/campaignkit/toolkit/text"
)

// Version names the drawing code's output. Bump it in any change that can
// alter a pixel of a card drawn from the same input (layout, colours,
// encoding); TestVersionFollowsPixels fails when the golden images change
// and it was not bumped. Caches key on it, not on the executable, so the same code
// run with `go run` or `go build`, or rebuilt unchanged, reuses what it drew.
const Version = "2026-12-02.5"

// pixelModules are the modules whose code draws or encodes pixels: an
// upgrade of any of them may change the output.
var pixelModules = []string{
	"github.com/fogleman/gg",
	"github.com/golang/freetype",
	"golang.org/x/image",
	"github.com/go-text/typesetting",
	"golang.org/x/text",
	"github.com/klauspost/compress",
}

// Fingerprint identifies everything besides a card's own input that
// decides its pixels and bytes: Version, the Go release (image/png and
// compress/flate are part of the output), the versions of the drawing
// modules, the embedded fonts and the CLDR release dates are written from.
var Fingerprint = sync.OnceValue(func() string {
	h := sha256.New()
	fmt.Fprintf(h, "render %s\ngo %s\nfonts %s\ncldr %s\n", Version, runtime.Version(), text.FontsFingerprint(), i18n.CLDRVersion)
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range bi.Deps {
			for _, m := range pixelModules {
				if dep.Path == m {
					v := dep.Version
					if dep.Replace != nil {
						v = dep.Replace.Path + "@" + dep.Replace.Version
					}
					fmt.Fprintf(h, "%s %s\n", m, v)
				}
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
})
