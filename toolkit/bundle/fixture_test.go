package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
	"time"
)

// testStamp is the fixed time the tests build with: the campaign day.
var testStamp = time.Date(2026, 12, 18, 0, 0, 0, 0, time.UTC)

const testURL = "https://www.un.org/en/observances/migrants-day"

// testManifest is a small campaign in English, Arabic and Chinese: two
// cards in three sizes each, and posts whose captions hold everything that
// needs escaping somewhere (commas, semicolons, backslashes, line breaks,
// quotes, markup, backticks, emoji, right-to-left text, CJK).
func testManifest() *Manifest {
	m := &Manifest{
		Campaign: ManifestCampaign{
			Name: "International Migrants Day, 2026", Slug: "migrants-day-2026", Day: "2026-12-18",
			Timezone: "Europe/London", Languages: []string{"en", "ar", "zh"}, Theme: "un-blue",
		},
	}
	alt := map[string]map[string]string{
		"en": {"quote": "A quote on a blue background: \"Every one of us can play a part.\" António Guterres, UN Secretary-General.", "stat": "304 million international migrants, says the WHO."},
		"ar": {"quote": "اقتباس على خلفية زرقاء: \"يمكن لكل واحد منا أن يؤدي دوراً.\" أنطونيو غوتيريش، الأمين العام للأمم المتحدة.", "stat": "304 ملايين مهاجر دولي، بحسب منظمة الصحة العالمية."},
		"zh": {"quote": "蓝色背景上的引语：“我们每个人都可以发挥作用。”联合国秘书长安东尼奥·古特雷斯。", "stat": "据世卫组织统计，国际移民达3.04亿。"},
	}
	for _, l := range m.Campaign.Languages {
		for _, card := range []struct{ id, kind string }{{"quote-guterres", "quote"}, {"stat-migrants", "stat"}} {
			for _, p := range []struct {
				name, ext string
				w, h      int
			}{{"bluesky", "jpg", 1200, 675}, {"instagram-square", "png", 1080, 1080}, {"x", "png", 1600, 900}} {
				m.Images = append(m.Images, Image{
					Path: "cards/" + l + "/" + card.id + "/" + p.name + "." + p.ext, Card: card.id, Kind: card.kind,
					Lang: l, Preset: p.name, Width: p.w, Height: p.h, Alt: alt[l][card.kind],
				})
			}
		}
	}
	m.Posts = []Post{
		{
			ID: "p-en-1", At: "2026-12-18T09:00:00Z", Local: "2026-12-18T09:00", Timezone: "Europe/London",
			Channels: []string{"x", "bluesky", "mastodon"}, Lang: "en", Card: "quote-guterres",
			Images: []string{"cards/en/quote-guterres/x.png"},
			Captions: map[string]string{
				"x":        "Today is International Migrants Day. Read more: " + testURL + " #MigrantsDay",
				"bluesky":  "Today, 18 December, is International Migrants Day; every one of us can play a part.\n\n" + testURL + " #MigrantsDay 🌍",
				"mastodon": "Every one of us can play a part: \\o/ <b>not bold</b> ``` fenced ```\nSecond line, with a comma; and a semicolon.\n#MigrantsDay",
			},
		},
		{
			ID: "p-ar-1", At: "2026-12-18T10:00:00Z", Local: "2026-12-18T10:00", Timezone: "Europe/London",
			Channels: []string{"x", "facebook"}, Lang: "ar", Card: "quote-guterres",
			Images: []string{"cards/ar/quote-guterres/x.png"},
			Captions: map[string]string{
				"x":        "اليوم هو اليوم الدولي للمهاجرين، ويمكن لكل واحد منا أن يؤدي دوراً. " + testURL + " #اليوم_الدولي_للمهاجرين",
				"facebook": "يصادف اليوم، ١٨ كانون الأول/ديسمبر، اليوم الدولي للمهاجرين.\nشاركوا البطاقة؛ وانشروا الرسالة.",
			},
		},
		{
			ID: "p-zh-1", At: "2026-12-17T12:00:00Z", Local: "2026-12-17T12:00", Timezone: "Europe/London",
			Channels: []string{"x", "linkedin"}, Lang: "zh", Card: "stat-migrants",
			Images: []string{"cards/zh/stat-migrants/x.png", "cards/zh/stat-migrants/instagram-square.png"},
			Alt:    []string{"", "据世卫组织统计，国际移民达3.04亿（方形）。"},
			Captions: map[string]string{
				"x":        "今天是国际移民日，我们每个人都可以发挥作用。" + testURL,
				"linkedin": "全球有3.04亿国际移民，\n他们的贡献不可或缺；请分享这张卡片。",
			},
		},
		{
			ID: "p-en-2", At: "2026-12-16T18:30:00Z", Local: "2026-12-16T18:30", Timezone: "Europe/London",
			Channels: []string{"instagram", "threads"}, Lang: "en", Card: "stat-migrants",
			Images: []string{"cards/en/stat-migrants/instagram-square.png"},
			Captions: map[string]string{
				"instagram": "304 million people live outside the country they were born in.\n.\n.\n#MigrantsDay #InternationalMigrantsDay",
				"threads":   "304 million international migrants. Two days to #MigrantsDay.",
			},
		},
	}
	return m
}

// testImages encodes a small real image for each of m's images (PNG or
// JPEG as the path says), each its own colour, and fills in the
// manifest's sizes and hashes.
func testImages(t *testing.T, m *Manifest) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for i := range m.Images {
		img := &m.Images[i]
		w, h := img.Width/20, img.Height/20
		rgba := image.NewRGBA(image.Rect(0, 0, w, h))
		c := color.RGBA{uint8(40 * i), uint8(255 - 30*i), 160, 255}
		for y := range h {
			for x := range w {
				rgba.Set(x, y, c)
				if (x/6+y/6)%2 == 0 {
					rgba.Set(x, y, color.RGBA{255, 255, 255, 255})
				}
			}
		}
		var b bytes.Buffer
		var err error
		if img.Preset == "bluesky" {
			err = jpeg.Encode(&b, rgba, &jpeg.Options{Quality: 80})
		} else {
			err = png.Encode(&b, rgba)
		}
		if err != nil {
			t.Fatal(err)
		}
		img.Width, img.Height = w, h
		img.Bytes = b.Len()
		sum := sha256.Sum256(b.Bytes())
		img.SHA256 = hex.EncodeToString(sum[:])
		out[img.Path] = b.Bytes()
	}
	return out
}
