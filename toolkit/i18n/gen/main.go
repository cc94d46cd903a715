// Command gen writes toolkit/i18n/cldr.tsv, the CLDR data campaignkit
// formats dates and numbers with: for every locale CLDR has, its default
// numbering system, its day-month pattern (the MMMMd skeleton), its wide
// month names (format and stand-alone) and its wide day names; the digits
// of every numeric numbering system; and the parents of locales whose
// parent is not found by dropping the last subtag.
//
// It reads the CLDR JSON published on npm as cldr-dates-full,
// cldr-numbers-full and cldr-core, all at the version pinned below, from
// the registry (each tarball checked against its pinned SHA-512) or, with
// -dir, from a folder holding the three tarballs as npm names them.
//
//	go run ./toolkit/i18n/gen            # from the repository's root
//	go run ./toolkit/i18n/gen -dir /tmp/cldr
//
// Tests do not run it: the table it writes is committed. A locale whose
// data is the same as what its parent gives is left out, since looking it
// up falls back to the parent anyway.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// version is the CLDR release, as the npm packages number it.
const version = "48.2.0"

// packages are the npm packages read, with the integrity npm records for
// each tarball (`npm view PKG@VERSION dist.integrity`).
var packages = []struct{ name, integrity string }{
	{"cldr-dates-full", "sha512-zMrKvjMO414HDftLr6vKH1fNQHakFNe+F1h4S0eg+zmL4WRi9pI41fxB3UrTJDY42MEM87jCuAw/qlqCgYKcAQ=="},
	{"cldr-numbers-full", "sha512-0EQ+UkVDsyXOlxnWnL1RIENVZFqCnb04D1Yrku0obnOyttbuZz8tHmUd5c5AEvhGS/Gg2zI4fTaCm51LSGITog=="},
	{"cldr-core", "sha512-zfmLothncSwfv2jlevoSrgI2VGgH8SDGHXst6jUEotHA8nq9Igeg9jzdJDFtBso9pgJuG89DK16TzrmZDdo2Bg=="},
}

func main() {
	dir := flag.String("dir", "", "folder with the npm tarballs (default: download them from registry.npmjs.org)")
	out := flag.String("o", filepath.Join("toolkit", "i18n", "cldr.tsv"), "file to write")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("i18n/gen: ")

	files := map[string][]byte{} // "package/main/fr/ca-gregorian.json" etc., by package
	for _, p := range packages {
		tgz, err := tarball(*dir, p.name)
		if err != nil {
			log.Fatal(err)
		}
		if err := checkIntegrity(tgz, p.integrity); err != nil {
			log.Fatalf("%s: %v", p.name, err)
		}
		if err := untar(tgz, p.name, files); err != nil {
			log.Fatalf("%s: %v", p.name, err)
		}
	}
	table, err := build(files)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, table, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s: %d bytes", *out, len(table))
}

func tarball(dir, name string) ([]byte, error) {
	file := fmt.Sprintf("%s-%s.tgz", name, version)
	if dir != "" {
		return os.ReadFile(filepath.Join(dir, file))
	}
	url := fmt.Sprintf("https://registry.npmjs.org/%s/-/%s", name, file)
	c := &http.Client{Timeout: 5 * time.Minute}
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

func checkIntegrity(data []byte, want string) error {
	sum := sha512.Sum512(data)
	if got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("tarball integrity %s, want %s", got, want)
	}
	return nil
}

// wanted are the files of the packages the table is made from.
var wanted = regexp.MustCompile(`^package/(main/[^/]+/(ca-gregorian|numbers)\.json|supplemental/(parentLocales|numberingSystems)\.json|package\.json)$`)

func untar(tgz []byte, pkg string, files map[string][]byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg || !wanted.MatchString(h.Name) {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return err
		}
		files[pkg+"/"+strings.TrimPrefix(h.Name, "package/")] = data
	}
}

// record is what the table holds for one locale.
type record struct {
	numbers    string // default numbering system
	pattern    string // day-month pattern, e.g. "d MMMM"
	months     [12]string
	standalone [12]string
	days       [7]string // Sunday first
}

func (r record) line(locale string) string {
	alone := strings.Join(r.standalone[:], "|")
	if r.standalone == r.months {
		alone = ""
	}
	return strings.Join([]string{locale, r.numbers, r.pattern, strings.Join(r.months[:], "|"), alone, strings.Join(r.days[:], "|")}, "\t")
}

var dayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// patternLetters are the pattern fields i18n.DayMonth knows.
var patternLetters = regexp.MustCompile(`^(d|dd|M|MM|MMMM|L|LL|LLLL)$`)

