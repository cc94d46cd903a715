package web

import (
	"html/template"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
)

// captionKey names a card in a language.
type captionKey struct{ card, lang string }

// cardTexts is what a partner copies for a card in a language: its
// caption for each platform (in campaign.Platforms order) and its alt
// text.
type cardTexts struct {
	captions []textBox
	alt      textBox
}

// textsOf builds every card's texts in every language, counted and drawn
// by draw, once: they depend on the campaign alone, and the pages that
// show them are built many times over.
func textsOf(c *campaign.Campaign, cards []campaign.Card, alt func(campaign.Card, string) string, draw func(textBox) (template.HTML, error)) (map[captionKey]cardTexts, error) {
	m := map[captionKey]cardTexts{}
	var err error
	drawn := func(b textBox) textBox {
		if err == nil {
			b.HTML, err = draw(b)
		}
		return b
	}
	for _, card := range cards {
		for _, l := range c.Languages {
			id := "t-" + l + "-" + card.ID + "-"
			words := msgs(l)
			var t cardTexts
			for _, p := range campaign.Platforms {
				if text, ok := captionFor(c, card, l, p); ok {
					label := strings.ReplaceAll(words["caption"], "{platform}", platformLabel(p))
					t.captions = append(t.captions, drawn(newTextBox(id+p, label, p, text, caption.Limit(p), words)))
				}
			}
			t.alt = drawn(newTextBox(id+"alt", words["alt"], "alt", alt(card, l), caption.MaxAlt, words))
			m[captionKey{card.ID, l}] = t
		}
	}
	return m, err
}

// captionFor is the caption of card in lang on platform: that of the
// campaign's first post of the card with a caption there, else one Build
// makes from the card itself, shortened to fit. A platform neither fits
// gets no caption.
func captionFor(c *campaign.Campaign, card campaign.Card, lang, platform string) (string, bool) {
	for _, p := range c.Posts {
		if p.Card != card.ID || (len(p.Languages) > 0 && !slices.Contains(p.Languages, lang)) {
			continue
		}
		if s, err := caption.Build(c, p, lang, platform); err == nil {
			return s, true
		}
	}
	s, err := caption.Build(c, campaign.Post{Card: card.ID}, lang, platform)
	return s, err == nil
}

// textBox is text a partner copies, a caption or alt text, with its
// length counted the way the platform counts it.
type textBox struct {
	ID       string // of the textarea
	Label    string
	Platform string // what the count follows; "alt" counts code points
	Text     string
	Count    int
	Limit    int
	Rows     int
	// T is the box's words, in its text's language.
	T map[string]string
	// HTML is the box drawn by the page's "textbox" template, once: the
	// same on every page that shows it.
	HTML template.HTML
}

// Over reports whether the text is over its limit.
func (b textBox) Over() bool { return b.Count > b.Limit }

func newTextBox(id, label, platform, text string, limit int, words map[string]string) textBox {
	lines := strings.Count(text, "\n") + 1
	rows := min(14, max(3, lines+utf8.RuneCountInString(text)/34))
	return textBox{ID: id, Label: label, Platform: platform, Text: text, Count: caption.Count(platform, text), Limit: limit, Rows: rows, T: words}
}

// webPlatform is the filter value for the presets made for web pages
// rather than for a social platform (the link preview).
const webPlatform = "web"

// platformLabels name the platforms in the menu and above captions.
var platformLabels = map[string]string{
	"x": "X", "bluesky": "Bluesky", "mastodon": "Mastodon", "threads": "Threads", "linkedin": "LinkedIn",
	"instagram": "Instagram", "facebook": "Facebook", webPlatform: "Web",
}

func platformLabel(p string) string {
	if l, ok := platformLabels[p]; ok {
		return l
	}
	return p
}

// platforms lists the filter's platforms: those captions are written for,
// then any other a preset is made for.
func platforms() []string {
	ps := slices.Clone(campaign.Platforms)
	for _, p := range toolkit.Presets {
		if !slices.Contains(ps, p.Platform) {
			ps = append(ps, p.Platform)
		}
	}
	return ps
}

// presetsFor lists the images to offer for platform: the presets made for
// it, else the one a post there carries (Mastodon and Threads have none
// of their own); every preset for "".
func presetsFor(platform string) []toolkit.Preset {
	if platform == "" {
		return toolkit.Presets
	}
	var out []toolkit.Preset
	for _, p := range toolkit.Presets {
		if p.Platform == platform {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		out = append(out, toolkit.PresetForChannel(platform))
	}
	return out
}
