package bundle

import (
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
)

// TestLinkedInOnlyPostBuilds: a 304-character post published only to
// LinkedIn (limit 3000) builds; its caption is over X's and Bluesky's
// limits, so the bundle offers none there and the page says why.
func TestLinkedInOnlyPostBuilds(t *testing.T) {
	src := `name: Long Post
slug: long-post
title: {en: Test Day}
day: 2026-12-18
week: {start: 2026-12-16, end: 2026-12-18}
timezone: Europe/Paris
languages: [en]
cards:
  - id: tag
    kind: hashtag
    tag: "#TestDay"
posts:
  - id: long
    card: tag
    at: "2026-12-18 09:00"
    channels: [linkedin]
    text:
      en: "` + strings.Repeat("word ", 60) + `done"
`
	c, err := campaign.Parse(nil, "campaign.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(c.Posts[0].Text["en"])); n != 304 {
		t.Fatalf("the post has %d characters, want 304", n)
	}
	plan, err := schedule.Plan(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	posts, err := ManifestPosts(c, plan, nil, nil)
	if err != nil {
		t.Fatalf("a LinkedIn-only post of 304 characters: %v", err)
	}
	p := posts[0]
	for _, pl := range []string{"linkedin", "mastodon", "facebook"} {
		if p.Captions[pl] == "" {
			t.Errorf("no %s caption", pl)
		}
	}
	for _, pl := range []string{"x", "bluesky"} {
		if _, ok := p.Captions[pl]; ok {
			t.Errorf("a %s caption over its limit is offered", pl)
		}
		if !strings.Contains(p.Withheld[pl], "not published there") {
			t.Errorf("withheld on %s: got %q", pl, p.Withheld[pl])
		}
	}
	page, err := IndexHTML(&Manifest{Campaign: ManifestCampaign{Name: c.Name, Slug: c.Slug, Languages: c.Languages}, Posts: posts})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "No X caption: the caption is over the limit (") {
		t.Error("index.html does not say why there is no X caption")
	}

	// published to X, the same text is a build failure
	c.Posts[0].Channels = []string{"linkedin", "x"}
	plan, _ = schedule.Plan(c, nil)
	if _, err := ManifestPosts(c, plan, nil, nil); err == nil || !strings.Contains(err.Error(), "x") {
		t.Errorf("a post to X over X's limit: got %v, want a problem", err)
	}
}
