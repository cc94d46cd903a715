package bundle

import (
	"bytes"
	"strings"
	"testing"
)

// fencedBlocks returns the contents of the fenced code blocks of a
// Markdown text, as a reader copying them would get them.
func fencedBlocks(md string) []string {
	var blocks []string
	var fence string
	var cur []string
	for _, line := range strings.Split(md, "\n") {
		switch {
		case fence == "" && strings.HasPrefix(line, "```"):
			fence = strings.TrimRight(line, "abcdefghijklmnopqrstuvwxyz")
			cur = nil
		case fence != "" && line == fence:
			blocks = append(blocks, strings.Join(cur, "\n"))
			fence = ""
		case fence != "":
			cur = append(cur, line)
		}
	}
	return blocks
}

func TestCaptionsMarkdown(t *testing.T) {
	m := testManifest()
	for _, lang := range m.Campaign.Languages {
		t.Run(lang, func(t *testing.T) {
			md := string(CaptionsMarkdown(m, lang))
			var want []string
			for _, p := range sortedPosts(m) {
				if p.Lang != lang {
					continue
				}
				for _, a := range postAlt(m, p.Post) {
					want = append(want, a)
				}
				for _, pl := range captionPlatforms(p.Post) {
					want = append(want, p.Captions[pl])
				}
				if !strings.Contains(md, p.local().Format("2006-01-02 15:04")) {
					t.Errorf("no local time for %s", p.ID)
				}
				for _, im := range p.Images {
					if !strings.Contains(md, "](../"+im+")") {
						t.Errorf("no link to %s", im)
					}
				}
			}
			got := fencedBlocks(md)
			if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
				t.Errorf("fenced blocks\n got %q\nwant %q", got, want)
			}
			for _, p := range m.Posts {
				if p.Lang != lang && strings.Contains(md, p.ID) {
					t.Errorf("post %s in %s is in the %s captions", p.ID, p.Lang, lang)
				}
			}
		})
	}
	// a caption holding a fence gets a longer one
	if md := string(CaptionsMarkdown(m, "en")); !strings.Contains(md, "````text\nEvery one of us") {
		t.Errorf("the caption with ``` in it is not in a four-backtick fence:\n%s", md)
	}
	if md := string(CaptionsMarkdown(m, "fr")); !strings.Contains(md, "No posts are planned") {
		t.Errorf("a language without posts: %q", md)
	}
	if !bytes.Equal(CaptionsMarkdown(m, "ar"), CaptionsMarkdown(m, "ar")) {
		t.Error("the same manifest gave two different captions files")
	}
}
