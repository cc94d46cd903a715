package bundle

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

// postsHeader names posts.csv's columns. Tools that import the file read
// these names, so they are part of the bundle contract like manifest.json's
// keys.
var postsHeader = []string{
	"scheduled_at", // RFC 3339 in UTC: 2026-12-18T09:00:00Z
	"local_time",   // 2006-01-02T15:04 in timezone
	"timezone",     // IANA name
	"platform",
	"language", // BCP 47 tag
	"card",
	"text",         // the caption, line breaks kept
	"image",        // bundle path of the card in the platform's size
	"image_width",  // pixels
	"image_height", // pixels
	"alt_text",     // the image's alt text
	"post_id",
}

// PostsCSV is posts.csv: one row per post and platform it goes to, in time
// order (then language, card, post ID, and platform in campaign.Platforms
// order), for importing into a scheduling tool or a spreadsheet. Each row
// carries the platform's caption and the one image the post carries there
// (the card in that platform's size, see toolkit.PresetForChannel) with its
// size and alt text; the image columns are empty for a text-only post or
// when the bundle lacks that size.
//
// outbox and webhook are not platforms: they are the team's own routes to
// people and tools that post by hand, not places a partner posts to, so
// they have no rows, and a post that goes only there is not in posts.csv
// (manifest.json, calendar.ics and captions/ still list it). A post that
// names no channels at all gets a row for each platform it has a caption
// for.
//
// It follows RFC 4180: comma-separated, CRLF line endings (inside quoted
// captions too; readers turn them back into line breaks), UTF-8 without a
// byte order mark, which importers would otherwise take as part of the
// first column's name. Every cell goes through csvCell, so no caption runs
// as a formula in a spreadsheet.
func PostsCSV(m *Manifest) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	write := func(row []string) {
		for i := range row {
			row[i] = csvCell(row[i])
		}
		w.Write(row) // writes to a bytes.Buffer cannot fail
	}
	write(slices.Clone(postsHeader))
	byPath := make(map[string]Image, len(m.Images))
	for _, img := range m.Images {
		byPath[img.Path] = img
	}
	for _, p := range sortedPosts(m) {
		for _, pl := range postPlatforms(p.Post) {
			var path, width, height, alt string
			if img, a, ok := platformImage(m, byPath, p.Post, pl); ok {
				path, alt = img.Path, a
				width, height = strconv.Itoa(img.Width), strconv.Itoa(img.Height)
			}
			write([]string{
				p.at.Format(time.RFC3339),
				p.local().Format("2006-01-02T15:04"),
				p.Timezone,
				pl,
				p.Lang,
				p.Card,
				p.Captions[pl],
				path, width, height, alt,
				p.ID,
			})
		}
	}
	w.Flush()
	return b.Bytes()
}

// csvCell neutralises a cell that a spreadsheet would read as a formula
// (OWASP, "CSV Injection"): one that starts with =, +, -, @, a tab or a
// carriage return gets a single quote in front. Captions are written by
// people and may start with "@handle" or "-5 days", or be made to start
// with "=HYPERLINK(...)"; spreadsheets show a quoted cell as the text it
// is and do not display the quote. Tools that are not spreadsheets see
// it: a cell that starts with ' followed by one of those characters had
// the quote added here.
func csvCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// postPlatforms lists the platforms a post goes to, in campaign.Platforms
// order: its channels without outbox and webhook, or every platform it
// has a caption for when it names no channels.
func postPlatforms(p Post) []string {
	if len(p.Channels) == 0 {
		return captionPlatforms(p)
	}
	var out []string
	for _, pl := range campaign.Platforms {
		if slices.Contains(p.Channels, pl) {
			out = append(out, pl)
		}
	}
	return out
}

// platformImage is the image a post carries on platform, the card in the
// platform's preset, and its alt text: the post's own for an image it
// lists, else the manifest's.
func platformImage(m *Manifest, byPath map[string]Image, p Post, platform string) (Image, string, bool) {
	preset := toolkit.PresetForChannel(platform).Name
	alt := postAlt(m, p)
	for i, path := range p.Images {
		if img, ok := byPath[path]; ok && img.Preset == preset {
			return img, alt[i], true
		}
	}
	if p.Card == "" {
		return Image{}, "", false
	}
	for _, img := range m.Images {
		if img.Card == p.Card && img.Lang == p.Lang && img.Preset == preset {
			return img, img.Alt, true
		}
	}
	return Image{}, "", false
}
