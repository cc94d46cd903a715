package toolkit

import (
	"fmt"
	"sort"
	"strings"
)

// Format is the file format a preset is encoded in.
type Format string

// The image formats cards are written in.
const (
	PNG  Format = "png"
	JPEG Format = "jpg"
)

// Insets are margins in pixels from each edge of a canvas.
type Insets struct{ Top, Right, Bottom, Left int }

// Preset is a platform image size: its pixels, encoding, byte limit and the
// area the platform's own interface leaves uncovered.
type Preset struct {
	Name     string
	Platform string
	Width    int
	Height   int
	Format   Format
	MaxBytes int    // 0: no limit beyond the platform's generous one
	Safe     Insets // where the platform draws its own UI over the image
	// View is the width, in CSS pixels, at which the platform shows the
	// image in a phone's feed (a 390 px wide screen): full width, or less
	// where the post is indented beside the avatar. Text sizes are
	// floored against it (see TextFloor).
	View int
	Note string
}

// TextFloor is the smallest size, in canvas pixels, at which text on p
// stays readable: 1.5% of the width the image is shown at, which is 18 px
// on a 1200 px image shown across a phone, 16 px on a 1080 px square and
// 29 px on a 1600 px X image shown beside the avatar.
func (p Preset) TextFloor() float64 {
	view := p.View
	if view <= 0 {
		view = 390
	}
	return 0.015 * float64(p.Width) * 390 / float64(view)
}

// Ext is the file extension (without dot) for the preset's format.
func (p Preset) Ext() string { return string(p.Format) }

// Presets lists the built-in size presets, in a stable order.
var Presets = []Preset{
	{Name: "instagram-square", View: 390, Platform: "instagram", Width: 1080, Height: 1080, Format: PNG, MaxBytes: 8 << 20, Note: "feed post, 1:1"},
	{Name: "instagram-portrait", View: 390, Platform: "instagram", Width: 1080, Height: 1350, Format: PNG, MaxBytes: 8 << 20, Note: "feed post, 4:5"},
	// Stories: the profile bar covers the top ~250 px and the reply bar the bottom ~340 px.
	{Name: "story", View: 390, Platform: "instagram", Width: 1080, Height: 1920, Format: PNG, MaxBytes: 8 << 20, Safe: Insets{Top: 250, Bottom: 340}, Note: "stories and reels, 9:16"},
	{Name: "x", View: 320, Platform: "x", Width: 1600, Height: 900, Format: PNG, MaxBytes: 5 << 20, Note: "in-stream image, 16:9"},
	{Name: "facebook", View: 390, Platform: "facebook", Width: 1200, Height: 630, Format: PNG, MaxBytes: 8 << 20, Note: "link and feed image"},
	{Name: "linkedin", View: 390, Platform: "linkedin", Width: 1200, Height: 627, Format: PNG, MaxBytes: 8 << 20, Note: "shared image"},
	{Name: "bluesky", View: 320, Platform: "bluesky", Width: 1200, Height: 675, Format: JPEG, MaxBytes: 1_000_000, Note: "JPEG, the PDS refuses blobs of 1,000,000 bytes or more"},
	// og shares facebook's canvas, and its bytes: same View.
	{Name: "og", View: 390, Platform: "web", Width: 1200, Height: 630, Format: PNG, MaxBytes: 5 << 20, Note: "Open Graph preview for links"},
}

// PresetByName finds a preset; the error lists the valid names.
func PresetByName(name string) (Preset, error) {
	for _, p := range Presets {
		if p.Name == name {
			return p, nil
		}
	}
	return Preset{}, fmt.Errorf("unknown preset %q (choose one of %s)", name, strings.Join(PresetNames(), ", "))
}

// PresetNames returns the preset names in their listed order.
func PresetNames() []string {
	names := make([]string, len(Presets))
	for i, p := range Presets {
		names[i] = p.Name
	}
	return names
}

// Languages the demo and the built-in fonts are made for; any BCP 47 tag whose
// script the fonts cover may be used.
var UNLanguages = []string{"en", "fr", "es", "ar", "zh", "ru"}

// languageNames are languages' own names (autonyms), for menus.
var languageNames = map[string]string{
	"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "zh": "中文", "ru": "Русский",
	"pt": "Português", "de": "Deutsch", "sw": "Kiswahili", "hi": "हिन्दी",
}

// LanguageName is a language's name in that language, for menus; an
// unknown tag is returned as it is.
func LanguageName(lang string) string {
	if n, ok := languageNames[lang]; ok {
		return n
	}
	return lang
}

// SortedKeys returns a map's keys sorted, for stable output.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// channelPresets names the image size each publishing channel gets: the
// platform's own preset where it has one, else the square that every
// platform shows uncropped.
var channelPresets = map[string]string{
	"x":         "x",
	"bluesky":   "bluesky",
	"mastodon":  "x", // 16:9 is shown uncropped in Mastodon's timeline
	"threads":   "instagram-portrait",
	"instagram": "instagram-portrait",
	"linkedin":  "linkedin",
	"facebook":  "facebook",
}

// PresetForChannel is the preset a post to channel carries.
func PresetForChannel(channel string) Preset {
	p, err := PresetByName(channelPresets[channel])
	if err != nil {
		p, _ = PresetByName("instagram-square")
	}
	return p
}
