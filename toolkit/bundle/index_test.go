package bundle

import (
	"bytes"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var (
	attrRe   = regexp.MustCompile(`\s(src|href)="([^"]*)"`)
	idRe     = regexp.MustCompile(`\sid="([^"]*)"`)
	forRe    = regexp.MustCompile(`<label for="([^"]*)"`)
	fieldRe  = regexp.MustCompile(`<(?:textarea|select) id="([^"]*)"`)
	styleRe  = regexp.MustCompile(`(?s)<style>(.*?)</style>`)
	scriptRe = regexp.MustCompile(`(?s)<script>(.*?)</script>`)
	cspRe    = regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`)
)

// TestIndexLinks checks that every link and image of the page is a
// relative path to a file of the bundle (or an anchor on the page), so the
// page works from disk with no network.
func TestIndexLinks(t *testing.T) {
	m := testManifest()
	_, root := testTree(t, m, testImages(t, m))
	tree := readTree(t, root)
	page := string(tree["index.html"])
	ids := map[string]int{}
	for _, id := range idRe.FindAllStringSubmatch(page, -1) {
		ids[id[1]]++
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("id %q is used %d times", id, n)
		}
	}
	links := attrRe.FindAllStringSubmatch(page, -1)
	if len(links) < len(m.Images) {
		t.Fatalf("only %d links and images", len(links))
	}
	for _, l := range links {
		ref := html.UnescapeString(l[2])
		if id, ok := strings.CutPrefix(ref, "#"); ok {
			if ids[id] == 0 {
				t.Errorf("%s=%q: no element has that id", l[1], ref)
			}
			continue
		}
		u, err := url.Parse(ref)
		if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "/") {
			t.Errorf("%s=%q is not a relative path", l[1], ref)
			continue
		}
		if _, ok := tree[u.Path]; !ok {
			t.Errorf("%s=%q: no such file in the bundle", l[1], ref)
		}
	}
	// the copy in a zip has no links to the zips, which are not in it
	inZip, err := indexHTML(m, false)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(inZip, []byte(".zip")) {
		t.Error("the page inside a zip links to a zip")
	}
	for _, l := range m.Campaign.Languages {
		if !strings.Contains(page, `href="`+m.Campaign.Slug+"-"+l+`.zip"`) {
			t.Errorf("no link to the %s zip", l)
		}
	}
}

func TestIndexHTML(t *testing.T) {
	m := testManifest()
	b, err := IndexHTML(m)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	if again, _ := IndexHTML(m); !bytes.Equal(b, again) {
		t.Error("the same manifest gave two different pages")
	}

	// self-contained, and allowed to run only its own style and script
	style := styleRe.FindStringSubmatch(page)
	script := scriptRe.FindStringSubmatch(page)
	csp := cspRe.FindStringSubmatch(page)
	if style == nil || script == nil || csp == nil {
		t.Fatal("the page lacks its inline style, script or Content-Security-Policy")
	}
	policy := html.UnescapeString(csp[1])
	for _, want := range []string{"default-src 'none'", "style-src '" + cspHash(style[1]) + "'", "script-src '" + cspHash(script[1]) + "'"} {
		if !strings.Contains(policy, want) {
			t.Errorf("the policy %q lacks %q", policy, want)
		}
	}
	if strings.Contains(style[1], "url(") || strings.Contains(style[1], "@import") {
		t.Error("the style loads something")
	}
	for _, bad := range []string{` src="http`, ` href="http`, "<link ", "<iframe", " style="} {
		if strings.Contains(page, bad) {
			t.Errorf("the page has %q", bad)
		}
	}

	// landmarks, skip link, labelled controls
	for _, want := range []string{`<a class="skip" href="#main">`, `<header>`, `<nav aria-label=`, `<main id="main"`, `<footer>`, `<html lang="en" dir="ltr">`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	labelled := map[string]bool{}
	for _, l := range forRe.FindAllStringSubmatch(page, -1) {
		labelled[l[1]] = true
	}
	fields := fieldRe.FindAllStringSubmatch(page, -1)
	if len(fields) < 2 {
		t.Fatalf("only %d form fields", len(fields))
	}
	for _, f := range fields {
		if !labelled[f[1]] {
			t.Errorf("field %q has no label", f[1])
		}
	}

	// each language in its own section, Arabic right to left
	for _, c := range []struct{ lang, dir string }{{"en", "ltr"}, {"ar", "rtl"}, {"zh", "ltr"}} {
		want := `data-lang="` + c.lang + `" lang="` + c.lang + `" dir="` + c.dir + `"`
		if !strings.Contains(page, want) {
			t.Errorf("no section with %s", want)
		}
	}

	// captions escaped, not interpreted, and kept whole
	mastodon := m.Posts[0].Captions["mastodon"]
	if !strings.Contains(page, "readonly rows=\"3\">\n"+html.EscapeString(mastodon)+"</textarea>") {
		t.Errorf("the Mastodon caption is not in its text box as written:\n%s", html.EscapeString(mastodon))
	}
	if strings.Contains(page, "<b>not bold</b>") {
		t.Error("a caption's markup reached the page unescaped")
	}
	for _, p := range m.Posts {
		for pl, c := range p.Captions {
			if !strings.Contains(page, html.EscapeString(c)) {
				t.Errorf("the %s caption of %s is missing", pl, p.ID)
			}
			if !strings.Contains(page, `data-platform="`+pl+`" data-limit="`) {
				t.Errorf("no count for %s", pl)
			}
		}
	}
	// previews: the square image with its alt text
	if !strings.Contains(page, `<img loading="lazy" src="cards/ar/quote-guterres/instagram-square.png" alt="`+html.EscapeString(m.Images[imageIndex(m, "cards/ar/quote-guterres/instagram-square.png")].Alt)) {
		t.Error("the Arabic quote card's preview is not the square image with its alt text")
	}
}

func TestIndexPreviewFallback(t *testing.T) {
	m := &Manifest{
		Campaign: ManifestCampaign{Name: "Small", Slug: "small", Languages: []string{"fr"}},
		Images: []Image{
			{Path: "cards/fr/c/x.png", Card: "c", Lang: "fr", Preset: "x", Width: 1600, Height: 900, Alt: "Une carte."},
			{Path: "cards/fr/c/story.png", Card: "c", Lang: "fr", Preset: "story", Width: 1080, Height: 1920},
			{Path: "cards/fr/d/og.png", Card: "d", Lang: "fr", Preset: "og", Width: 1200, Height: 630},
		},
	}
	b, err := IndexHTML(m)
	if err != nil {
		t.Fatal(err)
	}
	// no square image: the first one; without alt text, at least a name
	for _, want := range []string{`src="cards/fr/c/x.png" alt="Une carte."`, `src="cards/fr/d/og.png" alt="d card"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// sizes listed in the presets' order: story before x
	if i, j := bytes.Index(b, []byte(`href="cards/fr/c/story.png"`)), bytes.Index(b, []byte(`href="cards/fr/c/x.png"`)); i < 0 || j < 0 || i > j {
		t.Error("download links not in the presets' order")
	}
}