func build(files map[string][]byte) ([]byte, error) {
	var pkg struct{ Version string }
	if err := json.Unmarshal(files["cldr-dates-full/package.json"], &pkg); err != nil || pkg.Version != version {
		return nil, fmt.Errorf("cldr-dates-full/package.json: version %q, want %s (%v)", pkg.Version, version, err)
	}
	records := map[string]record{}
	for name, data := range files {
		rest, ok := strings.CutPrefix(name, "cldr-dates-full/main/")
		if !ok {
			continue
		}
		locale := path.Dir(rest)
		if locale == "und" || locale == "root" {
			continue // fallback is English, not root's M01
		}
		r, err := readLocale(locale, data, files["cldr-numbers-full/main/"+locale+"/numbers.json"])
		if err != nil {
			return nil, err
		}
		records[locale] = r
	}
	if _, ok := records["en"]; !ok {
		return nil, fmt.Errorf("no data for en")
	}
	var parents struct {
		Supplemental struct {
			ParentLocales struct {
				ParentLocale map[string]string `json:"parentLocale"`
			} `json:"parentLocales"`
		} `json:"supplemental"`
	}
	if err := json.Unmarshal(files["cldr-core/supplemental/parentLocales.json"], &parents); err != nil {
		return nil, fmt.Errorf("parentLocales.json: %w", err)
	}
	explicit := parents.Supplemental.ParentLocales.ParentLocale
	parent := func(l string) string {
		if p, ok := explicit[l]; ok {
			return p
		}
		if i := strings.LastIndexByte(l, '-'); i > 0 {
			return l[:i]
		}
		return "root"
	}
	// resolve is what a lookup of l finds when l itself is not in the table
	resolve := func(l string) (record, string) {
		for p := parent(l); p != "root"; p = parent(p) {
			if r, ok := records[p]; ok {
				return r, p
			}
		}
		return records["en"], "en"
	}
	var keep []string
	for l, r := range records {
		if pr, from := resolve(l); l != "en" && from != l && pr == r {
			continue // the parent gives the same
		}
		keep = append(keep, l)
	}
	slices.Sort(keep)

	var digits struct {
		Supplemental struct {
			NumberingSystems map[string]struct {
				Type   string `json:"_type"`
				Digits string `json:"_digits"`
			} `json:"numberingSystems"`
		} `json:"supplemental"`
	}
	if err := json.Unmarshal(files["cldr-core/supplemental/numberingSystems.json"], &digits); err != nil {
		return nil, fmt.Errorf("numberingSystems.json: %w", err)
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "# CLDR %s: npm cldr-dates-full, cldr-numbers-full and cldr-core %s (Unicode License v3).\n", version, version)
	fmt.Fprintf(&b, "# Written by `go run ./toolkit/i18n/gen`; do not edit. Lines: @version, =numbering system and digits,\n")
	fmt.Fprintf(&b, "# ^locale and its parent, then locale, numbering, day-month pattern, months, stand-alone months (empty: same), days from Sunday.\n")
	fmt.Fprintf(&b, "@%s\n", version)
	for _, ns := range sortedKeys(digits.Supplemental.NumberingSystems) {
		d := digits.Supplemental.NumberingSystems[ns]
		if d.Type != "numeric" {
			continue
		}
		if n := len([]rune(d.Digits)); n != 10 {
			return nil, fmt.Errorf("numbering system %s has %d digits", ns, n)
		}
		fmt.Fprintf(&b, "=%s\t%s\n", ns, d.Digits)
	}
	for _, child := range sortedKeys(explicit) {
		p := explicit[child]
		if _, ok := records[child]; !ok {
			continue
		}
		if i := strings.LastIndexByte(child, '-'); i > 0 && child[:i] == p {
			continue
		}
		fmt.Fprintf(&b, "^%s\t%s\n", child, p)
	}
	for _, l := range keep {
		b.WriteString(records[l].line(l))
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

func readLocale(locale string, dates, numbers []byte) (record, error) {
	var r record
	var d struct {
		Main map[string]struct {
			Dates struct {
				Calendars struct {
					Gregorian struct {
						Months struct {
							Format     struct{ Wide map[string]string } `json:"format"`
							StandAlone struct{ Wide map[string]string } `json:"stand-alone"`
						} `json:"months"`
						Days struct {
							Format struct{ Wide map[string]string } `json:"format"`
						} `json:"days"`
						DateTimeFormats struct {
							AvailableFormats map[string]string `json:"availableFormats"`
						} `json:"dateTimeFormats"`
					} `json:"gregorian"`
				} `json:"calendars"`
			} `json:"dates"`
		} `json:"main"`
	}
	if err := json.Unmarshal(dates, &d); err != nil {
		return r, fmt.Errorf("%s ca-gregorian.json: %w", locale, err)
	}
	g := d.Main[locale].Dates.Calendars.Gregorian
	r.pattern = g.DateTimeFormats.AvailableFormats["MMMMd"]
	if r.pattern == "" {
		return r, fmt.Errorf("%s: no MMMMd pattern", locale)
	}
	if err := checkPattern(r.pattern); err != nil {
		return r, fmt.Errorf("%s: pattern %q: %w", locale, r.pattern, err)
	}
	for i := range 12 {
		k := fmt.Sprint(i + 1)
		r.months[i] = g.Months.Format.Wide[k]
		r.standalone[i] = g.Months.StandAlone.Wide[k]
	}
	for i, k := range dayKeys {
		r.days[i] = g.Days.Format.Wide[k]
	}
	for _, s := range slices.Concat(r.months[:], r.standalone[:], r.days[:]) {
		if s == "" || strings.ContainsAny(s, "|\t\n") {
			return r, fmt.Errorf("%s: name %q is empty or holds a separator", locale, s)
		}
	}
	var n struct {
		Main map[string]struct {
			Numbers struct {
				DefaultNumberingSystem string `json:"defaultNumberingSystem"`
			} `json:"numbers"`
		} `json:"main"`
	}
	if numbers == nil {
		return r, fmt.Errorf("%s: no numbers.json", locale)
	}
	if err := json.Unmarshal(numbers, &n); err != nil {
		return r, fmt.Errorf("%s numbers.json: %w", locale, err)
	}
	r.numbers = n.Main[locale].Numbers.DefaultNumberingSystem
	if r.numbers == "" {
		return r, fmt.Errorf("%s: no default numbering system", locale)
	}
	return r, nil
}

// checkPattern refuses a pattern with a field i18n.DayMonth cannot fill.
func checkPattern(p string) error {
	quoted := false
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			quoted = !quoted
			i++
		case !quoted && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'):
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			if !patternLetters.MatchString(p[i:j]) {
				return fmt.Errorf("field %q", p[i:j])
			}
			i = j
		default:
			i++
		}
	}
	if quoted {
		return fmt.Errorf("unclosed quote")
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
