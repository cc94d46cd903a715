// Package fonts embeds the OFL-licensed font files campaignkit draws with,
// colour emoji (Noto Color Emoji) included.
//
// The files are parsed by toolkit/text; this package only carries the bytes so
// that a built binary needs no system fonts.
package fonts

import "embed"

// FS holds the font files and their licence.
//
//go:embed *.ttf *.ttc OFL.txt
var FS embed.FS

// CJKFaceIndex is the index of the Simplified Chinese face inside the Noto
// Sans CJK collections.
const CJKFaceIndex = 2
