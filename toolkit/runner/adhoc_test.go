package runner

import (
	"errors"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

// adHocCampaign is a campaign in New York, where 02:00 UTC on 19 December
// is still the 18th, the last day of campaign week.
func adHocCampaign(t *testing.T) *campaign.Campaign {
	t.Helper()
	src := `name: Ad hoc
slug: ad-hoc
title: {en: Test Day, fr: Journée test}
day: 2026-12-18
week: {start: 2026-12-12, end: 2026-12-18}
timezone: America/New_York
languages: [en, fr]
links: {site: "https://example.org/day"}
cards:
  - id: tag
    kind: hashtag
    tag: "#TestDay"
`
	c, err := campaign.Parse(nil, "campaign.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// writePNG writes a w×h PNG; with noise its pixels are random, so that
// the file is about 4·w·h bytes whatever the compression.
func writePNG(t *testing.T, dir, name string, w, h int, noise bool) string {
	t.Helper()
	var img *image.NRGBA
	if noise {
		img = toolkittest.Noise(w, h)
	} else {
		img = image.NewNRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 200, 255})
			}
		}
	}
	return writeFile(t, dir, name, toolkittest.RawPNG(img))
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAdHocChecks(t *testing.T) {
	c := adHocCampaign(t)
	dir := t.TempDir()
	card := writePNG(t, dir, "card.png", 32, 18, false)
	var cut []byte
	if data, err := os.ReadFile(card); err == nil {
		cut = data[:len(data)-40]
	}
	cutPNG := writeFile(t, dir, "cut.png", cut)
	huge := writeFile(t, dir, "huge.png", toolkittest.PNGHeader(100000, 100000))
	gif := writeFile(t, dir, "photo.png", []byte("GIF89a\x01\x00\x01\x00"))
	heavy := writePNG(t, dir, "heavy.png", 600, 600, true) // about 1.4 MB
	in := time.Date(2026, 12, 19, 2, 0, 0, 0, time.UTC)    // 21:00 on the 18th in New York
	late := time.Date(2026, 12, 19, 6, 0, 0, 0, time.UTC)  // 01:00 on the 19th
	img := func(path, alt string) []publish.Image { return []publish.Image{{Path: path, Alt: alt}} }
	ok := func(channel, text string) AdHocPost {
		return AdHocPost{Campaign: c, At: in, Channel: channel, Text: text, Images: img(card, "A grey card")}
	}
	with := func(p AdHocPost, f func(*AdHocPost)) AdHocPost { f(&p); return p }

	for _, tc := range []struct {
		name string
		post AdHocPost
		want []string // "field: part of the message"; none: accepted
	}{
		{"fits mastodon", ok("mastodon", "Join us"), nil},
		{"x counts as x does", ok("x", strings.Repeat("a", 280)), nil},
		{"over x", ok("x", strings.Repeat("a", 281)), []string{"text: the text: caption is too long for x: 281 weighted characters"}},
		{"CJK weighs 2 on x", ok("x", strings.Repeat("移", 141)), []string{"text: the text: caption is too long for x: 282"}},
		{"link counted on mastodon", with(ok("mastodon", strings.Repeat("a", 480)), func(p *AdHocPost) { p.Link = "site" }),
			[]string{"text: the text with its link: caption is too long for mastodon: 505 characters (a link counts 23) where 500 are allowed"}},
		{"bluesky counts graphemes", ok("bluesky", strings.Repeat("👍🏽", 300)), nil},
		{"instagram hashtags", ok("instagram", strings.Repeat("#tag ", 31)), []string{"text: the text: caption has 31 hashtags where instagram allows 30"}},
		{"outbox has no limit", ok("outbox", strings.Repeat("a", 70000)), nil},
		{"webhook has no limit", ok("webhook", strings.Repeat("a", 70000)), nil},
		{"no text", ok("mastodon", " "), []string{"text: no text"}},
		{"bidi control", ok("mastodon", "Join \u202Eus"), []string{"text: character 6 is U+202E RIGHT-TO-LEFT OVERRIDE"}},
		{"unknown channel", ok("myspace", "Join us"), []string{`channel: unknown channel "myspace": choose from x, bluesky`}},
		{"other language", with(ok("mastodon", "Hallo"), func(p *AdHocPost) { p.Lang = "de" }), []string{`lang: language "de" is not one of the campaign's languages (en, fr)`}},
		{"after the week", with(ok("mastodon", "Join us"), func(p *AdHocPost) { p.At = late }),
			[]string{"at: 2026-12-19 01:00 (America/New_York) is outside campaign week, 2026-12-12 to 2026-12-18"}},
		{"forced after the week", with(ok("mastodon", "Join us"), func(p *AdHocPost) { p.At, p.Force = late, true }), nil},
		{"bad link", with(ok("mastodon", "Join us"), func(p *AdHocPost) { p.Link = "nowhere" }),
			[]string{`link: want an absolute http(s) URL or a key of the campaign's links (site), got "nowhere"`}},
		{"no alt", with(ok("mastodon", "Join us"), func(p *AdHocPost) { p.Images = img(card, " ") }), []string{"images[0].alt: image " + card + " has no alt text"}},
		{"long alt", with(ok("mastodon", "Join us"), func(p *AdHocPost) { p.Images = img(card, strings.Repeat("a", 1001)) }),
			[]string{"images[0].alt: alt text of " + card + " has 1001 characters; keep it under 1000"}},
		{"missing image", with(ok("mastodon", "Join us"), func(p *AdHocPost) { p.Images = img(filepath.Join(dir, "none.png"), "x") }),
			[]string{"images[0]: cannot read image " + filepath.Join(dir, "none.png") + ": file does not exist"}},
		{"folder", with(ok("mastodon", "Join us"), func(p *AdHocPost) { p.Images = img(dir, "x") }),
			[]string{"images[0]: cannot read image " + dir + ": it is a folder, not a file"}},
		{"GIF", with(ok("mastodon", "Join us"), func(p *AdHocPost) { p.Images = img(gif, "x") }),
			[]string{"images[0]: image " + gif + ": not a PNG or JPEG image"}},
		{"huge header", with(ok("mastodon", "Join us"), func(p *AdHocPost) { p.Images = img(huge, "x") }),
			[]string{"images[0]: image " + huge + ": the image is 100000x100000, over the 40 megapixel limit"}},
		{"cut short", with(ok("mastodon", "Join us"), func(p *AdHocPost) { p.Images = img(cutPNG, "x") }),
			[]string{"images[0]: image " + cutPNG + ": the png data is damaged or cut short"}},
		{"too heavy for bluesky", with(ok("bluesky", "Join us"), func(p *AdHocPost) { p.Images = img(heavy, "noise") }),
			[]string{"images[0]: image " + heavy + " has 14"}},
		{"heavy is fine on mastodon", with(ok("mastodon", "Join us"), func(p *AdHocPost) { p.Images = img(heavy, "noise") }), nil},
		{"five images on bluesky", with(ok("bluesky", "Join us"), func(p *AdHocPost) {
			for range 4 {
				p.Images = append(p.Images, p.Images[0])
			}
		}), []string{"images: 5 images where bluesky takes at most 4"}},
		{"everything at once", AdHocPost{Campaign: c, At: late, Channel: "x", Lang: "de", Text: strings.Repeat("a", 300), Images: img(huge, "")},
			[]string{"at: ", "lang: ", "text: ", "images[0]: ", "images[0].alt: "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := AdHoc(tc.post)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if p.ID == "" || p.Zone != "America/New_York" || !p.At.Equal(tc.post.At) {
					t.Errorf("got post %+v", p)
				}
				return
			}
			var ie *toolkit.InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want an *InvalidError", err)
			}
			if len(ie.Problems) != len(tc.want) {
				t.Errorf("got %d problems, want %d:\n%v", len(ie.Problems), len(tc.want), err)
			}
			for _, w := range tc.want {
				found := false
				for _, pr := range ie.Problems {
					found = found || strings.Contains(pr.String(), w)
				}
				if !found {
					t.Errorf("no problem %q in:\n%v", w, err)
				}
			}
		})
	}
}

