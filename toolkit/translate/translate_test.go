package translate

import (
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

func demo(t *testing.T, edit func(string) string) (*campaign.Campaign, []byte) {
	t.Helper()
	data, err := fs.ReadFile(assets.Demo, assets.DemoFile)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		data = []byte(edit(string(data)))
	}
	c, err := campaign.Parse(assets.Demo, assets.DemoFile, data)
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	return c, data
}

// exchange exports lang in format, lets fill change the units, and reads
// the file back as a translator's tool would hand it over.
func exchange(t *testing.T, c *campaign.Campaign, data []byte, lang, format string, fill func(*Unit)) *File {
	t.Helper()
	f, err := Export(c, data, lang)
	if err != nil {
		t.Fatal(err)
	}
	if fill != nil {
		for i := range f.Units {
			fill(&f.Units[i])
		}
	}
	var b bytes.Buffer
	if err := Write(&b, format, f); err != nil {
		t.Fatal(err)
	}
	back, err := Read("fr"+Ext[format], b.Bytes())
	if err != nil {
		t.Fatalf("%s: reading what was written: %v\n%s", format, err, b.String())
	}
	return back
}

// TestRoundTripLeavesTheDemoAsItIs: export the demo's French, import it
// unchanged, in every format: not one byte of the campaign file changes.
func TestRoundTripLeavesTheDemoAsItIs(t *testing.T) {
	c, data := demo(t, nil)
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			for _, lang := range []string{"fr", "ar", "zh"} {
				f := exchange(t, c, data, lang, format, nil)
				if f.SourceLang != "en" || f.TargetLang != lang {
					t.Errorf("languages: got %s to %s, want en to %s", f.SourceLang, f.TargetLang, lang)
				}
				res, err := Import(c, data, f)
				if err != nil {
					t.Fatalf("%s: %v", lang, err)
				}
				if !bytes.Equal(res.Data, data) {
					t.Errorf("%s: the campaign file changed", lang)
				}
				if res.Changed != 0 || res.Same == 0 || len(res.Warnings) > 0 {
					t.Errorf("%s: changed %d, same %d, warnings %v; want 0 changed, all the same, no warnings", lang, res.Changed, res.Same, res.Warnings)
				}
			}
		})
	}
}

func TestExportUnits(t *testing.T) {
	c, data := demo(t, nil)
	f, err := Export(c, data, "ar")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Unit{}
	for _, u := range f.Units {
		byID[u.ID] = u
	}
	guterres := byID["posts.guterres.text"]
	if guterres.Limit != 280 || guterres.Platform != "x" || !strings.Contains(guterres.Context, "mastodon, bluesky, x") {
		t.Errorf("posts.guterres.text: limit %d on %q, context %q; want x's 280 and its channels", guterres.Limit, guterres.Platform, guterres.Context)
	}
	if u := byID["cards.quote-guterres.speaker"]; u.Source != "António Guterres" || u.Target != "أنطونيو غوتيريش" || u.State != Translated {
		t.Errorf("speaker: got %+v", u)
	}
	// Arabic has six plural forms; English only one and other
	if u, ok := byID["cards.countdown.phrase.few"]; !ok || u.Source != "{n} days to International Migrants Day" || u.State != Translated {
		t.Errorf("phrase.few: got %+v (present %v)", u, ok)
	}
	if u, ok := byID["cards.countdown.phrase.zero"]; !ok || u.Target != "" || u.State != Initial {
		t.Errorf("phrase.zero: got %+v (present %v); want it to translate", u, ok)
	}
	if _, ok := byID["cards.hashtag-community.tag"]; ok {
		t.Error("a tag written once for every language is exported")
	}
	for _, bad := range []string{"en", "de", ""} {
		if _, err := Export(c, data, bad); err == nil {
			t.Errorf("Export(%q): no error", bad)
		}
	}
}

