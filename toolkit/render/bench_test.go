package render_test

import (
	"bytes"
	"context"
	"image/png"
	"testing"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/render"
	"github.com/campaignkit/campaignkit/toolkit/text"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// BenchmarkQuoteCard is the 1080x1080 quote card of the demo in English,
// render plus PNG encode: the figure compared with other tools.
func BenchmarkQuoteCard(b *testing.B) {
	benchCard(b, "quote-guterres", "en", "instagram-square", true)
}

// BenchmarkQuoteCardDraw is the same card without encoding.
func BenchmarkQuoteCardDraw(b *testing.B) {
	benchCard(b, "quote-guterres", "en", "instagram-square", false)
}

// BenchmarkQuoteCardArabic is the Arabic story-size quote card.
func BenchmarkQuoteCardArabic(b *testing.B) {
	benchCard(b, "quote-guterres", "ar", "story", true)
}

func benchCard(b *testing.B, id, lang, preset string, encode bool) {
	c, err := campaign.Load(assets.Demo, assets.DemoFile)
	if err != nil {
		b.Fatal(err)
	}
	card, ok := c.CardByID(id)
	if !ok {
		b.Fatalf("no card %s", id)
	}
	th, err := theme.Load(assets.Themes, "un-blue")
	if err != nil {
		b.Fatal(err)
	}
	p, _ := toolkit.PresetByName(preset)
	lib, err := text.Default()
	if err != nil {
		b.Fatal(err)
	}
	r := render.New(lib, render.NewImages())
	job := render.Job{Campaign: c, CampaignFS: assets.Demo, Card: card, Lang: lang, Preset: p, Theme: th, ThemeFS: assets.Themes}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := r.Render(ctx, job)
		if err != nil {
			b.Fatal(err)
		}
		if encode {
			data, err := render.Encode(res.Image, p)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
		}
	}
}

// BenchmarkEncodePNG encodes the quote card with the card encoder and, for
// comparison, with image/png's default; bytes/op is the file's size.
func BenchmarkEncodePNG(b *testing.B) {
	c, err := campaign.Load(assets.Demo, assets.DemoFile)
	if err != nil {
		b.Fatal(err)
	}
	card, _ := c.CardByID("quote-guterres")
	th, err := theme.Load(assets.Themes, "un-blue")
	if err != nil {
		b.Fatal(err)
	}
	p, _ := toolkit.PresetByName("instagram-square")
	lib, err := text.Default()
	if err != nil {
		b.Fatal(err)
	}
	res, err := render.New(lib, render.NewImages()).Render(context.Background(), render.Job{Campaign: c, CampaignFS: assets.Demo, Card: card, Lang: "en", Preset: p, Theme: th, ThemeFS: assets.Themes})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("card", func(b *testing.B) {
		n := 0
		for b.Loop() {
			data, err := render.Encode(res.Image, p)
			if err != nil {
				b.Fatal(err)
			}
			n = len(data)
		}
		b.ReportMetric(float64(n), "bytes/op")
	})
	b.Run("image-png", func(b *testing.B) {
		n := 0
		for b.Loop() {
			var buf bytes.Buffer
			if err := png.Encode(&buf, res.Image); err != nil {
				b.Fatal(err)
			}
			n = buf.Len()
		}
		b.ReportMetric(float64(n), "bytes/op")
	})
}