// TestAdHocDefaults: the language and zone come from the campaign, a link
// key becomes its URL, and the same post made twice has the same ID.
func TestAdHocDefaults(t *testing.T) {
	c := adHocCampaign(t)
	a := AdHocPost{Campaign: c, At: time.Date(2026, 12, 15, 15, 30, 0, 0, time.UTC), Channel: "mastodon", Text: "Join us", Link: "site"}
	p, err := AdHoc(a)
	if err != nil {
		t.Fatal(err)
	}
	if p.Lang != "en" || p.Local != "2026-12-15 10:30:00" || p.Zone != "America/New_York" || p.Link != "https://example.org/day" {
		t.Errorf("got lang %q, local %q %q, link %q; want en, 2026-12-15 10:30:00 America/New_York, https://example.org/day", p.Lang, p.Local, p.Zone, p.Link)
	}
	again, _ := AdHoc(a)
	if again.ID != p.ID {
		t.Errorf("the same post twice: IDs %s and %s", p.ID, again.ID)
	}
	// without a campaign: no language or week to keep to
	p, err = AdHoc(AdHocPost{At: a.At.AddDate(1, 0, 0), Channel: "outbox", Text: "x"})
	if err != nil || p.Lang != "und" || p.Zone != "UTC" {
		t.Errorf("no campaign: got %q %q, %v", p.Lang, p.Zone, err)
	}
}

// TestAdHocHugeHeaderNotDecoded: a 100000×100000 PNG is refused from its
// header, without allocating its 40 GB of pixels.
func TestAdHocHugeHeaderNotDecoded(t *testing.T) {
	huge := writeFile(t, t.TempDir(), "huge.png", toolkittest.PNGHeader(100000, 100000))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := AdHoc(AdHocPost{At: time.Now(), Channel: "outbox", Text: "x", Images: []publish.Image{{Path: huge, Alt: "x"}}})
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "over the 40 megapixel limit") {
		t.Fatalf("got %v, want the image refused", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("refusing it allocated %d bytes; want under 1 MiB", got)
	}
}
