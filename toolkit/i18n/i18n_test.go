package i18n

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		tag    string
		script string
		rtl    bool
		family Family
	}{
		{"en", "Latn", false, NotoSans},
		{"en-GB", "Latn", false, NotoSans},
		{"fr", "Latn", false, NotoSans},
		{"ru", "Cyrl", false, NotoSans},
		{"el", "Grek", false, NotoSans},
		{"sr", "Cyrl", false, NotoSans},
		{"sr-Latn", "Latn", false, NotoSans},
		{"sr-Cyrl", "Cyrl", false, NotoSans},
		{"ar", "Arab", true, NotoNaskhArabic},
		{"fa", "Arab", true, NotoNaskhArabic},
		{"ur", "Arab", true, NotoNaskhArabic},
		{"ps", "Arab", true, NotoNaskhArabic},
		{"arz", "Arab", true, NotoNaskhArabic},
		{"ckb", "Arab", true, NotoNaskhArabic},
		{"ckb-IQ", "Arab", true, NotoNaskhArabic},
		{"pa-Arab", "Arab", true, NotoNaskhArabic},
		{"az-Arab", "Arab", true, NotoNaskhArabic},
		{"he", "Hebr", true, NoFont},
		{"yi", "Hebr", true, NoFont},
		{"dv", "Thaa", true, NoFont},
		{"nqo", "Nkoo", true, NoFont},
		{"ff-Adlm", "Adlm", true, NoFont},
		{"zh", "Hans", false, NotoSansCJK},
		{"zh-Hans", "Hans", false, NotoSansCJK},
		{"zh-Hant", "Hant", false, NotoSansCJK},
		{"ja", "Jpan", false, NotoSansCJK},
		{"ko", "Kore", false, NotoSansCJK},
		{"hi", "Deva", false, NoFont},
		{"am", "Ethi", false, NoFont},
		{"mid", "Zzzz", false, NoFont}, // Mandaic: x/text knows no likely script
		{"en-u-nu-arab", "Latn", false, NotoSans},
	}
	for _, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			l, err := Parse(tt.tag)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.tag, err)
			}
			if got := l.Script.String(); got != tt.script {
				t.Errorf("script %s, want %s", got, tt.script)
			}
			if l.RTL != tt.rtl {
				t.Errorf("RTL %v, want %v", l.RTL, tt.rtl)
			}
			if l.Family != tt.family {
				t.Errorf("family %q, want %q", l.Family, tt.family)
			}
			if l.String() != tt.tag {
				t.Errorf("String() = %q, want the tag as given", l.String())
			}
			// Of and the shortcuts agree with Parse on a valid tag.
			if Of(tt.tag) != l || IsRTL(tt.tag) != tt.rtl {
				t.Errorf("Of/IsRTL disagree with Parse")
			}
			wantDir := map[bool]string{true: "rtl", false: "ltr"}[tt.rtl]
			if Dir(tt.tag) != wantDir {
				t.Errorf("Dir = %q, want %q", Dir(tt.tag), wantDir)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct{ tag, msg string }{
		{"", "empty language tag"},
		{"xx", "not a known language"},
		{"zz-ZZ", "not a known language"},
		{"und", "names no language"},
		{"und-Latn", "names no language"},
		{"x-klingon", "names no language"},
		{"en_US", `as "en-US"`},
		{"EN", `as "en"`},
		{"zh-hant", `as "zh-Hant"`},
		{"iw", `as "he"`}, // deprecated code
		{"sh", `as "sr-Latn"`},
		{"en-ZZ", "private-use region"},
		{"en-QM", "private-use region"},
		{"english", "not a known language"},
		{"e", "not a known language"},
		{"en-", "not a known language"},
		{"en us", "not a known language"},
		{"../../etc", "not a known language"},
		{"en-" + strings.Repeat("a1234567-", 5), "at most 35"},
	}
	for _, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			l, err := Parse(tt.tag)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error", tt.tag, l)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
		})
	}
}

// Of never fails: what a caller gets for a tag nobody validated.
func TestOfUnvalidated(t *testing.T) {
	for _, tag := range []string{"", "xx", "und", "garbage!"} {
		if l := Of(tag); l.RTL {
			t.Errorf("Of(%q) is right to left", tag)
		}
	}
	if !IsRTL("ar-EG") || !IsRTL("fa-IR") || IsRTL("en") {
		t.Error("IsRTL wrong for a region subtag")
	}
}

func TestFontErr(t *testing.T) {
	tests := []struct{ tag, want string }{
		{"en", ""},
		{"ar", ""},
		{"zh-Hant", ""},
		{"he", "no font for Hebrew script"},
		{"hi", "no font for Devanagari script"},
		{"mid", "script is not known"},
	}
	for _, tt := range tests {
		err := Of(tt.tag).FontErr()
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v, want a font", tt.tag, err)
			}
			continue
		}
		var nf *NoFontError
		if !errors.As(err, &nf) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want a *NoFontError saying %q", tt.tag, err, tt.want)
		}
	}
}

func TestRuneScript(t *testing.T) {
	tests := []struct {
		r    rune
		want string
	}{
		{'a', "Latin"},
		{'ש', "Hebrew"},
		{'क', "Devanagari"},
		{'ب', "Arabic"},
		{'中', "Han"},
		{'ሀ', "Ethiopic"},
		{'\U00010300', "Old Italic"},
		{'😀', ""},
		{'1', ""},
		{'!', ""},
	}
	for _, tt := range tests {
		if got := RuneScript(tt.r); got != tt.want {
			t.Errorf("RuneScript(%q) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

// Every script the table says runs right to left has a name, and every
// embedded family is reachable from some script.
func TestScriptTable(t *testing.T) {
	fams := map[Family]bool{}
	for code, s := range scripts {
		sc, ok := ParseScript(code)
		if !ok || sc.String() != code {
			t.Errorf("%s is not an ISO 15924 code x/text knows", code)
		}
		if s.name == "" {
			t.Errorf("%s has no name", code)
		}
		fams[s.family] = true
	}
	for _, f := range []Family{NotoSans, NotoNaskhArabic, NotoSansCJK} {
		if !fams[f] {
			t.Errorf("no script is drawn with %s", f)
		}
	}
}
