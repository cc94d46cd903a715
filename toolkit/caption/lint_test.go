package caption

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

var lintYAML = fmt.Sprintf(`name: Lint Test
slug: lint-test
title: {en: Test Day, fr: Journée test}
day: 2026-12-18
week: {start: 2026-12-16, end: 2026-12-18}
timezone: Europe/Paris
languages: [en, fr]
hashtags: ["#TestDay"]
handles: {mastodon: "@test@example.social"}
links: {site: "https://example.org/day"}
cards:
  - id: tag
    kind: hashtag
    tag: "#TestDay"
posts:
  - id: short
    card: tag
    at: "2026-12-17 09:00"
    channels: [x]
    text:
      en: "Fine."
      fr: "Bien."
  - id: long
    card: tag
    at: "2026-12-18 09:00"
    channels: [x, mastodon]
    link: site
    text:
      en: "%s"
      fr: "%s"
    overrides:
      mastodon:
        en: "%s"
        fr: "Court."
  - id: linkedin-only
    card: tag
    at: "2026-12-18 10:00"
    channels: [linkedin]
    text:
      en: "%s"
      fr: "%s"
`, strings.Repeat("a", 250), strings.Repeat("b", 290), strings.Repeat("c", 480), strings.Repeat("d", 304), strings.Repeat("e", 304))

// lineOf is the 1-based line of the first line of s that starts with
// prefix once indented, after the line that has after.
func lineOf(s, after, prefix string) int {
	seen := after == ""
	for i, l := range strings.Split(s, "\n") {
		if strings.Contains(l, after) {
			seen = true
		}
		if seen && strings.HasPrefix(strings.TrimSpace(l), prefix) {
			return i + 1
		}
	}
	return 0
}

// TestLint checks captions where each post is published: the 304
// characters of the LinkedIn-only post are over X's and Bluesky's limits,
// which it does not go to, so it has no problem.
func TestLint(t *testing.T) {
	fsys := fstest.MapFS{"campaign.yaml": {Data: []byte(lintYAML)}}
	c, err := campaign.Parse(fsys, "campaign.yaml", fsys["campaign.yaml"].Data)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	c.Cards[0].Alt = campaign.Text{"en": strings.Repeat("Long. ", 200), "fr": "Court."}
	want := []toolkit.Problem{
		{File: "campaign.yaml", Line: lineOf(lintYAML, "id: long", "en: \"aaa"), Field: "posts[1].text.en",
			Msg: "caption in en is over the limit on x (285 of 280 weighted characters, 5 over): shorten the text, or add a shorter overrides.x.en"},
		{File: "campaign.yaml", Line: lineOf(lintYAML, "id: long", "en: \"ccc"), Field: "posts[1].overrides.mastodon.en",
			Msg: "caption override in en is over the limit on mastodon (522 of 500 characters, 22 over): shorten the text"},
		{File: "campaign.yaml", Line: lineOf(lintYAML, "id: long", "fr: \"bbb"), Field: "posts[1].text.fr",
			Msg: "caption in fr is over the limit on x (325 of 280 weighted characters, 45 over): shorten the text, or add a shorter overrides.x.fr"},
		{File: "campaign.yaml", Line: lineOf(lintYAML, "", "- id: tag"), Field: "cards[0].alt.en",
			Msg: "alt text has 1200 characters where 1000 are allowed: platforms cut longer alt text and listeners give up; shorten it by 200 or more"},
	}
	got := Lint(c)
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("problem %d:\ngot  %+v\nwant %+v", i, got[i], want[i])
		}
	}
	for _, p := range got[min(len(got), len(want)):] {
		t.Errorf("unexpected problem %s", p)
	}
}
