package bundle

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/schedule"
)

// CaptionFunc builds a post's caption for a platform; caption.Build is the
// one campaignkit uses.
type CaptionFunc = schedule.CaptionFunc

// ManifestPosts turns the planned posts into the manifest's: one per
// publication of a card (or text) in a language at an instant, with every
// channel it goes to, the image each channel carries (the card in that
// channel's preset, when the bundle has it) with its alt text, and the
// caption for every platform it fits, so a partner finds a caption for
// wherever they post. A caption over the limit of a channel the post is
// published to fails the build: it cannot go out. On the other platforms
// a caption over the limit is left out, with the reason in Withheld, for
// the toolkit page to say why there is none.
func ManifestPosts(c *campaign.Campaign, plan []schedule.Planned, images []Image, build CaptionFunc) ([]Post, error) {
	if build == nil {
		build = caption.Build
	}
	byPath := map[string]Image{}
	for _, img := range images {
		byPath[img.Path] = img
	}
	type key struct {
		at                     time.Time
		slot, card, lang, post string
	}
	index := map[key]int{}
	var out []Post
	var problems []toolkit.Problem
	for _, pl := range plan {
		k := key{pl.At, pl.Slot, pl.Card, pl.Lang, pl.PostID}
		i, seen := index[k]
		if !seen {
			i = len(out)
			index[k] = i
			p := Post{
				ID: postID(pl), UID: postUID(c.Slug, pl), At: pl.At.UTC().Format(time.RFC3339), Timezone: pl.Zone, Lang: pl.Lang, Card: pl.Card,
				Channels: []string{}, Images: []string{}, Alt: []string{}, Captions: map[string]string{},
			}
			if loc, err := time.LoadLocation(pl.Zone); err == nil {
				p.Local = pl.At.In(loc).Format("2006-01-02T15:04")
			}
			for _, platform := range campaign.Platforms {
				text, err := build(c, pl.Post, pl.Lang, platform)
				var le *caption.LimitError
				if err != nil && errors.As(err, &le) && !slices.Contains(pl.Post.Channels, platform) && pl.Channel != platform {
					if p.Withheld == nil {
						p.Withheld = map[string]string{}
					}
					p.Withheld[platform] = withheld(le)
					continue
				}
				if err != nil {
					problems = append(problems, toolkit.Problem{File: c.File, Line: postLine(c, pl), Field: postField(c, pl, platform),
						Msg: fmt.Sprintf("post %s (%s, %s): %v", p.ID, pl.Lang, platform, err)})
					continue
				}
				p.Captions[platform] = text
			}
			out = append(out, p)
		}
		p := &out[i]
		if !slices.Contains(p.Channels, pl.Channel) {
			p.Channels = append(p.Channels, pl.Channel)
		}
		if pl.Card == "" {
			continue
		}
		card, ok := c.CardByID(pl.Card)
		if !ok {
			continue
		}
		path := CardPath(pl.Lang, card.ID, toolkit.PresetForChannel(pl.Channel))
		img, ok := byPath[path]
		if !ok || slices.Contains(p.Images, path) {
			continue
		}
		p.Images = append(p.Images, path)
		p.Alt = append(p.Alt, img.Alt)
	}
	if len(problems) > 0 {
		ps := &toolkit.Problems{}
		ps.Append(problems...)
		return nil, ps.Err()
	}
	return out, nil
}

// postID names a manifest post: the campaign post's id or the schedule
// slot, the local time and the language. It is stable across builds and
// readable in file names and calendars.
func postID(pl schedule.Planned) string {
	base := pl.PostID
	if base == "" {
		base = pl.Slot
	}
	at, err := time.Parse("2006-01-02 15:04", pl.Local)
	stamp := pl.At.UTC().Format("20060102-1504")
	if err == nil {
		stamp = at.Format("20060102-1504")
	}
	return fmt.Sprintf("%s-%s-%s", base, stamp, pl.Lang)
}

// postUID names a manifest post apart from its time: a campaign post by
// its id and language, a schedule slot's post by the slot's id, which of
// its firings it is and the language. Ids and language tags hold no '/',
// so two posts never share a UID; the card is left out because editing a
// post's card edits the post, it does not make another.
func postUID(slug string, pl schedule.Planned) string {
	if pl.Occurrence == 0 {
		return fmt.Sprintf("post/%s/%s@%s", pl.PostID, pl.Lang, slug)
	}
	return fmt.Sprintf("slot/%s/%d/%s@%s", pl.Slot, pl.Occurrence, pl.Lang, slug)
}

func postLine(c *campaign.Campaign, pl schedule.Planned) int {
	for i, p := range c.Posts {
		if p.ID == pl.PostID && pl.PostID != "" {
			if l := c.Pos.Line(fmt.Sprintf("posts[%d].text.%s", i, pl.Lang)); l > 0 {
				return l
			}
			return c.Pos.Line(fmt.Sprintf("posts[%d]", i))
		}
	}
	return 0
}

func postField(c *campaign.Campaign, pl schedule.Planned, platform string) string {
	for i, p := range c.Posts {
		if p.ID == pl.PostID && pl.PostID != "" {
			if _, ok := p.Overrides[platform][pl.Lang]; ok {
				return fmt.Sprintf("posts[%d].overrides.%s.%s", i, platform, pl.Lang)
			}
			return fmt.Sprintf("posts[%d].text.%s", i, pl.Lang)
		}
	}
	return "schedule " + pl.Slot
}

// withheld says why a post has no caption on a platform it is not
// published to.
func withheld(le *caption.LimitError) string {
	var why []string
	if le.TooLong() {
		why = append(why, fmt.Sprintf("%d characters where %s allows %d", le.Count, le.Platform, le.Limit))
	}
	if le.TooManyHashtags() {
		why = append(why, fmt.Sprintf("%d hashtags where %s allows %d", le.Hashtags, le.Platform, le.MaxHashtags))
	}
	return "the caption is over the limit (" + strings.Join(why, "; ") + "); this post is not published there"
}
