// Package campaign loads and validates campaign files: the one YAML file a
// communications team edits to describe an awareness-day campaign, its
// languages, hashtags, cards and posts.
package campaign

import (
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	"fmt"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/i18n"
)

// Text is a piece of copy in each of the campaign's languages, keyed by
// language tag.
type Text map[string]string

// In returns the text for lang, falling back to "" when missing.
func (t Text) In(lang string) string { return t[lang] }

// AllLanguages is the key a text written as a single value is held under
// while it is decoded; Parse copies it to every language of the campaign.
const AllLanguages = "*"

// SetAll makes t the same text in every language: a field written as a
// plain string rather than a mapping of languages (tag: "#MigrantsDay").
func (t *Text) SetAll(s string) { *t = Text{AllLanguages: s} }

// shared reports whether t was written as one value for every language.
func (t Text) shared() bool { _, ok := t[AllLanguages]; return ok }

// spread gives every language in langs the single value t was written as.
func (t Text) spread(langs []string) {
	s, ok := t[AllLanguages]
	if !ok {
		return
	}
	delete(t, AllLanguages)
	for _, l := range langs {
		t[l] = s
	}
}

// Plural holds a phrase per language and CLDR plural form (zero, one, two,
// few, many, other), with {n} where the number goes.
type Plural map[string]map[string]string

// Kind is the kind of a card; each kind has its own layout in a theme.
type Kind string

// The card kinds.
const (
	Hashtag   Kind = "hashtag"
	Quote     Kind = "quote"
	Stat      Kind = "stat"
	Story     Kind = "story"
	Countdown Kind = "countdown"
)

// Kinds lists every card kind.
var Kinds = []Kind{Hashtag, Quote, Stat, Story, Countdown}

// Date is a calendar day written as 2006-01-02.
type Date struct{ time.Time }

// Week is the span of days a campaign runs, both ends included.
type Week struct {
	Start Date `yaml:"start"`
	End   Date `yaml:"end"`
}

// Campaign is a validated campaign file.
type Campaign struct {
	Name      string   `yaml:"name"`
	Slug      string   `yaml:"slug"`
	Title     Text     `yaml:"title"`   // the day's name as cards show it
	Tagline   Text     `yaml:"tagline"` // the theme of the year
	Day       Date     `yaml:"day"`
	Week      Week     `yaml:"week"`
	Timezone  string   `yaml:"timezone"`
	Languages []string `yaml:"languages"` // after Parse: the languages built (Listed less Pending)
	// Pending are languages still being translated: listed in languages
	// too, their missing texts are warnings, and they are left out of
	// builds, plans and the toolkit page until taken off this list.
	Pending  []string            `yaml:"pending"`
	Theme    string              `yaml:"theme"`
	Hashtags []string            `yaml:"hashtags"`
	Handles  map[string]string   `yaml:"handles"`  // platform -> account handle
	Links    map[string]string   `yaml:"links"`    // name -> URL
	Messages map[string][]string `yaml:"messages"` // lang -> key messages
	Logo     string              `yaml:"logo"`     // campaign logo image, relative to the file
	Schedule string              `yaml:"schedule"` // name of a schedule template
	Grace    time.Duration       `yaml:"grace"`    // how late a missed post may still go out, MinGrace to MaxGrace
	Cards    []Card              `yaml:"cards"`
	Posts    []Post              `yaml:"posts"`
	Limits   Limits              `yaml:"limits"` // bounds on planning; see Limits
	// Publishing tunes how the runner publishes: retries and how many
	// posts of a channel go out at once; see Publishing.
	Publishing Publishing `yaml:"publishing"`

	// Listed is languages as written in the file, pending ones included.
	Listed []string `yaml:"-"`
	// Warnings are problems that do not stop a build: texts still missing
	// in a pending language.
	Warnings []toolkit.Problem `yaml:"-"`

	// File is the name the campaign was loaded from, for messages.
	File string `yaml:"-"`
	// Pos holds the line of every field path, for later checks.
	Pos toolkit.Positions `yaml:"-"`
	// Location is the loaded Timezone.
	Location *time.Location `yaml:"-"`

	// imageChecks holds what was found wrong with each image file the
	// campaign names ("" for nothing), so that each is decoded once.
	imageChecks map[string]string
	// load is how Load was asked to check the pictures, while it checks.
	load LoadOptions
}

