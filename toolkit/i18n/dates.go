package i18n

import (
	_ "embed"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
)

//go:generate go run ./gen -o cldr.tsv

// CLDRVersion is the CLDR release dates and digits come from (cldr.tsv,
// written by `go run ./toolkit/i18n/gen` from the npm packages of that
// version).
const CLDRVersion = "48.2.0"

//go:embed cldr.tsv
var cldrTSV string

// locale is one CLDR locale's date and number data.
type locale struct {
	name       string // as CLDR writes it, e.g. "es-419"
	numbers    string // default numbering system, e.g. "latn", "arab"
	pattern    string // day-month pattern, e.g. "d 'de' MMMM"
	months     [12]string
	standalone [12]string // stand-alone month names (LLLL)
	days       [7]string  // from Sunday
}

type cldrData struct {
	version string
	locales map[string]*locale // by lower-case name
	parents map[string]string  // lower-case name -> lower-case parent, "root" at the top
	digits  map[string][10]rune
}

var cldr = sync.OnceValue(func() *cldrData {
	d := &cldrData{locales: map[string]*locale{}, parents: map[string]string{}, digits: map[string][10]rune{}}
	for line := range strings.Lines(cldrTSV) {
		line = strings.TrimSuffix(line, "\n")
		if line == "" || line[0] == '#' {
			continue
		}
		switch line[0] {
		case '@':
			d.version = line[1:]
		case '=':
			name, ds, _ := strings.Cut(line[1:], "\t")
			var digits [10]rune
			copy(digits[:], []rune(ds))
			d.digits[name] = digits
		case '^':
			child, parent, _ := strings.Cut(line[1:], "\t")
			d.parents[strings.ToLower(child)] = strings.ToLower(parent)
		default:
			f := strings.Split(line, "\t")
			if len(f) != 6 {
				panic("i18n: cldr.tsv: bad line " + f[0])
			}
			l := &locale{name: f[0], numbers: f[1], pattern: f[2]}
			copy(l.months[:], strings.Split(f[3], "|"))
			l.standalone = l.months
			if f[4] != "" {
				copy(l.standalone[:], strings.Split(f[4], "|"))
			}
			copy(l.days[:], strings.Split(f[5], "|"))
			d.locales[strings.ToLower(f[0])] = l
		}
	}
	return d
})

// lookup finds the CLDR data for a language tag: the tag's own locale, else
// its parent's (an explicit CLDR parent, else the tag less its last
// subtag), up to the language alone, and English when CLDR has nothing
// for the language. A tag without a script whose region writes the
// language in another script than usual (zh-TW, sr-ME) is looked up with
// that script first.
func lookup(lang string) *locale {
	d := cldr()
	tag, err := language.Parse(lang)
	if err != nil {
		return d.locales["en"]
	}
	key := strings.ToLower(withoutExtensions(tag.String()))
	if key == "en" {
		// A bare "en" is read as CLDR's international English, as the UN
		// and most organisations write it ("18 December"); "en-US" gives
		// the American "December 18".
		key = "en-001"
	}
	if sc, conf := tag.Script(); conf != language.Exact {
		base, _ := tag.Base()
		if usual, _ := language.Make(base.String()).Script(); usual != sc {
			if l := d.chain(withScript(key, sc.String())); l != nil {
				return l
			}
		}
	}
	if l := d.chain(key); l != nil {
		return l
	}
	return d.locales["en"]
}

// chain walks from key up its parents and returns the first locale CLDR
// has data for, or nil.
func (d *cldrData) chain(key string) *locale {
	for key != "" && key != "root" {
		if l, ok := d.locales[key]; ok {
			return l
		}
		if p, ok := d.parents[key]; ok {
			key = p
		} else if i := strings.LastIndexByte(key, '-'); i > 0 {
			key = key[:i]
		} else {
			key = ""
		}
	}
	return nil
}

