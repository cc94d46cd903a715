package bundle

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
)

func TestPostsCSV(t *testing.T) {
	m := testManifest()
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
	if !slices.Equal(rows[0], postsHeader) {
		t.Errorf("header %q, want %q", rows[0], postsHeader)
	}
	type key struct{ id, platform string }
	got := map[key][]string{}
	var order []string
	for _, r := range rows[1:] {
		got[key{r[9], r[3]}] = r
		order = append(order, r[0]+" "+r[9]+" "+r[3])
	}
	want := 0
	for _, p := range m.Posts {
		for pl, caption := range p.Captions {
			want++
			r, ok := got[key{p.ID, pl}]
			if !ok {
				t.Errorf("no row for post %s on %s", p.ID, pl)
				continue
			}
			wantRow := []string{p.At, p.Local, p.Timezone, pl, p.Lang, p.Card, caption,
				strings.Join(p.Images, " "), strings.Join(postAlt(m, p), " | "), p.ID}
			if !slices.Equal(r, wantRow) {
				t.Errorf("row for %s on %s:\n got %q\nwant %q", p.ID, pl, r, wantRow)
			}
		}
	}
	if len(rows)-1 != want {
		t.Errorf("%d rows, want %d (one per post and caption)", len(rows)-1, want)
	}
	// time order; within a post, platforms in campaign.Platforms order
	wantOrder := []string{
		"2026-12-16T18:30:00Z p-en-2 threads", "2026-12-16T18:30:00Z p-en-2 instagram",
		"2026-12-17T12:00:00Z p-zh-1 x", "2026-12-17T12:00:00Z p-zh-1 linkedin",
		"2026-12-18T09:00:00Z p-en-1 x", "2026-12-18T09:00:00Z p-en-1 bluesky", "2026-12-18T09:00:00Z p-en-1 mastodon",
		"2026-12-18T10:00:00Z p-ar-1 x", "2026-12-18T10:00:00Z p-ar-1 facebook",
	}
	if !slices.Equal(order, wantOrder) {
		t.Errorf("row order\n got %q\nwant %q", order, wantOrder)
	}
	// the alt text of the zh post: its own for the second image, the
	// manifest's for the first
	if r := got[key{"p-zh-1", "x"}]; r[8] != m.Images[imageIndex(m, "cards/zh/stat-migrants/x.png")].Alt+" | 据世卫组织统计，国际移民达3.04亿（方形）。" {
		t.Errorf("alt text column %q", r[8])
	}
	if again := PostsCSV(m); !bytes.Equal(data, again) {
		t.Error("the same manifest gave two different posts.csv")
	}
}

func imageIndex(m *Manifest, path string) int {
	return slices.IndexFunc(m.Images, func(img Image) bool { return img.Path == path })
}