// Card is one share card. Which fields apply depends on Kind.
type Card struct {
	ID   string `yaml:"id"`
	Kind Kind   `yaml:"kind"`
	// hashtag
	Tag  Text `yaml:"tag"`  // the hero hashtag, e.g. #ItTakesACommunity; one string, or one per language
	Text Text `yaml:"text"` // line under the tag (hashtag), free text
	// quote and story
	Quote    Text   `yaml:"quote"`
	Speaker  Text   `yaml:"speaker"`
	Role     Text   `yaml:"role"`
	Portrait string `yaml:"portrait"` // image path, optional
	// stat
	Figure Text `yaml:"figure"`
	Label  Text `yaml:"label"`
	Source Text `yaml:"source"`
	// story
	Photo string `yaml:"photo"`
	// Focus is what must stay visible in the photo: a point [x, y] (the
	// middle of the subject, a box of DefaultFocus around it is kept
	// clear) or a box [x, y, width, height], fractions of the photo from
	// its left and top. See FocusBox.
	Focus []float64 `yaml:"focus"`
	Name  Text      `yaml:"name"`
	// countdown
	Phrase Plural `yaml:"phrase"` // "{n} days to International Migrants Day"
	Today  Text   `yaml:"today"`  // the card for the day itself
	// any kind
	Alt   Text   `yaml:"alt"`   // overrides the generated alt text
	Theme string `yaml:"theme"` // overrides the campaign theme

	// Days is set on cards expanded from a countdown: days left.
	Days int `yaml:"-"`
	// Base is the id of the countdown card this one was expanded from.
	Base string `yaml:"-"`
}

// Post is one planned publication of a card with a caption.
type Post struct {
	ID        string          `yaml:"id"`
	Card      string          `yaml:"card"`
	At        string          `yaml:"at"` // local time in the campaign zone, "2006-01-02 15:04"
	Channels  []string        `yaml:"channels"`
	Languages []string        `yaml:"languages"` // default: all the campaign's languages
	Text      Text            `yaml:"text"`
	Link      string          `yaml:"link"`      // a key of links or a URL
	Overrides map[string]Text `yaml:"overrides"` // platform -> caption per language

	// Time is At resolved in the campaign's zone.
	Time time.Time `yaml:"-"`
}

// CardByID finds a card, including the per-day cards a countdown expands to.
func (c *Campaign) CardByID(id string) (Card, bool) {
	for _, card := range c.ExpandedCards() {
		if card.ID == id {
			return card, true
		}
	}
	return Card{}, false
}

// ExpandedCards returns the cards to render: every card as written, except
// that a countdown card becomes one card per day of campaign week, with ids
// "<id>-<days left>" (e.g. countdown-3; countdown-0 is the day itself).
func (c *Campaign) ExpandedCards() []Card {
	var out []Card
	for _, card := range c.Cards {
		if card.Kind != Countdown {
			out = append(out, card)
			continue
		}
		for d := c.Week.Start.Time; !d.After(c.Week.End.Time) && !d.After(c.Day.Time); d = d.AddDate(0, 0, 1) {
			left := int(c.Day.Time.Sub(d).Hours()/24 + 0.5)
			cc := card
			cc.Base = card.ID
			cc.Days = left
			cc.ID = fmt.Sprintf("%s-%d", card.ID, left)
			out = append(out, cc)
		}
	}
	return out
}

// CountdownText is the phrase of a countdown card in lang, its number in
// lang's digits (CLDR's default numbering system for the locale).
func (c *Campaign) CountdownText(card Card, lang string) string {
	if card.Days == 0 && card.Today[lang] != "" {
		return card.Today[lang]
	}
	forms := card.Phrase[lang]
	s := forms[PluralForm(lang, card.Days)]
	if s == "" {
		s = forms["other"]
	}
	return strings.ReplaceAll(s, "{n}", i18n.Digits(lang, card.Days))
}

// PluralForm returns the CLDR plural category of the whole number n in
// lang ("zero", "one", "two", "few", "many" or "other"), from the CLDR
// plural rules golang.org/x/text carries for every language.
func PluralForm(lang string, n int) string {
	tag, err := language.Parse(lang)
	if err != nil {
		tag = language.Und
	}
	if n < 0 {
		n = -n
	}
	return formNames[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)]
}

var formNames = map[plural.Form]string{
	plural.Zero: "zero", plural.One: "one", plural.Two: "two",
	plural.Few: "few", plural.Many: "many", plural.Other: "other",
}

// ThemeOf is the name of the theme card is drawn with: its own, else the
// campaign's.
func (c *Campaign) ThemeOf(card Card) string {
	if card.Theme != "" {
		return card.Theme
	}
	return c.Theme
}

// DefaultFocus is the side of the box kept clear around a focus point, as
// a fraction of the photo: about a face and shoulders in a portrait shot.
const DefaultFocus = 0.24

// FocusBox is the part of the card's photo to keep clear, as x0, y0, x1,
// y1 fractions of the photo: the box given, or a box of DefaultFocus
// around the point given (moved inside the photo), or around the middle.
func (c Card) FocusBox() [4]float64 {
	f := c.Focus
	switch len(f) {
	case 4:
		return [4]float64{f[0], f[1], min(1, f[0]+f[2]), min(1, f[1]+f[3])}
	case 2:
	default:
		f = []float64{0.5, 0.5}
	}
	h := DefaultFocus / 2
	x0 := min(max(f[0]-h, 0), 1-DefaultFocus)
	y0 := min(max(f[1]-h, 0), 1-DefaultFocus)
	return [4]float64{x0, y0, x0 + DefaultFocus, y0 + DefaultFocus}
}
