package web

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
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
	same := map[string]bool{"zip": true, "logo": true, "error": true} // the same word in French or Spanish
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
			for _, ph := range []string{"{name}", "{platform}", "{n}", "{zone}", "{id}"} {
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

// TestPluralMessages: a message with plural forms has, in each language,
// a form for every category the language gives a count (or "other"), and
// the count in every form.
func TestPluralMessages(t *testing.T) {
	for _, l := range unLanguages {
		for k, v := range messages[l] {
			if !strings.Contains(v, "|") && !strings.HasPrefix(v, "other:") {
				continue
			}
			forms := map[string]bool{}
			for _, f := range strings.Split(v, "|") {
				cat, text, ok := strings.Cut(f, ":")
				if !ok || !slices.Contains(pluralForms, cat) {
					t.Errorf("%s: %q: form %q is not named by a plural category %v", l, k, f, pluralForms)
					continue
				}
				forms[cat] = true
				if !strings.Contains(text, "{n}") {
					t.Errorf("%s: %q: form %s lacks {n}: %q", l, k, cat, text)
				}
			}
			for n := range 1000 {
				if cat := campaign.PluralForm(l, n); !forms[cat] && !forms["other"] {
					t.Errorf("%s: %q has no form for %d (%s) and no other", l, k, n, cat)
				}
			}
		}
	}
	cases := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "No runner is publishing: 1 post is due or waiting within the hour."},
		{"en", 3, "No runner is publishing: 3 posts are due or waiting within the hour."},
		{"ru", 2, "Ни один процесс не публикует: 2 публикации должны выйти сейчас или в течение часа."},
		{"ru", 5, "Ни один процесс не публикует: 5 публикаций должны выйти сейчас или в течение часа."},
		{"zh", 1, "没有正在运行的发布进程：有 1 条帖子已到发布时间或将在一小时内发布。"},
	}
	for _, c := range cases {
		if got := plural(c.lang, messages[c.lang]["banner"], c.n); got != c.want {
			t.Errorf("banner in %s for %d: %q, want %q", c.lang, c.n, got, c.want)
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