// TestImportNewLanguage translates the demo into a pending language it has
// no text in: values are added in the file's own style (a key in block
// and flow mappings, a mapping of plural forms, a list of key messages),
// every comment stays, and exporting and importing again changes nothing.
func TestImportNewLanguage(t *testing.T) {
	c, data := demo(t, func(s string) string {
		return strings.Replace(s, "languages: [en, fr, es, ar, zh, ru]", "languages: [en, fr, es, ar, zh, ru, de]\npending: [de]", 1)
	})
	fill := func(u *Unit) {
		if u.Target == "" {
			u.Target = "DE " + u.Source
			if len(u.Target) > 200 {
				u.Target = "DE " + u.Source[:150]
			}
			u.State = Translated
		}
	}
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			f := exchange(t, c, data, "de", format, fill)
			res, err := Import(c, data, f)
			if err != nil {
				t.Fatal(err)
			}
			if res.Changed != len(f.Units) || !res.Complete {
				t.Errorf("changed %d of %d, complete %v; want all, and de complete", res.Changed, len(f.Units), res.Complete)
			}
			for _, line := range strings.Split(string(data), "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "#") && !strings.Contains(string(res.Data), line) {
					t.Errorf("the comment %q is gone", line)
				}
			}
			nc, err := campaign.Parse(assets.Demo, assets.DemoFile, bytes.Replace(res.Data, []byte("pending: [de]"), []byte("pending: []"), 1))
			if err != nil {
				t.Fatalf("the campaign with German in, de no longer pending: %v", err)
			}
			checks := map[string][2]string{
				"title":   {nc.Title["de"], "DE International Migrants Day"},
				"speaker": {nc.Cards[2].Speaker["de"], "DE António Guterres"},
				"role":    {nc.Cards[3].Role["de"], "DE Director General of IOM (2018–2023)"},
				"message": {nc.Messages["de"][2], "DE " + nc.Messages["en"][2]},
				"phrase":  {nc.Cards[10].Phrase["de"]["one"], "DE {n} day to International Migrants Day"},
				"post":    {nc.Posts[0].Text["de"], "DE " + nc.Posts[0].Text["en"]},
			}
			for what, gw := range checks {
				if gw[0] != gw[1] {
					t.Errorf("%s: got %q, want %q", what, gw[0], gw[1])
				}
			}
			nc2, err := campaign.Parse(assets.Demo, assets.DemoFile, res.Data)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Import(nc2, res.Data, exchange(t, nc2, res.Data, "de", format, nil))
			if err != nil || !bytes.Equal(again.Data, res.Data) {
				t.Errorf("a second round trip changed the file (err %v)", err)
			}
		})
	}
}

func TestImportEditsOnlyTheValue(t *testing.T) {
	c, data := demo(t, nil)
	f := exchange(t, c, data, "fr", "po", func(u *Unit) {
		if u.ID == "cards.quote-guterres.speaker" {
			u.Target = "A. Guterres"
		}
		if u.ID == "tagline" {
			u.Target = "Ensemble, « en communauté »"
		}
	})
	res, err := Import(c, data, f)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(string(data), "fr: António Guterres,", `fr: "A. Guterres",`, 1)
	want = strings.Replace(want, "fr: Ensemble, en communauté\n", "fr: \"Ensemble, « en communauté »\"\n", 1)
	if string(res.Data) != want || res.Changed != 2 {
		t.Errorf("changed %d; the file is not the original with the two values replaced", res.Changed)
	}
}

func TestImportProblems(t *testing.T) {
	c, data := demo(t, nil)
	tests := []struct {
		name, id, target, want string
	}{
		{"unknown text", "cards.no-such-card.quote", "x", "the campaign has no such text"},
		{"lost placeholder", "cards.countdown.phrase.other", "Plus que quelques jours", "no {n} where the number of days goes"},
		{"over a channel's limit", "posts.guterres.text", strings.Repeat("très long ", 40), "is too long for x"},
		{"a refused character", "tagline", "Ensemble \u202e", "RIGHT-TO-LEFT OVERRIDE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, format := range Formats {
				f := exchange(t, c, data, "fr", format, nil)
				line := 0
				for i := range f.Units {
					if f.Units[i].ID == tc.id || (i == 5 && tc.id == "cards.no-such-card.quote") {
						f.Units[i].ID, f.Units[i].Target = tc.id, tc.target
						line = f.Units[i].Line
						break
					}
				}
				_, err := Import(c, data, f)
				var ie *toolkit.InvalidError
				if !errors.As(err, &ie) {
					t.Fatalf("%s: got %v, want problems", format, err)
				}
				found := false
				for _, p := range ie.Problems {
					if p.Line != line || line == 0 || p.File != "fr"+Ext[format] {
						t.Errorf("%s: %v is not at fr%s:%d", format, p, Ext[format], line)
					}
					found = found || strings.Contains(p.Msg, tc.want)
				}
				if !found {
					t.Errorf("%s: got %v, want %q", format, err, tc.want)
				}
			}
		})
	}
}

func TestReadLines(t *testing.T) {
	po := "msgid \"\"\nmsgstr \"\"\n\"Language: fr\\n\"\n\n#. ctx\nmsgctxt \"title\"\nmsgid \"Day\"\nmsgstr \"Jour\"\n\nmsgctxt \"tagline\"\nmsgid \"A\"\nmsgstr \"\"\n\"B \\\"C\\\"\"\n"
	f, err := Read("x.po", []byte(po))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Units) != 2 || f.Units[0].Line != 8 || f.Units[1].Target != `B "C"` || f.Units[1].Line != 12 || f.TargetLang != "fr" {
		t.Errorf("got %+v", f)
	}
	for _, bad := range []struct{ name, data, want string }{
		{"x.po", "msgid \"\"\nmsgstr \"\"\n\"Language: fr\\n\"\nmsgctxt \"t\"\nmsgid \"a\nmsgstr \"b\"\n", "x.po:5:"},
		{"x.xlf", "<xliff version=\"2.0\" trgLang=\"fr\">\n<file>\n<unit id=\"t\"><segment><source>a</source><target>b</targt></segment></unit></file></xliff>", "x.xlf:3:"},
		{"x.csv", "id,context,limit,state,en,fr\ntitle,c,,translated,\"a,b\n", "x.csv:2:"},
	} {
		_, err := Read(bad.name, []byte(bad.data))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: got %v, want a problem at %s", bad.name, err, bad.want)
		}
	}
}