// withoutExtensions drops the extensions (-u-…, -x-…) from a tag: dates
// are looked up by language, script, region and variants.
func withoutExtensions(tag string) string {
	parts := strings.Split(tag, "-")
	for i, p := range parts {
		if i > 0 && len(p) == 1 {
			return strings.Join(parts[:i], "-")
		}
	}
	return tag
}

// withScript puts script after the language subtag of key.
func withScript(key, script string) string {
	lang, rest, ok := strings.Cut(key, "-")
	if !ok {
		return lang + "-" + strings.ToLower(script)
	}
	return lang + "-" + strings.ToLower(script) + "-" + rest
}

// Locale is the CLDR locale whose dates and digits lang gets, e.g. "es"
// for es-419 (CLDR's es-419 has nothing of its own for them) or "en" for
// a language CLDR does not cover.
func Locale(lang string) string { return lookup(lang).name }

// NumberingSystem is the CLDR numbering system lang writes numbers in: the
// one the tag asks for with -u-nu- when CLDR has its digits, else the
// locale's default ("latn" for English and for Arabic as CLDR has it,
// "arab" for Egyptian Arabic, "arabext" for Persian).
func NumberingSystem(lang string) string {
	if tag, err := language.Parse(lang); err == nil {
		if nu := tag.TypeForKey("nu"); nu != "" {
			if _, ok := cldr().digits[nu]; ok {
				return nu
			}
		}
	}
	return lookup(lang).numbers
}

// Digits writes a whole number in lang's digits, without grouping: "18",
// "١٨" (ar-EG), "۱۸" (fa).
func Digits(lang string, n int) string {
	return digitsIn(NumberingSystem(lang), n, 0)
}

// digitsIn writes n in a numbering system, padded with zeros to width.
func digitsIn(system string, n, width int) string {
	ds, ok := cldr().digits[system]
	if !ok {
		ds = cldr().digits["latn"]
	}
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
		n = -n
	}
	s := []byte(itoa(n))
	for i := len(s); i < width; i++ {
		b.WriteRune(ds[0])
	}
	for _, c := range s {
		b.WriteRune(ds[c-'0'])
	}
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}

// MonthName is the wide name of a month as lang writes it in a date
// (CLDR's format form: Russian "декабря", Polish "grudnia").
func MonthName(lang string, m time.Month) string {
	if m < time.January || m > time.December {
		return ""
	}
	return lookup(lang).months[m-1]
}

// WeekdayName is the wide name of a day of the week in lang ("Friday",
// "vendredi", "الجمعة").
func WeekdayName(lang string, d time.Weekday) string {
	if d < time.Sunday || d > time.Saturday {
		return ""
	}
	return lookup(lang).days[d]
}

// DayMonth writes a day of the year the way lang does, from CLDR's
// day-month pattern: "18 December" (en, read as international English),
// "December 18" (en-US),
// "18 de diciembre" (es), "18. Dezember" (de), "12月18日" (zh, ja),
// "۱۸ دسامبر" (fa), in the locale's digits.
func DayMonth(lang string, m time.Month, day int) string {
	l := lookup(lang)
	if m < time.January || m > time.December {
		return ""
	}
	nu := NumberingSystem(lang)
	var b strings.Builder
	p := l.pattern
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			// a quoted literal; '' is a quote, inside or outside one
			if i+1 < len(p) && p[i+1] == '\'' {
				b.WriteByte('\'')
				i += 2
				continue
			}
			j := i + 1
			for j < len(p) {
				if p[j] == '\'' {
					if j+1 < len(p) && p[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(p[j])
				j++
			}
			i = j + 1
		case c == 'd' || c == 'M' || c == 'L':
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			n := j - i
			switch {
			case c == 'd':
				b.WriteString(digitsIn(nu, day, n))
			case n >= 4 && c == 'M':
				b.WriteString(l.months[m-1])
			case n >= 4:
				b.WriteString(l.standalone[m-1])
			default:
				b.WriteString(digitsIn(nu, int(m), n))
			}
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}
