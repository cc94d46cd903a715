package web

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"
)

var unLanguages = []string{"en", "fr", "es", "ar", "zh", "ru"}

// TestMessagesInSixLanguages: every word the page says has a translation
// in each of the six UN languages, none left empty or in English by
// mistake, with the same placeholders.
func TestMessagesInSixLanguages(t *testing.T) {
	keys := slices.Sorted(maps.Keys(messages["en"]))
	if got := slices.Sorted(maps.Keys(messages)); !slices.Equal(got, slices.Sorted(slices.Values(unLanguages))) {
		t.Errorf("languages %v, want the six UN languages %v", got, unLanguages)
	}
	same := map[string]bool{"zip": true, "logo": true} // the same word in French
	for _, l := range unLanguages {
		for _, k := range keys {
			v, ok := messages[l][k]
			switch {
			case !ok:
				t.Errorf("%s: no %q", l, k)
			case strings.TrimSpace(v) == "":
				t.Errorf("%s: %q is empty", l, k)
			case l != "en" && v == messages["en"][k] && !same[k]:
				t.Errorf("%s: %q is the English %q", l, k, v)
			}
			for _, ph := range []string{"{name}", "{platform}"} {
				if strings.Contains(messages["en"][k], ph) != strings.Contains(v, ph) {
					t.Errorf("%s: %q does not keep the placeholder %s: %q", l, k, ph, v)
				}
			}
		}
		for k := range messages[l] {
			if _, ok := messages["en"][k]; !ok {
				t.Errorf("%s: %q is not an English key", l, k)
			}
		}
	}
}

// TestPageInItsLanguage shows the toolkit page, plain and co-branded, in
// each language: its words are that language's, and Arabic reads right to
// left.
func TestPageInItsLanguage(t *testing.T) {
	ts := newTestServer(t, nil)
	cobrand := ts.upload(t, solidPNG(t, 60, 20, magenta), "Partner").header.Get("Location")
	for _, l := range unLanguages {
		for _, prefix := range []string{"/", cobrand} {
			t.Run(l+prefix, func(t *testing.T) {
				res := ts.get(t, prefix+"?lang="+l)
				if res.status != 200 {
					t.Fatalf("status %d", res.status)
				}
				dir := "ltr"
				if l == "ar" {
					dir = "rtl"
				}
				m := messages[l]
				want := []string{`<html lang="` + l + `" dir="` + dir + `">`, escaped(m["show"]) + "</button>", escaped(m["downloadAll"]) + "</h2>", escaped(m["skip"]) + "</a>"}
				if prefix == "/" {
					want = append(want, escaped(m["makeCobranded"])+"</button>")
				} else {
					want = append(want, escaped(strings.ReplaceAll(m["cobrandedFor"], "{name}", "Partner"))+"</h1>")
				}
				for _, w := range want {
					if !bytes.Contains(res.body, []byte(w)) {
						t.Errorf("page lacks %q", w)
					}
				}
			})
		}
	}
}
