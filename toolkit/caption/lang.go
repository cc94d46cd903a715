package caption

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

// style is how a language punctuates the sentences captions and alt text
// are assembled from.
type style struct {
	open, close string // quotation marks
	stop        string // full stop
	sep         string // between sentences
	comma       string
	dash        string // before the name a quotation is attributed to
	join        string // between a figure and its label
}

var styles = map[string]style{
	"en": {open: "“", close: "”", stop: ".", sep: " ", comma: ", ", dash: " — ", join: " "},
	"fr": {open: "«\u00a0", close: "\u00a0»", stop: ".", sep: " ", comma: ", ", dash: " — ", join: " "},
	"es": {open: "«", close: "»", stop: ".", sep: " ", comma: ", ", dash: " — ", join: " "},
	"ar": {open: "«", close: "»", stop: ".", sep: " ", comma: "، ", dash: " — ", join: " "},
	"zh": {open: "“", close: "”", stop: "。", sep: "", comma: "，", dash: "——", join: ""},
	"ru": {open: "«", close: "»", stop: ".", sep: " ", comma: ", ", dash: " — ", join: " "},
}

// baseLang is the language of a tag without its region or script.
func baseLang(lang string) string {
	base, _, _ := strings.Cut(lang, "-")
	return base
}

func styleOf(lang string) style {
	if s, ok := styles[baseLang(lang)]; ok {
		return s
	}
	return styles["en"]
}

// sentence ends s with the language's full stop unless it already ends
// with one, or with a quotation or bracket that closes on one.
func (st style) sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	end := strings.TrimRightFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("»”\"')）", r)
	})
	if r, _ := utf8.DecodeLastRuneInString(end); strings.ContainsRune(".!?…。！？", r) {
		return s
	}
	return s + st.stop
}

// sentences joins the non-empty parts as sentences.
func (st style) sentences(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = st.sentence(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, st.sep)
}

// text is t in lang, else in the first of the campaign's languages that has
// it, so that a card still says something in a language it lacks.
func text(c *campaign.Campaign, t campaign.Text, lang string) string {
	if s := strings.TrimSpace(t[lang]); s != "" {
		return s
	}
	for _, l := range append([]string{"en"}, c.Languages...) {
		if s := strings.TrimSpace(t[l]); s != "" {
			return s
		}
	}
	return ""
}

// truncate shortens s to at most max code points, ellipsis included,
// cutting between words when a word boundary is near the end and between
// grapheme clusters otherwise (CJK text has no spaces).
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	if max <= 0 {
		return ""
	}
	var b strings.Builder
	n, lastSpace := 0, -1
	eachGrapheme(s, func(g []rune) {
		if n < 0 || n+len(g) > max-1 {
			n = -1
			return
		}
		if unicode.IsSpace(g[0]) {
			lastSpace = b.Len()
		}
		b.WriteString(string(g))
		n += len(g)
	})
	out := b.String()
	if lastSpace > len(out)*3/4 {
		out = out[:lastSpace]
	}
	out = strings.TrimRightFunc(out, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && !strings.ContainsRune("»”\")）", r)
	})
	return out + "…"
}
