package bundle

import (
	"bytes"
	"fmt"
	"strings"
)

// CaptionsMarkdown is captions/<lang>.md: every post in one language, in
// time order, with its local time, card, images and alt text, and its
// caption for each platform. Captions and alt text are in fenced code
// blocks so they can be copied intact (no Markdown renderer touches their
// asterisks, underscores or line breaks).
func CaptionsMarkdown(m *Manifest, lang string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s: captions (%s)\n\n", mdEscape(m.Campaign.Name), lang)
	if m.Campaign.Day != "" {
		fmt.Fprintf(&b, "Campaign day: %s. ", m.Campaign.Day)
	}
	b.WriteString("Times are local to each post's time zone, with UTC in brackets.\n")
	n := 0
	for _, p := range sortedPosts(m) {
		if p.Lang != lang {
			continue
		}
		n++
		local := p.local()
		fmt.Fprintf(&b, "\n## %s %s, %s\n\n", local.Format("Mon 2 Jan 2006 15:04"), p.Timezone, mdEscape(p.Card))
		fmt.Fprintf(&b, "- Scheduled: %s (%s UTC)\n", local.Format("2006-01-02 15:04"), p.at.Format("2006-01-02 15:04"))
		fmt.Fprintf(&b, "- Card: %s\n", mdEscape(p.Card))
		if len(p.Channels) > 0 {
			fmt.Fprintf(&b, "- Channels: %s\n", mdEscape(strings.Join(p.Channels, ", ")))
		}
		fmt.Fprintf(&b, "- Post ID: `%s`\n", strings.ReplaceAll(p.ID, "`", ""))
		alt := postAlt(m, p.Post)
		for i, im := range p.Images {
			fmt.Fprintf(&b, "\n### Image %d: [%s](%s)\n", i+1, mdEscape(im), mdLink(im))
			if alt[i] != "" {
				b.WriteString("\nAlt text:\n\n")
				fence(&b, alt[i])
			}
		}
		for _, pl := range captionPlatforms(p.Post) {
			fmt.Fprintf(&b, "\n### %s\n\n", mdEscape(platformLabel(pl)))
			fence(&b, p.Captions[pl])
		}
	}
	if n == 0 {
		b.WriteString("\nNo posts are planned in this language.\n")
	}
	return b.Bytes()
}

// fence writes s as a fenced code block whose fence is longer than any run
// of backticks in s, so no caption can close it early.
func fence(b *bytes.Buffer, s string) {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", max(3, longest+1))
	fmt.Fprintf(b, "%stext\n%s\n%s\n", f, strings.TrimRight(s, "\n"), f)
}

var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "#", `\#`, "|", `\|`, "\n", " ",
)

// mdEscape makes text literal in a Markdown line.
func mdEscape(s string) string { return mdEscaper.Replace(s) }

// mdLink is the link from captions/<lang>.md to a bundle path.
func mdLink(p string) string {
	return "../" + strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E").Replace(p)
}
