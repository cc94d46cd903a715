package bundle

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// A card drawn in a brand kit's font is keyed on the font file's bytes:
// replacing the file under the same name draws the card again.
func TestCacheKeyHasFontFile(t *testing.T) {
	font, err := os.ReadFile(filepath.Join("..", "theme", "testdata", "fonts", "DejaVuSansMono.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	edited := append([]byte(nil), font...)
	edited[len(edited)-1] ^= 0xFF // the last byte of the last table: still a font, other bytes
	kit := fstest.MapFS{"brand.yaml": {Data: []byte("name: brand\nextends: un-blue\nfonts: {headline: {file: fonts/Brand.ttf}}\n")}}
	load := func(data []byte) *theme.Theme {
		th, err := theme.LoadCampaignTheme(kit, "brand", theme.Sources{
			Base:     func(n string) (*theme.Theme, error) { return theme.Load(assets.Themes, n) },
			Campaign: fstest.MapFS{"fonts/Brand.ttf": {Data: data}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return th
	}
	c := &campaign.Campaign{}
	k := &keyer{c: c, program: "test", files: map[string]string{}}
	card := campaign.Card{ID: "a", Kind: campaign.Hashtag}
	a := k.key(job{card: card, lang: "en", th: load(font)})
	b := k.key(job{card: card, lang: "en", th: load(edited)})
	again := k.key(job{card: card, lang: "en", th: load(font)})
	if a == b {
		t.Error("a font file with other bytes under the same name keeps the cache key")
	}
	if a != again {
		t.Error("the same font file gives another key")
	}
}
