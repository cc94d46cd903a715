// Package translate exchanges a campaign's texts with translators: it
// exports every text in the campaign's first language with its
// translation into another (XLIFF 2.0, PO or CSV, the formats translation
// tools and spreadsheets read), and imports the translated file back into
// the campaign file, checking each translation and keeping the file's
// comments and layout: only the translated values change, so importing a
// file nobody edited leaves the campaign file byte for byte as it was.
package translate

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"gopkg.in/yaml.v3"
)

// MaxFileBytes bounds an exchange file: a campaign file's texts, twice
// over (source and target), with the markup of each unit.
const MaxFileBytes = 4 * toolkit.MaxYAMLBytes

// The states of a translation, as XLIFF 2.0 names them.
const (
	Initial    = "initial"    // not translated yet
	Translated = "translated" // translated, not reviewed
	Reviewed   = "reviewed"
	Final      = "final"
)

// Unit is one text to translate.
type Unit struct {
	// ID names the text in the campaign: title, tagline, messages.2,
	// cards.<id>.<field>, cards.<id>.phrase.<plural form>,
	// posts.<id>.text, posts.<id>.overrides.<platform>.
	ID      string
	Source  string // in the campaign's first language
	Target  string // the translation; "" when there is none yet
	State   string // Initial, Translated, Reviewed or Final
	Context string // what the text is and where it goes, for the translator
	// Limit is the most characters the text may have where it is
	// published (Platform's caption limit, or the alt text limit); 0 for
	// none. Captions get hashtags, handle and link added, so the text
	// itself must be shorter.
	Limit    int
	Platform string
	// Line is where the unit's translation is in an imported file.
	Line int
}

// File is an exchange file: the units of one campaign in one pair of
// languages.
type File struct {
	Name       string // the file's name, for messages
	Original   string // the campaign file it was exported from
	SourceLang string
	TargetLang string
	Units      []Unit
}

// Export lists every text of campaign c (read from data, the campaign
// file's bytes) for translation into lang: each with its text in c's first
// language, lang's text when there is one, context and limit. A field
// written as one value for every language (a hashtag) is not listed.
func Export(c *campaign.Campaign, data []byte, lang string) (*File, error) {
	src, err := newSource(data)
	if err != nil {
		return nil, err
	}
	if err := checkLang(c, lang); err != nil {
		return nil, err
	}
	f := &File{Original: c.File, SourceLang: c.Listed[0], TargetLang: lang}
	for _, t := range texts(c, src.root) {
		u, ok := t.unit(c, src, lang)
		if ok {
			f.Units = append(f.Units, u)
		}
	}
	return f, nil
}

func checkLang(c *campaign.Campaign, lang string) error {
	switch {
	case lang == "":
		return fmt.Errorf("give the language to translate into, one of %s", strings.Join(c.Listed[1:], ", "))
	case lang == c.Listed[0]:
		return fmt.Errorf("%s is the campaign's first language, the one texts are translated from: choose another of %s", lang, strings.Join(c.Listed, ", "))
	case !slices.Contains(c.Listed, lang):
		return fmt.Errorf("%s is not one of the campaign's languages %v: add it to languages (and to pending until its texts are in)", lang, c.Listed)
	}
	return nil
}

// text is where one unit lives in the campaign file: the mapping of
// languages at path, then, for a countdown phrase, a plural form, or for
// a key message, an index in the language's list.
type text struct {
	id      string
	node    *yaml.Node // the mapping of languages
	form    string     // plural form
	index   int        // key message index; -1 for none
	context string
	limit   int
	plat    string
	pholder bool // the text has a {n} placeholder to keep
}

