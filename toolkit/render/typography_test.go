package render_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/i18n"
	"github.com/campaignkit/campaignkit/toolkit/render"
)

func TestKeepNumbers(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"20 000+", "20\u00a0000+"},
		{"1 234 567", "1\u00a0234\u00a0567"},
		{"304 millions", "304 millions"},
		{"304 млн", "304 млн"},
		{"+20,000", "+20,000"},
		{"в 2 раза", "в 2 раза"},
		{"3.04亿", "3.04亿"},
		{"", ""},
	} {
		if got := render.KeepNumbers(c.in); got != c.want {
			t.Errorf("KeepNumbers(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestFigureNeverBreaksInsideANumber: "20 000+" (a space between digit
// groups, as French writes it) set where it needs two lines broke into
// "20" and "000+" on X and LinkedIn; it stays whole.
func TestFigureNeverBreaksInsideANumber(t *testing.T) {
	fsys := fixtureFS(t)
	fsys["campaign.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(fixture, "figure: {en: 304 million,", `figure: {en: "20 000+",`, 1))}
	e := newEnv(t, fsys, "campaign.yaml")
	card, _ := e.c.CardByID("stat")
	for _, pn := range []string{"x", "linkedin", "instagram-square"} {
		p, _ := toolkit.PresetByName(pn)
		for _, th := range []string{"un-blue", "community", "high-contrast"} {
			res := e.render(t, card, "en", p, th)
			for _, pl := range res.Text {
				if pl.Name != "figure" {
					continue
				}
				if got := pl.Block.LineTexts(); len(got) != 1 {
					t.Errorf("%s %s: figure set as %q, want one line", pn, th, got)
				}
			}
		}
	}
}

// TestWrappedTitleBreaksAfterTheDot: poster sets the title in a narrow
// column, where it takes several lines; no line starts with the dot, and
// the date ("18 de diciembre") is never split.
func TestWrappedTitleBreaksAfterTheDot(t *testing.T) {
	e := newEnv(t, nil, "")
	card, _ := e.c.CardByID("hashtag-community")
	wrapped := 0
	for _, pn := range []string{"instagram-square", "story", "x", "linkedin"} {
		p, _ := toolkit.PresetByName(pn)
		for _, lang := range e.c.Languages {
			res := e.render(t, card, lang, p, "poster")
			date := i18n.DayMonth(lang, e.c.Day.Time.Month(), e.c.Day.Day())
			for _, pl := range res.Text {
				if pl.Name != "title" {
					continue
				}
				lines := pl.Block.LineTexts()
				if len(lines) > 1 {
					wrapped++
				}
				for _, l := range lines {
					if strings.HasPrefix(l, "·") {
						t.Errorf("%s %s: title lines %q: one starts with the dot", pn, lang, lines)
					}
				}
				if last := lines[len(lines)-1]; !strings.HasSuffix(last, strings.ToUpper(date)) {
					t.Errorf("%s %s: title lines %q: the date %q is split", pn, lang, lines, date)
				}
			}
		}
	}
	if wrapped == 0 {
		t.Error("no title wrapped: the test checks nothing")
	}
}
