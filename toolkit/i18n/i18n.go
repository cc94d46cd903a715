// Package i18n says what campaignkit needs to know about a language tag:
// whether it names a real language, the script its text is written in, the
// direction it runs and the embedded font family it is set in. It is the one
// place any package asks "is this RTL?", so that a card, a page and a bidi
// paragraph never disagree about the same language. It also writes dates
// and numbers the way a language does, from CLDR data for every locale CLDR
// has (DayMonth, WeekdayName, Digits): the table is cldr.tsv, written by
// `go run ./toolkit/i18n/gen`. And it says which characters emoji are made
// of (Pictograph, RegionalIndicator …), so that a caption's count and a
// card's drawing find the same emoji.
//
// Tags are validated once, where they enter (Parse); code handed a tag that
// was validated asks Of, IsRTL or Dir.
package i18n

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// Family is an embedded font family, by its name.
type Family string

// The font families campaignkit embeds, and NoFont for a script none of them
// covers.
const (
	NoFont          Family = ""
	NotoSans        Family = "Noto Sans"         // Latin, Cyrillic, Greek
	NotoNaskhArabic Family = "Noto Naskh Arabic" // Arabic script
	NotoSansCJK     Family = "Noto Sans CJK"     // Han, kana, Hangul, Bopomofo
)

// Covered describes the scripts the embedded families draw, for messages.
const Covered = "Latin, Cyrillic, Greek, Arabic, Chinese, Japanese and Korean"

// Lang is a language tag and what follows from it.
type Lang struct {
	Tag    language.Tag
	Script language.Script // written in the tag, else the language's likely script
	RTL    bool
	Family Family // NoFont when no embedded font draws Script
}

// String is the tag in its canonical BCP 47 form.
func (l Lang) String() string { return l.Tag.String() }

// Dir is the value of an HTML dir attribute for text in l: "rtl" or "ltr".
func (l Lang) Dir() string {
	if l.RTL {
		return "rtl"
	}
	return "ltr"
}

// ScriptName is the English name of l's script, e.g. "Hebrew".
func (l Lang) ScriptName() string { return ScriptName(l.Script) }

// FontErr is nil when an embedded family draws l's script, else a
// *NoFontError naming the script.
func (l Lang) FontErr() error {
	if l.Family != NoFont {
		return nil
	}
	return &NoFontError{Script: l.Script}
}

// NoFontError says no embedded font draws a script, so text in it would
// come out as empty boxes.
type NoFontError struct {
	Script language.Script
}

func (e *NoFontError) Error() string {
	if e.Script == unknownScript {
		return fmt.Sprintf("no font for this language: its script is not known (add it to the tag, e.g. -Latn) and campaignkit embeds fonts for %s only", Covered)
	}
	return fmt.Sprintf("no font for %s script: campaignkit embeds fonts for %s only", ScriptName(e.Script), Covered)
}

var unknownScript = language.MustParseScript("Zzzz")

// MaxTagLen is the longest tag Parse accepts: RFC 5646 asks that
// implementations handle tags of up to 35 characters, and tags become
// parts of file names.
const MaxTagLen = 35

// Parse reads a language tag and refuses one that does not name a real
// language: it must be well-formed BCP 47, written the canonical way
// ("en-US", not "en_US" or "EN-us"), with a base language that exists
// ("xx" and "und" are refused), no private-use region and at most
// MaxTagLen characters.
func Parse(s string) (Lang, error) {
	if s == "" {
		return Lang{}, fmt.Errorf("empty language tag: give a BCP 47 tag such as en, fr or zh-Hant")
	}
	if len(s) > MaxTagLen {
		return Lang{}, fmt.Errorf("language tag %.20q… is %d characters long: at most %d", s, len(s), MaxTagLen)
	}
	tag, err := language.Parse(s)
	if err != nil {
		return Lang{}, fmt.Errorf("%q is not a known language tag (%s): give a BCP 47 tag such as en, fr or zh-Hant", s, unprefix(err))
	}
	base, conf := tag.Base()
	if conf != language.Exact || base.String() == "und" {
		return Lang{}, fmt.Errorf("%q names no language: give a BCP 47 tag that starts with a language, such as en, fr or zh-Hant", s)
	}
	if r, conf := tag.Region(); conf == language.Exact && r.IsPrivateUse() {
		return Lang{}, fmt.Errorf("%q has the private-use region %s, which is no country: leave it out or use a real one", s, r)
	}
	if canon := tag.String(); canon != s {
		return Lang{}, fmt.Errorf("write the language tag %q as %q", s, canon)
	}
	return derive(tag), nil
}

// unprefix drops the "language: " x/text puts before its messages.
func unprefix(err error) string {
	return strings.TrimPrefix(err.Error(), "language: ")
}

// Of is what follows from a tag that was validated by Parse. It never
// fails: a tag that does not parse is taken for what x/text makes of it,
// which for nonsense is left-to-right Latin.
func Of(s string) Lang {
	tag, _ := language.Parse(s)
	return derive(tag)
}

func derive(tag language.Tag) Lang {
	sc, conf := tag.Script()
	if conf == language.No {
		sc = unknownScript
	}
	return Lang{Tag: tag, Script: sc, RTL: ScriptRTL(sc), Family: ScriptFamily(sc)}
}

// IsRTL reports whether text in the language runs right to left.
func IsRTL(tag string) bool { return Of(tag).RTL }

// Dir is the HTML dir attribute for text in the language: "rtl" or "ltr".
func Dir(tag string) string { return Of(tag).Dir() }
