package campaign

import (
	"slices"
	"strings"
	"testing"
)

func TestHashtagTagOneOrPerLanguage(t *testing.T) {
	card := "  - id: h\n    kind: hashtag\n    tag: %s\n"
	tests := []struct {
		name, tag string
		want      map[string]string
		problem   string // a substring of the one problem expected, "" for none
	}{
		{"one for every language", `"#TestDay"`, map[string]string{"en": "#TestDay", "ar": "#TestDay"}, ""},
		{"per language", `{en: "#TestDay", ar: "#يوم_الاختبار"}`, map[string]string{"en": "#TestDay", "ar": "#يوم_الاختبار"}, ""},
		{"a language missing", `{en: "#TestDay"}`, nil, `cards[2].tag.ar: missing translation in "ar"`},
		{"a bad tag in one language", `{en: "#TestDay", ar: "no hash"}`, nil, `cards[2].tag.ar: want a hashtag starting with #`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(base, "posts:\n", strings.ReplaceAll(card, "%s", tc.tag)+"posts:\n", 1)
			c, ps := parse(t, src, nil)
			if tc.problem != "" {
				if len(ps) != 1 || !strings.Contains(ps[0].String(), tc.problem) {
					t.Fatalf("got problems %v, want one with %q", list(ps), tc.problem)
				}
				return
			}
			if len(ps) > 0 {
				t.Fatalf("got problems %v", list(ps))
			}
			got := c.Cards[2].Tag
			for l, w := range tc.want {
				if got[l] != w {
					t.Errorf("tag in %s: got %q, want %q", l, got[l], w)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("got tag %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPendingLanguage(t *testing.T) {
	// fr is pending: no fr text anywhere, which would be an error for a
	// ready language.
	src := strings.Replace(base, "languages: [en, ar]", "languages: [en, ar, fr]\npending: [fr]", 1)
	c, ps := parse(t, src, nil)
	if len(ps) > 0 {
		t.Fatalf("got problems %v, want none", list(ps))
	}
	if got, want := c.Languages, []string{"en", "ar"}; !slices.Equal(got, want) {
		t.Errorf("built languages: got %v, want %v", got, want)
	}
	if got, want := c.Listed, []string{"en", "ar", "fr"}; !slices.Equal(got, want) {
		t.Errorf("listed languages: got %v, want %v", got, want)
	}
	if got := c.PostLanguages(c.Posts[0]); slices.Contains(got, "fr") {
		t.Errorf("post languages %v include the pending fr", got)
	}
	var fields []string
	for _, w := range c.Warnings {
		if !w.Warning || w.Line == 0 || !strings.Contains(w.Msg, "pending") {
			t.Errorf("warning %v: want a warning with a line saying fr is pending", w)
		}
		fields = append(fields, w.Field)
	}
	want := []string{"title.fr", "cards[0].quote.fr", "cards[0].speaker.fr", "cards[0].role.fr", "cards[1].phrase.fr", "posts[0].text.fr"}
	for _, f := range want {
		if !slices.Contains(fields, f) {
			t.Errorf("no warning for %s; got %v", f, fields)
		}
	}

	for _, tc := range []struct{ name, edit, problem string }{
		{"pending but not listed", "languages: [en, ar]\npending: [fr]", `pending[0]: pending language "fr" is not one of languages`},
		{"everything pending", "languages: [en, ar]\npending: [en, ar]", "pending: every language is pending"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ps := parse(t, strings.Replace(base, "languages: [en, ar]", tc.edit, 1), nil)
			if !strings.Contains(list(ps), tc.problem) {
				t.Errorf("got %v, want a problem with %q", list(ps), tc.problem)
			}
		})
	}
}
