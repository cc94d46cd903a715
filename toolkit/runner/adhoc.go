package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
)

// AdHocPost describes a post queued by hand rather than planned.
type AdHocPost struct {
	At       time.Time
	Location *time.Location // zone Local is shown in; default UTC
	Channel  string
	Lang     string
	Text     string
	Link     string
	Images   []publish.Image
}

// AdHoc checks a hand-made post and returns it ready to enqueue. Its ID
// depends on its time, channel, language and content, so adding the same
// post twice queues it once.
func AdHoc(a AdHocPost) (queue.Post, error) {
	var problems []string
	if a.At.IsZero() {
		problems = append(problems, "no time")
	}
	if !slices.Contains(campaign.Channels, a.Channel) {
		problems = append(problems, fmt.Sprintf("unknown channel %q: choose from %v", a.Channel, campaign.Channels))
	}
	if strings.TrimSpace(a.Text) == "" {
		problems = append(problems, "no text")
	}
	for _, img := range a.Images {
		if strings.TrimSpace(img.Alt) == "" {
			problems = append(problems, fmt.Sprintf("image %s has no alt text", img.Path))
		}
	}
	if len(problems) > 0 {
		return queue.Post{}, errors.New("ad-hoc post: " + strings.Join(problems, "; "))
	}
	loc := a.Location
	if loc == nil {
		loc = time.UTC
	}
	lang := a.Lang
	if lang == "" {
		lang = "und"
	}
	h := sha256.New()
	h.Write([]byte(a.Text + "\x00" + a.Link))
	for _, img := range a.Images {
		h.Write([]byte("\x00" + img.Path + "\x00" + img.Alt))
	}
	slot := "adhoc:" + hex.EncodeToString(h.Sum(nil))[:12]
	at := a.At.UTC().Truncate(time.Second)
	return queue.Post{
		ID: schedule.PostID(queue.AdHoc, slot, at, a.Channel, lang), Source: queue.AdHoc, Slot: slot,
		Channel: a.Channel, Lang: lang, At: at, Local: at.In(loc).Format("2006-01-02 15:04:05"), Zone: loc.String(),
		Text: a.Text, Link: a.Link, Images: a.Images,
	}, nil
}
