package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
)

// AdHocPost describes a post queued by hand rather than planned.
type AdHocPost struct {
	At       time.Time
	Location *time.Location // zone Local is shown in; default the campaign's, else UTC
	Channel  string
	Lang     string // default the campaign's first language, else "und"
	Text     string
	Link     string          // a URL, or a key of the campaign's links
	Images   []publish.Image // files on disk (absolute paths), each with alt text

	// Campaign, when set, is the campaign the post goes out with: its
	// language must be one of the campaign's, and its time inside campaign
	// week unless Force is set.
	Campaign *campaign.Campaign
	Force    bool
}

// maxAltRunes is the longest alt text taken, as for the campaign's cards.
const maxAltRunes = 1000

// AdHoc checks a hand-made post the way the campaign's own posts are
// checked, and returns it ready to enqueue. Every problem is returned at
// once, as a *toolkit.InvalidError whose fields name what was wrong (at,
// channel, lang, text, link, images[i], images[i].alt):
//
//   - the text must fit the channel's platform limit as the platform counts
//     it (caption.Check, on the text with its link; outbox and webhook have
//     no limit) and hold no character the campaign refuses;
//   - each image must be a regular file of at most toolkit.MaxImageBytes
//     (read through toolkit.ReadPath, so a named pipe cannot block), a PNG
//     or JPEG within toolkit's image limits that decodes completely, within
//     the channel's byte limit, and have alt text;
//   - with a Campaign: the language must be one of its languages and the
//     time inside campaign week, unless Force.
//
// Its ID depends on its time, channel, language and content, so adding the
// same post twice queues it once.
func AdHoc(a AdHocPost) (queue.Post, error) {
	ps := &toolkit.Problems{}
	c := a.Campaign
	loc := a.Location
	if loc == nil && c != nil {
		loc = c.Location
	}
	if loc == nil {
		loc = time.UTC
	}
	lang := a.Lang
	if lang == "" && c != nil && len(c.Languages) > 0 {
		lang = c.Languages[0]
	}
	if lang == "" {
		lang = "und"
	}
	link := a.Link
	if c != nil {
		if u, ok := c.Links[link]; ok {
			link = u
		}
	}

	if a.At.IsZero() {
		ps.Add(0, "at", "no time")
	} else if c != nil && !a.Force && !c.Week.Start.IsZero() {
		local := a.At.In(loc)
		day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
		if day.Before(c.Week.Start.Time) || day.After(c.Week.End.Time) {
			ps.Add(0, "at", "%s (%s) is outside campaign week, %s to %s", local.Format("2006-01-02 15:04"), loc, c.Week.Start, c.Week.End)
		}
	}
	if !slices.Contains(campaign.Channels, a.Channel) {
		ps.Add(0, "channel", "unknown channel %q: choose from %s", a.Channel, strings.Join(campaign.Channels, ", "))
	}
	if c != nil && !slices.Contains(c.Languages, lang) {
		ps.Add(0, "lang", "language %q is not one of the campaign's languages (%s)", lang, strings.Join(c.Languages, ", "))
	}
	if strings.TrimSpace(a.Text) == "" {
		ps.Add(0, "text", "no text")
	} else if slices.Contains(campaign.Platforms, a.Channel) {
		if err := caption.Check(a.Channel, publish.WithLink(a.Text, link)); err != nil {
			what := "the text"
			if link != "" && !strings.Contains(a.Text, link) {
				what = "the text with its link"
			}
			ps.Add(0, "text", "%s: %v", what, err)
		}
	}
	for _, msg := range campaign.CharProblems(a.Text) {
		ps.Add(0, "text", "%s", msg)
	}
	if link != "" {
		if u, err := url.Parse(link); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			keys := ""
			if c != nil && len(c.Links) > 0 {
				keys = " or a key of the campaign's links (" + strings.Join(toolkit.SortedKeys(c.Links), ", ") + ")"
			}
			ps.Add(0, "link", "want an absolute http(s) URL%s, got %q", keys, a.Link)
		}
	}
	if n := publish.MaxImages(a.Channel); n > 0 && len(a.Images) > n {
		ps.Add(0, "images", "%d images where %s takes at most %d", len(a.Images), a.Channel, n)
	}
	for i, img := range a.Images {
		field := fmt.Sprintf("images[%d]", i)
		if msg := checkImageFile(img.Path, a.Channel); msg != "" {
			ps.Add(0, field, "%s", msg)
		}
		switch alt := strings.TrimSpace(img.Alt); {
		case alt == "":
			ps.Add(0, field+".alt", "image %s has no alt text: say what it shows, for people who cannot see it", img.Path)
		case utf8.RuneCountInString(alt) > maxAltRunes:
			ps.Add(0, field+".alt", "alt text of %s has %d characters; keep it under %d", img.Path, utf8.RuneCountInString(alt), maxAltRunes)
		}
		for _, msg := range campaign.CharProblems(img.Alt) {
			ps.Add(0, field+".alt", "%s", msg)
		}
	}
	if err := ps.Err(); err != nil {
		return queue.Post{}, err
	}
	h := sha256.New()
	h.Write([]byte(a.Text + "\x00" + link))
	for _, img := range a.Images {
		h.Write([]byte("\x00" + img.Path + "\x00" + img.Alt))
	}
	slot := "adhoc:" + hex.EncodeToString(h.Sum(nil))[:12]
	at := a.At.UTC().Truncate(time.Second)
	return queue.Post{
		ID: schedule.PostID(queue.AdHoc, slot, at, a.Channel, lang), Source: queue.AdHoc, Slot: slot,
		Channel: a.Channel, Lang: lang, At: at, Local: at.In(loc).Format("2006-01-02 15:04:05"), Zone: loc.String(),
		Text: a.Text, Link: link, Images: a.Images,
	}, nil
}

// checkImageFile reads the image at path as a publish will and says what
// is wrong with it for channel, "" when nothing is. The header is checked
// before anything is decoded, so a small file claiming a huge size is
// refused without allocating its pixels.
func checkImageFile(path, channel string) string {
	data, err := toolkit.ReadPath(path, toolkit.MaxImageBytes)
	if err != nil {
		return fmt.Sprintf("cannot read image %s: %s", path, toolkit.Reason(err))
	}
	if _, _, err := toolkit.DecodeImage(data, toolkit.ImageLimits{MaxBytes: toolkit.MaxImageBytes}); err != nil {
		return fmt.Sprintf("image %s: %v", path, err)
	}
	if p := toolkit.PresetForChannel(channel); p.Platform == channel && p.MaxBytes > 0 && len(data) >= p.MaxBytes {
		return fmt.Sprintf("image %s has %d bytes; %s takes images under %d bytes", path, len(data), channel, p.MaxBytes)
	}
	return ""
}
