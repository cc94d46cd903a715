package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/robfig/cron/v3"
)

// Planned is one post on one channel in one language at one instant.
type Planned struct {
	// ID is stable: the same campaign, slot, instant, channel and language
	// always give the same ID, so planning again never duplicates a post.
	ID      string
	Slot    string    // the schedule slot's id, or "post:<id>" for a campaign post
	At      time.Time // the instant, in UTC
	Local   string    // the local wall-clock time it happens at, 2006-01-02 15:04
	Zone    string    // the campaign's IANA zone
	Channel string
	Lang    string
	Card    string // card id, "" for a text-only post
	PostID  string // the campaign post's id, "" for a card rotation
	// Occurrence is which firing of its schedule slot this is, from 1
	// (whatever the time); 0 for a campaign post, which happens once.
	// With Slot and Lang it names the post apart from its time: a
	// calendar keeps an event's UID when the post's time is edited.
	Occurrence int
	// Note explains a daylight-saving adjustment, "" when there was none.
	Note string
	// Text is the caption and Link the post's link, once Caption has run.
	Text string
	Link string
	// Post is what captions are built from: the campaign post, or for a card
	// rotation a post made from the slot.
	Post campaign.Post
}

// Plan returns every post the campaign and the schedule make, sorted by
// instant, channel, language and ID. s may be nil: then only the campaign's
// own posts are planned. Problems found only now (an unknown card, a slot
// that never fires in campaign week, a rotation too short) are reported
// together as a *toolkit.InvalidError pointing into the schedule file.
// A plan of more than c.MaxPosts() posts is refused at the slot that takes
// it over, counted before that slot is built (see limit.go).
func Plan(c *campaign.Campaign, s *Schedule) ([]Planned, error) {
	if c.Location == nil {
		return nil, fmt.Errorf("plan %s: campaign has no time zone loaded", c.Slug)
	}
	count, err := campaignPosts(c)
	if err != nil {
		return nil, err
	}
	var out []Planned
	for _, p := range c.Posts {
		r, w := resolvePost(c, p)
		note := dstNote(w, r, c.Timezone)
		for _, ch := range p.Channels {
			for _, lang := range c.PostLanguages(p) {
				pl := planned(c, "post:"+p.ID, r, ch, lang, p.Card, p.ID, p)
				pl.Note = note
				out = append(out, pl)
			}
		}
	}
	if s != nil {
		more, err := planSchedule(c, s, count)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	slices.SortFunc(out, func(a, b Planned) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if c := strings.Compare(a.Channel, b.Channel); c != 0 {
			return c
		}
		if c := strings.Compare(a.Lang, b.Lang); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// resolvePost re-resolves a campaign post's local time so that campaign
// posts follow the same daylight-saving rules as schedule slots.
func resolvePost(c *campaign.Campaign, p campaign.Post) (resolved, wallClock) {
	t, err := time.Parse(campaign.LocalLayout, p.At)
	if err != nil {
		return resolved{At: p.Time.In(c.Location)}, wallClock{}
	}
	w := wallClock{t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute()}
	return resolve(w, c.Location), w
}

func planned(c *campaign.Campaign, slot string, r resolved, channel, lang, card, postID string, p campaign.Post) Planned {
	at := r.At.UTC()
	p.Time = r.At
	pl := Planned{
		ID:      PostID(c.Slug, slot, at, channel, lang),
		Slot:    slot,
		At:      at,
		Local:   r.At.Format(campaign.LocalLayout),
		Zone:    c.Timezone,
		Channel: channel,
		Lang:    lang,
		Card:    card,
		PostID:  postID,
		Post:    p,
	}
	return pl
}

// PostID is the stable ID of a planned post: a hash of what identifies it,
// short enough to type and safe as a file name.
func PostID(campaignSlug, slot string, at time.Time, channel, lang string) string {
	h := sha256.New()
	for _, part := range []string{campaignSlug, slot, at.UTC().Format(time.RFC3339), channel, lang} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// planSchedule plans the slots of s; count is how many posts are planned
// already.
func planSchedule(c *campaign.Campaign, s *Schedule, count int) ([]Planned, error) {
	ps := &toolkit.Problems{File: s.File}
	cards := map[string]campaign.Card{}
	for _, card := range c.ExpandedCards() {
		cards[card.ID] = card
	}
	posts := map[string]campaign.Post{}
	for _, p := range c.Posts {
		posts[p.ID] = p
	}
	var out []Planned
	for i, sl := range s.Slots {
		p := fmt.Sprintf("slots[%d]", i)
		at := func(field, format string, args ...any) {
			ps.Add(s.Pos.Line(p+field), p+field, format, args...)
		}
		before := ps.Len()
		for k, id := range sl.Cards {
			if _, ok := cards[id]; !ok {
				at(fmt.Sprintf(".cards[%d]", k), "no card %q in campaign %s (a countdown card X is used as X-<days left>, e.g. X-3)", id, c.Slug)
			}
		}
		for k, id := range sl.Posts {
			if _, ok := posts[id]; !ok {
				at(fmt.Sprintf(".posts[%d]", k), "no post %q in campaign %s", id, c.Slug)
			}
		}
		for k, l := range sl.Languages {
			if !slices.Contains(c.Languages, l) {
				at(fmt.Sprintf(".languages[%d]", k), "language %q is not one of the campaign's languages %v", l, c.Languages)
			}
		}
		if sl.Link != "" {
			if _, ok := c.Links[sl.Link]; !ok && !strings.Contains(sl.Link, "://") {
				at(".link", "want a key of the campaign's links or an absolute URL, got %q", sl.Link)
			}
		}
		if n, f := slotPosts(c, sl, posts); count+n > c.MaxPosts() {
			at("", "the plan would pass %d posts with this slot (it fires %d times in campaign week and makes %d posts); %s", c.MaxPosts(), f, n, raise)
			break // and plan nothing more
		} else {
			count += n
		}
		fires := firings(c, sl, func(k int, format string, args ...any) {
			at(fmt.Sprintf(".at[%d]", k), format, args...)
		})
		n := len(sl.Cards) + len(sl.Posts)
		switch {
		case len(fires) == 0 && sl.Cron != "":
			at(".cron", "%q never fires during campaign week (%s to %s)", sl.Cron, c.Week.Start, c.Week.End)
		case len(fires) > n && !sl.Repeat && n > 0:
			at("", "fires %d times during campaign week but lists %d; add more, or set repeat: true to start over", len(fires), n)
		}
		if ps.Len() > before {
			continue
		}
		for k, r := range fires {
			var src campaign.Post
			var card, postID string
			if len(sl.Posts) > 0 {
				src = posts[sl.Posts[k%n]]
				card, postID = src.Card, src.ID
			} else {
				card = sl.Cards[k%n]
				src = rotationPost(c, sl, cards[card])
			}
			chans := sl.Channels
			if len(chans) == 0 {
				chans = src.Channels
			}
			langs := sl.Languages
			if len(langs) == 0 {
				langs = c.PostLanguages(src)
			}
			for _, ch := range chans {
				for _, lang := range langs {
					pl := planned(c, sl.ID, r.resolved, ch, lang, card, postID, src)
					pl.Note = r.note
					pl.Occurrence = k + 1
					out = append(out, pl)
				}
			}
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// rotationPost makes the post a card rotation publishes.
func rotationPost(c *campaign.Campaign, sl Slot, card campaign.Card) campaign.Post {
	p := campaign.Post{Card: card.ID, Channels: sl.Channels, Languages: sl.Languages, Link: sl.Link, Text: campaign.Text{}}
	for _, lang := range c.Languages {
		switch {
		case sl.Text[lang] != "":
			p.Text[lang] = sl.Text[lang]
		case card.Kind == campaign.Countdown:
			p.Text[lang] = c.CountdownText(card, lang)
		case c.Tagline[lang] != "":
			p.Text[lang] = c.Tagline[lang]
		default:
			p.Text[lang] = c.Title[lang]
		}
	}
	return p
}

type firing struct {
	resolved
	note string
}

// firings lists the instants a slot fires at during campaign week, in
// order, each once. Cron fields are matched against each local day and
// time of day; the wall-clock times are then resolved in the zone, which
// is where gaps and overlaps are handled (cron's own Next skips gap times).
func firings(c *campaign.Campaign, sl Slot, bad func(k int, format string, args ...any)) []firing {
	var walls []wallClock
	start, end := c.Week.Start.Time, c.Week.End.Time
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		if sl.spec != nil {
			walls = append(walls, cronWalls(sl.spec, d)...)
		}
		for _, st := range sl.times {
			if st.Daily {
				walls = append(walls, wallClock{d.Year(), d.Month(), d.Day(), st.Wall.Hour, st.Wall.Min})
			}
		}
	}
	for k, st := range sl.times {
		if st.Daily {
			continue
		}
		day := time.Date(st.Wall.Year, st.Wall.Month, st.Wall.Day, 0, 0, 0, 0, time.UTC)
		if day.Before(start) || day.After(end) {
			bad(k, "%s is outside campaign week (%s to %s)", st.Wall, c.Week.Start, c.Week.End)
			continue
		}
		walls = append(walls, st.Wall)
	}
	slices.SortFunc(walls, func(a, b wallClock) int { return strings.Compare(a.String(), b.String()) })
	var out []firing
	seen := map[int64]bool{}
	for _, w := range walls {
		r := resolve(w, c.Location)
		if seen[r.At.Unix()] {
			continue
		}
		seen[r.At.Unix()] = true
		out = append(out, firing{resolved: r, note: dstNote(w, r, c.Timezone)})
	}
	return out
}

// dstNote says how a daylight-saving change moved or pinned w.
func dstNote(w wallClock, r resolved, zone string) string {
	switch {
	case r.Shifted:
		return fmt.Sprintf("%s does not exist in %s (clocks spring forward); moved to %s", w, zone, r.At.Format("15:04"))
	case r.Twice:
		return fmt.Sprintf("%s happens twice in %s (clocks fall back); planned once, at the first (UTC%s)", w, zone, r.At.Format("-07:00"))
	}
	return ""
}

// starBit is set by robfig/cron in a field written as * (it matters for the
// day-of-month / day-of-week rule).
const starBit = 1 << 63

// cronWalls lists the local times of day d at which spec fires.
func cronWalls(spec *cron.SpecSchedule, d time.Time) []wallClock {
	if spec.Month&(1<<uint(d.Month())) == 0 || !cronDay(spec, d) {
		return nil
	}
	var out []wallClock
	for h := 0; h < 24; h++ {
		if spec.Hour&(1<<uint(h)) == 0 {
			continue
		}
		for m := 0; m < 60; m++ {
			if spec.Minute&(1<<uint(m)) != 0 {
				out = append(out, wallClock{d.Year(), d.Month(), d.Day(), h, m})
			}
		}
	}
	return out
}

// cronDay applies cron's rule: when both day-of-month and day-of-week are
// restricted, either may match; when one is *, both must.
func cronDay(spec *cron.SpecSchedule, d time.Time) bool {
	dom := spec.Dom&(1<<uint(d.Day())) != 0
	dow := spec.Dow&(1<<uint(d.Weekday())) != 0
	if spec.Dom&starBit != 0 || spec.Dow&starBit != 0 {
		return dom && dow
	}
	return dom || dow
}
