package render_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/campaignkit/campaignkit/toolkit"
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