// texts lists every translatable text of the campaign file, in file order.
func texts(c *campaign.Campaign, root *yaml.Node) []text {
	var out []text
	add := func(id string, n *yaml.Node, context string) {
		if n != nil && n.Kind == yaml.MappingNode {
			out = append(out, text{id: id, node: n, index: -1, context: context})
		}
	}
	add("title", child(root, "title"), "the day's name, shown at the foot of every card")
	add("tagline", child(root, "tagline"), "the theme of the year")
	if m := child(root, "messages"); m != nil {
		if srcList := child(m, c.Listed[0]); srcList != nil && srcList.Kind == yaml.SequenceNode {
			for i := range srcList.Content {
				out = append(out, text{id: fmt.Sprintf("messages.%d", i), node: m, index: i,
					context: fmt.Sprintf("key message %d for partners, on the toolkit page", i+1)})
			}
		}
	}
	fields := []struct{ key, what string }{
		{"tag", "the hashtag"}, {"text", "the line of text"}, {"quote", "the quotation"}, {"speaker", "who said it"},
		{"role", "the speaker's role"}, {"figure", "the figure, as written in this language"}, {"label", "what the figure counts"},
		{"source", "where the figure comes from"}, {"name", "the person's name and what they do"},
		{"today", "the card for the day itself"}, {"alt", "alt text: the image described for screen readers"},
	}
	if cards := child(root, "cards"); cards != nil && cards.Kind == yaml.SequenceNode {
		for i, cn := range cards.Content {
			if i >= len(c.Cards) {
				break
			}
			card := c.Cards[i]
			where := fmt.Sprintf("%s card %q", card.Kind, card.ID)
			for _, f := range fields {
				n := child(cn, f.key)
				add("cards."+card.ID+"."+f.key, n, where+": "+f.what)
				if f.key == "alt" && n != nil && n.Kind == yaml.MappingNode {
					out[len(out)-1].limit = caption.MaxAlt
				}
			}
			if ph := child(cn, "phrase"); ph != nil && ph.Kind == yaml.MappingNode {
				for _, form := range pluralForms {
					out = append(out, text{id: "cards." + card.ID + ".phrase." + form, node: ph, form: form, index: -1, pholder: true,
						context: fmt.Sprintf("%s: the countdown in the plural form %q; {n} is the number of days left", where, form)})
				}
			}
		}
	}
	if posts := child(root, "posts"); posts != nil && posts.Kind == yaml.SequenceNode {
		for i, pn := range posts.Content {
			if i >= len(c.Posts) {
				break
			}
			p := c.Posts[i]
			where := fmt.Sprintf("post %q (%s on %s)", p.ID, p.At, strings.Join(p.Channels, ", "))
			if n := child(pn, "text"); n != nil && n.Kind == yaml.MappingNode {
				t := text{id: "posts." + p.ID + ".text", node: n, index: -1,
					context: where + ": the caption; hashtags, handle and link are added after it"}
				t.limit, t.plat = tightest(p.Channels)
				out = append(out, t)
			}
			if ov := child(pn, "overrides"); ov != nil && ov.Kind == yaml.MappingNode {
				for k := 0; k+1 < len(ov.Content); k += 2 {
					plat := ov.Content[k].Value
					if n := ov.Content[k+1]; n.Kind == yaml.MappingNode {
						out = append(out, text{id: "posts." + p.ID + ".overrides." + plat, node: n, index: -1,
							limit: caption.Limit(plat), plat: plat,
							context: where + ": the caption on " + plat + " only; hashtags, handle and link are added after it"})
					}
				}
			}
		}
	}
	return out
}

// pluralForms are the CLDR plural forms, in CLDR's order.
var pluralForms = []string{"zero", "one", "two", "few", "many", "other"}

// tightest is the smallest caption limit among channels, and its platform.
func tightest(channels []string) (int, string) {
	best, plat := 0, ""
	for _, ch := range channels {
		if l := caption.Limit(ch); l > 0 && (best == 0 || l < best) {
			best, plat = l, ch
		}
	}
	return best, plat
}

// value is the text of t in lang, and whether the file has one.
func (t text) value(lang string) (string, bool) {
	n := child(t.node, lang)
	switch {
	case n == nil:
		return "", false
	case t.index >= 0:
		if n.Kind != yaml.SequenceNode || t.index >= len(n.Content) {
			return "", false
		}
		n = n.Content[t.index]
	case t.form != "":
		n = child(n, t.form)
		if n == nil {
			return "", false
		}
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", false
	}
	return n.Value, true
}

// unit is t as a unit for translation into lang; false when there is
// nothing to translate (no text in the source language).
func (t text) unit(c *campaign.Campaign, src *source, lang string) (Unit, bool) {
	from, ok := t.value(c.Listed[0])
	if t.form != "" && !ok {
		// a plural form the first language does not use: translators
		// still need every form of their own language, from "other"
		if !slices.Contains(formsOf(lang), t.form) {
			return Unit{}, false
		}
		o := t
		o.form = "other"
		from, ok = o.value(c.Listed[0])
	} else if t.form != "" && !slices.Contains(formsOf(lang), t.form) {
		if _, has := t.value(lang); !has {
			return Unit{}, false
		}
	}
	if !ok || strings.TrimSpace(from) == "" {
		return Unit{}, false
	}
	to, _ := t.value(lang)
	u := Unit{ID: t.id, Source: from, Target: to, State: Initial, Context: t.context, Limit: t.limit, Platform: t.plat}
	if to != "" {
		u.State = Translated
	}
	return u, true
}

// formsOf lists the plural forms a countdown in lang needs: those CLDR
// gives the numbers 0 to 31 (a campaign week is at most 31 days), and
// "other".
func formsOf(lang string) []string {
	var out []string
	for n := 0; n <= 31; n++ {
		if f := campaign.PluralForm(lang, n); !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if !slices.Contains(out, "other") {
		out = append(out, "other")
	}
	return out
}

var placeholderRe = regexp.MustCompile(`\{[a-z_]+\}`)

// placeholders lists the {name} placeholders of s, sorted, once each.
func placeholders(s string) []string {
	out := placeholderRe.FindAllString(s, -1)
	slices.Sort(out)
	return slices.Compact(out)
}
