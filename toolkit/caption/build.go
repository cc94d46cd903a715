package caption

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

// Build returns the caption of post p in lang for platform, a channel name:
// paragraphs separated by a blank line, each present only when it has
// something to say:
//
//  1. the text: p.Overrides[platform][lang] when given, else p.Text[lang];
//  2. the campaign's hashtags the text does not already have;
//  3. the campaign's handle on platform (c.Handles), as a mention, unless
//     the text already mentions it;
//  4. the link, c.LinkURL(p). Links in Instagram captions cannot be
//     followed, so there the paragraph says the link is in the bio and
//     shows it without its scheme, short enough to type.
//
// A card rotation planned from a schedule (empty ID, only Card set) whose
// text is empty, or is only the campaign's tagline or title the schedule
// put there for want of a slot text, gets a text made from the card: the
// quotation with whom it is from, the figure and its label, the hashtag
// card's line, the countdown phrase. Such a made-up text is shortened to
// fit the platform; a text the campaign wrote never is.
//
// The caption is checked against platform's limits (Check); a caption over
// them is an error wrapping a *LimitError. The outbox and webhook channels
// have no limit and no handle. Build has the signature of
// schedule.CaptionFunc.
func Build(c *campaign.Campaign, p campaign.Post, lang, platform string) (string, error) {
	if !slices.Contains(campaign.Channels, platform) {
		return "", fmt.Errorf("%s in %q: unknown platform %q: choose from %s", postName(p), lang, platform, strings.Join(campaign.Channels, ", "))
	}
	body := strings.TrimSpace(p.Overrides[platform][lang])
	var card campaign.Card
	made := false
	if body == "" {
		body = strings.TrimSpace(p.Text[lang])
		if p.ID == "" && p.Card != "" && (body == "" || body == strings.TrimSpace(c.Tagline[lang]) || body == strings.TrimSpace(c.Title[lang])) {
			var ok bool
			if card, ok = c.CardByID(p.Card); ok {
				if s := cardText(c, card, lang, 0); s != "" {
					body, made = s, true
				}
			}
		}
	}
	if body == "" {
		if p.ID == "" {
			return "", fmt.Errorf("%s: no caption text in %q", postName(p), lang)
		}
		return "", fmt.Errorf("%s: no caption text in %q; add text.%s", postName(p), lang, lang)
	}
	caption := assemble(body, tailOf(c, p, lang, platform, body))
	if _, ok := limits[platform]; !ok {
		return caption, nil
	}
	err := Check(platform, caption)
	var le *LimitError
	if made && errors.As(err, &le) && le.TooLong() {
		// the longest cut of the card's words that fits, if a useful one does
		lo, hi := minMade, utf8.RuneCountInString(body)-1
		for lo <= hi {
			n := (lo + hi) / 2
			b := cardText(c, card, lang, n)
			if cand := assemble(b, tailOf(c, p, lang, platform, b)); Check(platform, cand) == nil {
				caption, err = cand, nil
				lo = n + 1
			} else {
				hi = n - 1
			}
		}
	}
	if err != nil {
		return "", fmt.Errorf("%s in %q on %s: %w", postName(p), lang, platform, err)
	}
	return caption, nil
}

// minMade is the shortest cut of a card's words a caption is worth making
// from, in characters.
const minMade = 40

func assemble(body string, tail []string) string {
	return strings.Join(append([]string{body}, tail...), "\n\n")
}

// tailOf is what follows the text: hashtags, handle, link.
func tailOf(c *campaign.Campaign, p campaign.Post, lang, platform, body string) []string {
	var out []string
	have := map[string]bool{}
	for _, t := range hashtags(body) {
		have[strings.ToLower(t)] = true
	}
	var tags []string
	for _, h := range c.Hashtags {
		if k := strings.ToLower(h); !have[k] {
			have[k] = true
			tags = append(tags, h)
		}
	}
	if len(tags) > 0 {
		out = append(out, strings.Join(tags, " "))
	}
	if h := strings.TrimSpace(c.Handles[platform]); h != "" && slices.Contains(campaign.Platforms, platform) {
		if !strings.HasPrefix(h, "@") {
			h = "@" + h
		}
		if !mentions(body, h) {
			out = append(out, h)
		}
	}
	if link := strings.TrimSpace(c.LinkURL(p)); link != "" {
		if platform == "instagram" {
			link = linkInBio(lang, link)
		}
		out = append(out, link)
	}
	return out
}

