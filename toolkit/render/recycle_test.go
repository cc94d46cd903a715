package render_test

import (
	"bytes"
	"testing"

	"github.com/campaignkit/campaignkit/toolkit"
)

// TestRecycledCanvasDrawsTheSame: a card drawn over a recycled canvas (of
// another card, larger, in another theme) has exactly the pixels of one
// drawn on a new canvas, in every theme.
func TestRecycledCanvasDrawsTheSame(t *testing.T) {
	e := newEnv(t, nil, "")
	story, _ := toolkit.PresetByName("story")
	square, _ := toolkit.PresetByName("instagram-square")
	first, _ := e.c.CardByID("story-amina")
	for _, th := range []string{"un-blue", "community", "high-contrast"} {
		for _, id := range []string{"quote-guterres", "stat-migrants", "story-carlos"} {
			card, _ := e.c.CardByID(id)
			fresh := e.render(t, card, "en", square, th).Image
			e.r.Recycle(e.render(t, first, "ar", story, "community").Image)
			again := e.render(t, card, "en", square, th).Image
			if !bytes.Equal(fresh.Pix, again.Pix) || fresh.Rect != again.Rect || fresh.Stride != again.Stride {
				t.Errorf("%s in %s: drawn over a recycled canvas, the pixels differ", id, th)
			}
		}
	}
}
