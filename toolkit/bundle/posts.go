package bundle

import (
	"bytes"
	"encoding/csv"
	"strings"
	"time"
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
	"text",     // the caption, line breaks kept
	"images",   // bundle paths, separated by a space
	"alt_text", // one per image, in the same order, separated by " | "
	"post_id",
}

// PostsCSV is posts.csv: one row per post and platform it has a caption
// for, in time order (then language, card, post ID, and platform in
// campaign.Platforms order), for importing into a scheduling tool or a
// spreadsheet.
//
// It follows RFC 4180: comma-separated, CRLF line endings (inside quoted
// captions too; readers turn them back into line breaks), UTF-8 without a
// byte order mark, which importers would otherwise take as part of the
// first column's name.
func PostsCSV(m *Manifest) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	w.Write(postsHeader)
	for _, p := range sortedPosts(m) {
		alt := strings.Join(postAlt(m, p.Post), " | ")
		for _, pl := range captionPlatforms(p.Post) {
			w.Write([]string{
				p.at.Format(time.RFC3339),
				p.local().Format("2006-01-02T15:04"),
				p.Timezone,
				pl,
				p.Lang,
				p.Card,
				p.Captions[pl],
				strings.Join(p.Images, " "),
				alt,
				p.ID,
			})
		}
	}
	w.Flush() // writes to a bytes.Buffer cannot fail
	return b.Bytes()
}
