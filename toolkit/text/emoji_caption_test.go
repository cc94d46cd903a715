package text_test

import (
	"testing"

	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/text"
)

// Every emoji sequence a card draws as one glyph is one character to the
// platforms too: one grapheme on Bluesky and Mastodon, 2 on X. A card and
// its caption then agree on what "one emoji" is.
func TestCardEmojiCountAsOneInCaptions(t *testing.T) {
	lib, err := text.Default()
	if err != nil {
		t.Fatal(err)
	}
	s := lib.NewShaper()
	for _, tc := range []struct{ name, seq string }{
		{"globe", "🌍"},
		{"handshake", "🤝"},
		{"family", "👨\u200D👩\u200D👧\u200D👦"},
		{"flag", "🇺🇳"},
		{"skin tone", "👍🏽"},
		{"ZWJ with skin tone", "👩🏽\u200D💻"},
		{"rainbow flag", "🏳\uFE0F\u200D🌈"},
		{"keycap", "1\uFE0F\u20E3"},
		{"heart", "❤\uFE0F"},
		{"England", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"},
		{"after another", "🎉👩\u200D👧"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := s.Fit(text.Spec{Text: tc.seq, Lang: "en", MinSize: 50, MaxSize: 50}, text.Rect{X1: 1000, Y1: 200})
			if err != nil {
				t.Fatal(err)
			}
			glyphs := len(b.Glyphs())
			if got, want := caption.Count("bluesky", tc.seq), glyphs; got != want {
				t.Errorf("bluesky counts %d, the card draws %d glyphs", got, want)
			}
			if got, want := caption.Count("mastodon", tc.seq), glyphs; got != want {
				t.Errorf("mastodon counts %d, the card draws %d glyphs", got, want)
			}
			if got, want := caption.Count("x", tc.seq), 2*glyphs; got != want {
				t.Errorf("x counts %d, want %d for %d emoji", got, want, glyphs)
			}
			if tc.name != "after another" && glyphs != 1 {
				t.Errorf("the card draws %d glyphs, want 1", glyphs)
			}
		})
	}
}
