package i18n

import (
	"strings"
	"testing"
	"time"
)

func TestDayMonth(t *testing.T) {
	tests := []struct {
		lang string
		want string
	}{
		{"en", "18 December"}, {"en-US", "December 18"}, {"en-GB", "18 December"},
		{"en-GB", "18 December"},
		{"fr", "18 décembre"},
		{"es", "18 de diciembre"},
		{"ar", "18 ديسمبر"},    // CLDR: Arabic's default numbering system is latn
		{"ar-EG", "١٨ ديسمبر"}, // and Egypt's arab
		{"zh", "12月18日"},
		{"zh-Hant", "12月18日"},
		{"ru", "18 декабря"}, // genitive, as in a date
		{"de", "18. Dezember"},
		{"pl", "18 grudnia"},
		{"fa", "۱۸ دسامبر"}, // stand-alone month name (LLLL), Persian digits
		{"hi", "18 दिसंबर"}, // CLDR: Hindi's default is latn, deva is its native
		{"ja", "12月18日"},
		{"sw", "18 Desemba"},
		{"en-u-nu-arab", "١٨ December"}, // the tag asks for other digits
		{"es-419", "18 de diciembre"},
		{"ain", "December 18"}, // no CLDR data: English
	}
	for _, tt := range tests {
		if got := DayMonth(tt.lang, time.December, 18); got != tt.want {
			t.Errorf("DayMonth(%s, December, 18) = %q, want %q", tt.lang, got, tt.want)
		}
	}
}

func TestDayMonthPadding(t *testing.T) {
	// a pattern with a two-letter field pads it
	if got := DayMonth("bua", time.March, 5); !strings.HasPrefix(got, "03 ") || !strings.HasSuffix(got, " 5") {
		t.Errorf("DayMonth(bua, March, 5) = %q, want 03 … 5 (pattern MM 'һарын' d)", got)
	}
}

func TestWeekdayName(t *testing.T) {
	friday := time.Date(2026, 12, 18, 0, 0, 0, 0, time.UTC).Weekday()
	tests := []struct{ lang, want string }{
		{"en", "Friday"}, {"fr", "vendredi"}, {"es", "viernes"}, {"ar", "الجمعة"}, {"zh", "星期五"},
		{"ru", "пятница"}, {"de", "Freitag"}, {"pl", "piątek"}, {"fa", "جمعه"}, {"hi", "शुक्रवार"},
		{"ja", "金曜日"}, {"sw", "Ijumaa"},
	}
	for _, tt := range tests {
		if got := WeekdayName(tt.lang, friday); got != tt.want {
			t.Errorf("WeekdayName(%s, Friday) = %q, want %q", tt.lang, got, tt.want)
		}
	}
}

func TestMonthName(t *testing.T) {
	tests := []struct{ lang, want string }{
		{"en", "December"}, {"ru", "декабря"}, {"pl", "grudnia"}, {"ar", "ديسمبر"}, {"ja", "12月"},
	}
	for _, tt := range tests {
		if got := MonthName(tt.lang, time.December); got != tt.want {
			t.Errorf("MonthName(%s, December) = %q, want %q", tt.lang, got, tt.want)
		}
	}
}

func TestDigits(t *testing.T) {
	tests := []struct {
		lang   string
		system string
		want   string
	}{
		{"en", "latn", "1907"},
		{"ar", "latn", "1907"}, // CLDR 48: latn is Arabic's default, arab its native
		{"ar-EG", "arab", "١٩٠٧"},
		{"ar-SA", "arab", "١٩٠٧"},
		{"ar-MA", "latn", "1907"},
		{"fa", "arabext", "۱۹۰۷"},
		{"hi", "latn", "1907"}, // deva is native, not default
		{"bn", "beng", "১৯০৭"},
		{"mr", "deva", "१९०७"},
		{"ar-u-nu-arab", "arab", "١٩٠٧"},
		{"fa-u-nu-latn", "latn", "1907"},
		{"en-u-nu-xxxx", "latn", "1907"}, // no such system: the locale's
	}
	for _, tt := range tests {
		if got := NumberingSystem(tt.lang); got != tt.system {
			t.Errorf("NumberingSystem(%s) = %q, want %q", tt.lang, got, tt.system)
		}
		if got := Digits(tt.lang, 1907); got != tt.want {
			t.Errorf("Digits(%s, 1907) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	if got := Digits("fa", 0); got != "۰" {
		t.Errorf("Digits(fa, 0) = %q, want ۰", got)
	}
	if got := Digits("ar-EG", -3); got != "-٣" {
		t.Errorf("Digits(ar-EG, -3) = %q, want -٣", got)
	}
}

func TestLocaleFallback(t *testing.T) {
	tests := []struct{ lang, want string }{
		{"es", "es"},
		{"es-419", "es"}, // CLDR has es-419, with nothing of its own for dates and digits
		{"es-MX", "es"},  // via es-419, its explicit parent
		{"fr-CA", "fr"},
		{"es-PE", "es-PE"}, // which has a month name of its own: setiembre
		{"fr-SN", "fr"},
		{"en-AU", "en-001"}, // CLDR's explicit parent
		{"zh-TW", "zh-Hant"},
		{"zh-Hant-HK", "zh-Hant"},
		{"sr-ME", "sr-Latn-ME"}, // Latin is the script of Serbian in Montenegro
		{"ar-EG", "ar-EG"},
		{"de-AT-1996", "de-AT"},
		{"ain", "en"}, // a language CLDR has no dates for
		{"tlh", "en"},
		{"", "en"},
	}
	for _, tt := range tests {
		if got := Locale(tt.lang); got != tt.want {
			t.Errorf("Locale(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
}

func TestCLDRTable(t *testing.T) {
	d := cldr()
	if d.version != CLDRVersion {
		t.Errorf("cldr.tsv is CLDR %s, CLDRVersion says %s: run go generate ./toolkit/i18n", d.version, CLDRVersion)
	}
	if n := len(d.locales); n < 300 {
		t.Errorf("%d locales, want the several hundred CLDR has that differ from their parent", n)
	}
	for _, l := range d.locales {
		if _, ok := d.digits[l.numbers]; !ok {
			t.Errorf("locale %s: numbering system %s has no digits", l.name, l.numbers)
		}
		for m := range 12 {
			if l.months[m] == "" || l.standalone[m] == "" {
				t.Errorf("locale %s: month %d has no name", l.name, m+1)
			}
		}
	}
}
