package i18n

import (
	"sort"
	"unicode"

	"golang.org/x/text/language"
)

// scriptInfo is what campaignkit knows about one ISO 15924 script.
type scriptInfo struct {
	name   string // English name, as in Unicode's script property
	rtl    bool
	family Family
}

// scripts lists the scripts of living languages campaignkit may meet, and
// every script Unicode gives a right-to-left direction, so that direction
// is right even where no font is.
var scripts = map[string]scriptInfo{
	// drawn by the embedded fonts
	"Latn": {name: "Latin", family: NotoSans},
	"Cyrl": {name: "Cyrillic", family: NotoSans},
	"Grek": {name: "Greek", family: NotoSans},
	"Arab": {name: "Arabic", rtl: true, family: NotoNaskhArabic},
	"Aran": {name: "Arabic (Nastaliq)", rtl: true, family: NotoNaskhArabic},
	"Hani": {name: "Han", family: NotoSansCJK},
	"Hans": {name: "Han (Simplified)", family: NotoSansCJK},
	"Hant": {name: "Han (Traditional)", family: NotoSansCJK},
	"Jpan": {name: "Japanese", family: NotoSansCJK},
	"Hira": {name: "Hiragana", family: NotoSansCJK},
	"Kana": {name: "Katakana", family: NotoSansCJK},
	"Kore": {name: "Korean", family: NotoSansCJK},
	"Hang": {name: "Hangul", family: NotoSansCJK},
	"Bopo": {name: "Bopomofo", family: NotoSansCJK},

	// right to left, no embedded font
	"Hebr": {name: "Hebrew", rtl: true},
	"Thaa": {name: "Thaana", rtl: true},
	"Syrc": {name: "Syriac", rtl: true},
	"Nkoo": {name: "N'Ko", rtl: true},
	"Adlm": {name: "Adlam", rtl: true},
	"Rohg": {name: "Hanifi Rohingya", rtl: true},
	"Mand": {name: "Mandaic", rtl: true},
	"Samr": {name: "Samaritan", rtl: true},
	"Mend": {name: "Mende Kikakui", rtl: true},
	"Yezi": {name: "Yezidi", rtl: true},
	"Armi": {name: "Imperial Aramaic", rtl: true},
	"Avst": {name: "Avestan", rtl: true},
	"Chrs": {name: "Chorasmian", rtl: true},
	"Cprt": {name: "Cypriot", rtl: true},
	"Elym": {name: "Elymaic", rtl: true},
	"Hatr": {name: "Hatran", rtl: true},
	"Hung": {name: "Old Hungarian", rtl: true},
	"Khar": {name: "Kharoshthi", rtl: true},
	"Lydi": {name: "Lydian", rtl: true},
	"Mani": {name: "Manichaean", rtl: true},
	"Merc": {name: "Meroitic Cursive", rtl: true},
	"Mero": {name: "Meroitic Hieroglyphs", rtl: true},
	"Narb": {name: "Old North Arabian", rtl: true},
	"Nbat": {name: "Nabataean", rtl: true},
	"Orkh": {name: "Old Turkic", rtl: true},
	"Ougr": {name: "Old Uyghur", rtl: true},
	"Palm": {name: "Palmyrene", rtl: true},
	"Phli": {name: "Inscriptional Pahlavi", rtl: true},
	"Phlp": {name: "Psalter Pahlavi", rtl: true},
	"Phnx": {name: "Phoenician", rtl: true},
	"Prti": {name: "Inscriptional Parthian", rtl: true},
	"Sarb": {name: "Old South Arabian", rtl: true},
	"Sogd": {name: "Sogdian", rtl: true},
	"Sogo": {name: "Old Sogdian", rtl: true},

	// left to right, no embedded font
	"Armn": {name: "Armenian"},
	"Beng": {name: "Bengali"},
	"Cans": {name: "Canadian Aboriginal"},
	"Cher": {name: "Cherokee"},
	"Deva": {name: "Devanagari"},
	"Ethi": {name: "Ethiopic"},
	"Geor": {name: "Georgian"},
	"Gujr": {name: "Gujarati"},
	"Guru": {name: "Gurmukhi"},
	"Khmr": {name: "Khmer"},
	"Knda": {name: "Kannada"},
	"Laoo": {name: "Lao"},
	"Mlym": {name: "Malayalam"},
	"Mong": {name: "Mongolian"},
	"Mymr": {name: "Myanmar"},
	"Olck": {name: "Ol Chiki"},
	"Orya": {name: "Oriya"},
	"Sinh": {name: "Sinhala"},
	"Taml": {name: "Tamil"},
	"Telu": {name: "Telugu"},
	"Tfng": {name: "Tifinagh"},
	"Thai": {name: "Thai"},
	"Tibt": {name: "Tibetan"},
	"Vaii": {name: "Vai"},
	"Yiii": {name: "Yi"},
	"Zzzz": {name: "unknown"},
}

// ScriptRTL reports whether a script runs right to left.
func ScriptRTL(sc language.Script) bool { return scripts[sc.String()].rtl }

// ScriptFamily is the embedded family that draws a script, or NoFont.
func ScriptFamily(sc language.Script) Family { return scripts[sc.String()].family }

// ScriptName is a script's English name, e.g. "Hebrew" for Hebr; a script
// campaignkit has no name for is given by its ISO 15924 code.
func ScriptName(sc language.Script) string {
	if s, ok := scripts[sc.String()]; ok {
		return s.name
	}
	return sc.String()
}

// ParseScript reads an ISO 15924 code such as "Arab" or "arab"; it reports
// false for a code that is not one.
func ParseScript(code string) (language.Script, bool) {
	sc, err := language.ParseScript(code)
	return sc, err == nil
}

// runeScripts are Unicode's scripts by name, sorted, without Common and
// Inherited (punctuation, digits, marks shared by many scripts).
var runeScripts = func() []string {
	var names []string
	for n := range unicode.Scripts {
		if n != "Common" && n != "Inherited" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}()

// RuneScript is the Unicode name of the script r belongs to, such as
// "Hebrew" or "Devanagari" (underscores read as spaces: "Old_Italic" is
// "Old Italic"), or "" for a character many scripts share: punctuation,
// symbols, emoji, digits, combining marks.
func RuneScript(r rune) string {
	for _, n := range runeScripts {
		if unicode.Is(unicode.Scripts[n], r) {
			return spaced(n)
		}
	}
	return ""
}

func spaced(name string) string {
	b := []byte(name)
	for i, c := range b {
		if c == '_' {
			b[i] = ' '
		}
	}
	return string(b)
}
