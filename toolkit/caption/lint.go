package caption

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

// Lint returns a problem for every caption of the campaign's posts that a
// platform would refuse, in every language of the post, and for every alt
// text override longer than MaxAlt.
//
// Captions are checked on the platforms the post is published to, its
// channels: there a caption over the limit cannot go out. On the bundle's
// other platforms a caption is offered to partners only when it fits (see
// bundle.ManifestPosts), so a long LinkedIn-only post is sound. A text
// over the limit on several platforms is one problem listing them, at the
// line of posts[i].text.<lang>, or of posts[i].overrides.<platform>.<lang>
// when an override replaces it there.
func Lint(c *campaign.Campaign) []toolkit.Problem {
	var out []toolkit.Problem
	add := func(field, msg string) {
		out = append(out, toolkit.Problem{File: c.File, Line: c.Pos.Line(field), Field: field, Msg: msg})
	}
	for i, p := range c.Posts {
		for _, lang := range c.PostLanguages(p) {
			var fields []string
			over := map[string][]*LimitError{}
			failed := map[string]string{}
			for _, plat := range campaign.Platforms {
				if !slices.Contains(p.Channels, plat) {
					continue
				}
				field := fmt.Sprintf("posts[%d].text.%s", i, lang)
				if strings.TrimSpace(p.Overrides[plat][lang]) != "" {
					field = fmt.Sprintf("posts[%d].overrides.%s.%s", i, plat, lang)
				}
				_, err := Build(c, p, lang, plat)
				if err == nil {
					continue
				}
				if _, seen := over[field]; !seen && failed[field] == "" {
					fields = append(fields, field)
				}
				var le *LimitError
				if errors.As(err, &le) {
					over[field] = append(over[field], le)
				} else {
					failed[field] = err.Error()
				}
			}
			for _, field := range fields {
				if msg := failed[field]; msg != "" {
					add(field, msg)
				} else {
					add(field, overMessage(lang, field, over[field]))
				}
			}
		}
	}
	for i, card := range c.Cards {
		for _, lang := range toolkit.SortedKeys(card.Alt) {
			if n := utf8.RuneCountInString(card.Alt[lang]); n > MaxAlt {
				add(fmt.Sprintf("cards[%d].alt.%s", i, lang), fmt.Sprintf(
					"alt text has %d characters where %d are allowed: platforms cut longer alt text and listeners give up; shorten it by %d or more",
					n, MaxAlt, n-MaxAlt))
			}
		}
	}
	return out
}

// overMessage says on which platforms the caption of field is refused, by
// how much, and what to do.
func overMessage(lang, field string, errs []*LimitError) string {
	var items, overrides []string
	for _, le := range errs {
		var what []string
		if le.TooLong() {
			u := "characters"
			if le.Platform == "x" {
				u = "weighted characters"
			}
			what = append(what, fmt.Sprintf("%d of %d %s, %d over", le.Count, le.Limit, u, le.Count-le.Limit))
		}
		if le.TooManyHashtags() {
			what = append(what, fmt.Sprintf("%d hashtags of %d allowed", le.Hashtags, le.MaxHashtags))
		}
		items = append(items, fmt.Sprintf("%s (%s)", le.Platform, strings.Join(what, "; ")))
		overrides = append(overrides, fmt.Sprintf("overrides.%s.%s", le.Platform, lang))
	}
	var b strings.Builder
	if strings.Contains(field, ".overrides.") {
		fmt.Fprintf(&b, "caption override in %s is over the limit on %s", lang, and(items))
	} else {
		fmt.Fprintf(&b, "caption in %s is over the limit on %s", lang, and(items))
	}
	b.WriteString(": shorten the text")
	if !strings.Contains(field, ".overrides.") {
		fmt.Fprintf(&b, ", or add a shorter %s", strings.Join(overrides, ", "))
	}
	return b.String()
}

// and joins items as a list in a sentence.
func and(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
