// Package assets embeds the demo campaign (International Migrants Day 2026)
// and the built-in themes with their images.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed demo themes
var files embed.FS

// Demo is the demo campaign folder; its campaign file is DemoFile.
var Demo, _ = fs.Sub(files, "demo")

// DemoFile is the demo's campaign file inside Demo.
const DemoFile = "campaign.yaml"

// Themes is the built-in themes folder: <name>.yaml plus the images they name.
var Themes, _ = fs.Sub(files, "themes")
