package bundle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/render"
	"github.com/campaignkit/campaignkit/toolkit/text"
)

// CardFile renders one card in one language and preset into dir, named by
// its content hash (so a file, once written, never changes and an edited
// card gets a new one), and returns the file's path and the image's alt
// text. The runner uses it for the media of a post.
func CardFile(ctx context.Context, o CardOptions, cardID, lang string, p toolkit.Preset, dir string) (path, alt string, err error) {
	c := o.Campaign
	card, ok := c.CardByID(cardID)
	if !ok {
		return "", "", fmt.Errorf("no card %q in the campaign", cardID)
	}
	th, thFS, err := o.Themes(c.ThemeOf(card))
	if err != nil {
		return "", "", err
	}
	lib, err := text.Default()
	if err != nil {
		return "", "", err
	}
	if o.Alt == nil {
		o.Alt = func(card campaign.Card, lang string) string { return caption.Alt(c, card, lang) }
	}
	r := render.New(lib, render.NewImages())
	j := job{card: card, lang: lang, p: p, th: th, thFS: thFS}
	rd, err := renderOne(ctx, r, c, o.CampaignFS, j, o.Alt, false, nil)
	if err != nil {
		return "", "", err
	}
	sum := sha256.Sum256(rd.Data)
	path = filepath.Join(dir, fmt.Sprintf("%s-%s-%s-%s.%s", cardID, lang, p.Name, hex.EncodeToString(sum[:6]), p.Ext()))
	if _, err := os.Stat(path); err == nil {
		return path, rd.Image.Alt, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	if err := toolkit.WriteFileBytes(path, 0o644, rd.Data); err != nil {
		return "", "", err
	}
	return path, rd.Image.Alt, nil
}