// mentions reports whether body already has the mention h, in any case,
// as a whole name rather than the start of a longer one.
func mentions(body, h string) bool {
	lb, lh := strings.ToLower(body), strings.ToLower(h)
	for i := 0; ; {
		k := strings.Index(lb[i:], lh)
		if k < 0 {
			return false
		}
		end := i + k + len(lh)
		r, size := utf8.DecodeRuneInString(lb[end:])
		longer := isWordRune(r)
		if r == '.' || r == '@' || r == '-' {
			next, _ := utf8.DecodeRuneInString(lb[end+size:])
			longer = isWordRune(next)
		}
		if !longer {
			return true
		}
		i = end
	}
}

// bio says where an Instagram reader finds a link, per language; %s is the
// link without its scheme.
var bio = map[string]string{
	"en": "Link in bio: %s",
	"fr": "Lien dans la bio\u00a0: %s",
	"es": "Enlace en la bio: %s",
	"ar": "الرابط في الملف الشخصي: %s",
	"zh": "链接见主页简介：%s",
	"ru": "Ссылка в профиле: %s",
}

func linkInBio(lang, link string) string {
	f, ok := bio[baseLang(lang)]
	if !ok {
		f = bio["en"]
	}
	short := link
	if _, rest, ok := strings.Cut(link, "://"); ok {
		short = rest
	}
	return fmt.Sprintf(f, strings.TrimSuffix(short, "/"))
}

// postName names a post in messages: its id, or the card a schedule
// rotates.
func postName(p campaign.Post) string {
	if p.ID == "" && p.Card != "" {
		return fmt.Sprintf("card %q", p.Card)
	}
	return fmt.Sprintf("post %q", p.ID)
}

// cardText is what a card says, as a caption: for a card rotation, which
// has no text of its own. max > 0 shortens its main words (the quotation,
// the statistic, the hashtag card's line) to that many characters.
func cardText(c *campaign.Campaign, card campaign.Card, lang string, max int) string {
	st := styleOf(lang)
	t := func(x campaign.Text) string { return strings.TrimSpace(x[lang]) }
	fit := func(s string) string {
		if max > 0 {
			return truncate(s, max)
		}
		return s
	}
	switch card.Kind {
	case campaign.Quote, campaign.Story:
		q := t(card.Quote)
		if q == "" {
			return ""
		}
		who := t(card.Name)
		if card.Kind == campaign.Quote {
			who = t(card.Speaker)
			if role := t(card.Role); role != "" {
				if baseLang(lang) == "zh" {
					who = role + who // 联合国秘书长安东尼奥·古特雷斯
				} else {
					who += st.comma + role
				}
			}
		}
		s := st.open + fit(q) + st.close
		if who != "" {
			s += st.dash + who
		}
		return s
	case campaign.Stat:
		fig := t(card.Figure)
		if fig == "" {
			return ""
		}
		s := fig
		if l := t(card.Label); l != "" {
			s += st.join + l
		}
		return fit(st.sentences(s, t(card.Source)))
	case campaign.Hashtag:
		s := fit(t(card.Text))
		if tag := card.Tag[lang]; tag != "" && !strings.Contains(strings.ToLower(s), strings.ToLower(tag)) {
			s = strings.TrimSpace(st.sentence(s) + " " + tag)
		}
		return s
	case campaign.Countdown:
		return fit(strings.TrimSpace(c.CountdownText(card, lang)))
	}
	return ""
}
