package campaign

import (
	"errors"
	"fmt"
	"image"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/campaignkit/campaignkit/toolkit"
	"gopkg.in/yaml.v3"
)

// UnmarshalYAMLNode reads a date written as 2006-01-02.
func (d *Date) UnmarshalYAMLNode(n *yaml.Node) error {
	t, err := time.Parse(time.DateOnly, n.Value)
	if err != nil {
		return fmt.Errorf("want a date such as 2026-12-18, got %q", n.Value)
	}
	d.Time = t
	return nil
}

// String formats the date as 2006-01-02.
func (d Date) String() string { return d.Format(time.DateOnly) }

// Platforms that captions and posts may name.
var Platforms = []string{"x", "bluesky", "mastodon", "threads", "linkedin", "instagram", "facebook"}

// Channels that posts may be published to: the platforms plus the
// scheduler's own outbox and webhook.
var Channels = append(slices.Clone(Platforms), "outbox", "webhook")

// LocalLayout is how post times are written in campaign files.
const LocalLayout = "2006-01-02 15:04"

// The grace window: how late a post may still go out after its time
// passed while no runner was publishing. Under a minute it would mark
// missed the posts of a runner that merely restarted; over a day, a post
// would go out about a day that is over.
const (
	DefaultGrace = 15 * time.Minute
	MinGrace     = time.Minute
	MaxGrace     = 24 * time.Hour
)

var (
	slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// Load reads the campaign file name from fsys, decodes it strictly and
// validates it. Every problem is returned at once as a
// *toolkit.InvalidError whose problems carry file:line and field path.
// Image files the cards name are looked up in fsys relative to the file.
func Load(fsys fs.FS, name string) (*Campaign, error) {
	return LoadWith(fsys, name, LoadOptions{})
}

// LoadOptions tunes what Load checks.
type LoadOptions struct {
	// Decode, when set, limits the full decoding of image files to the
	// logo and the pictures of the cards it says yes to (by card ID); the
	// others are checked as far as their headers (format, size, limits).
	// A command that draws one card uses it: proving the pixel data of
	// every photo sound costs more than drawing the card, and the cards it
	// does not draw are lint's and build's to check.
	Decode func(cardID string) bool
	// Decoded, when set, says which picture files are known to decode
	// whole, by the hex SHA-256 of their bytes (a build's record, see
	// bundle.DecodedPictures): those are checked as far as their headers.
	// A damaged or changed file has another hash, and is decoded.
	Decoded func(sum string) bool
	// Pictures, when set, is given every picture decoded whole, by its
	// path in fsys, so that a caller about to draw it need not decode it
	// again (render.Images.Keep).
	Pictures func(file string, img image.Image)
}

// LoadWith is Load with options.
func LoadWith(fsys fs.FS, name string, o LoadOptions) (*Campaign, error) {
	data, err := toolkit.ReadFile(fsys, name, toolkit.MaxYAMLBytes)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, toolkit.Invalid(name, 0, "", "no such file; give the path of a campaign YAML file, or run `campaignkit init DIR` to make one")
		}
		if unusable(err) {
			return nil, toolkit.Invalid(name, 0, "", "cannot read the campaign file: %s", toolkit.Reason(err))
		}
		return nil, fmt.Errorf("read campaign: %w", err)
	}
	return parseWith(fsys, name, data, o)
}

// Parse is Load for data already read; name is used in messages and to
// resolve image paths in fsys (fsys may be nil to skip image checks).
// When every problem is in a post or an image file, the campaign is
// returned along with the error (its cards can still be checked, without
// those images: see DropImages); callers that only need a usable campaign
// must test the error first.
func Parse(fsys fs.FS, name string, data []byte) (*Campaign, error) {
	return parseWith(fsys, name, data, LoadOptions{})
}

func parseWith(fsys fs.FS, name string, data []byte, o LoadOptions) (*Campaign, error) {
	c := &Campaign{File: name, load: o}
	pos, err := toolkit.DecodeYAML(name, data, c)
	c.Pos = pos
	ps := &toolkit.Problems{File: name}
	var ie *toolkit.InvalidError
	if err != nil {
		if !errors.As(err, &ie) || pos == nil {
			return nil, err
		}
		ps.Append(ie.Problems...)
	}
	c.validate(ps, fsys, path.Dir(name))
	c.load = LoadOptions{} // only the checks above use it: let go of its hooks
	c.checkLimits(ps)
	c.checkPublishing(ps)
	if err := ps.Err(); err != nil {
		if onlyPosts(err) {
			// the cards are sound: return them with the error, so that lint
			// can go on to lay them out and report everything in one run
			return c, err
		}
		return nil, err
	}
	return c, nil
}

// onlyPosts reports whether every problem of err is in a post or an image.
func onlyPosts(err error) bool {
	var ie *toolkit.InvalidError
	if !errors.As(err, &ie) {
		return false
	}
	for _, p := range ie.Problems {
		if !strings.HasPrefix(p.Field, "posts[") && !imageField(p.Field) {
			return false
		}
	}
	return true
}

func (c *Campaign) validate(ps *toolkit.Problems, fsys fs.FS, dir string) {
	at := func(field, format string, args ...any) { ps.Add(c.Pos.Line(field), field, format, args...) }
	if strings.TrimSpace(c.Name) == "" {
		at("name", "missing: give the campaign a name")
	}
	if !slugRe.MatchString(c.Slug) {
		at("slug", "want lowercase letters, digits and dashes such as migrants-day-2026, got %q", c.Slug)
	}
	if len(c.Languages) == 0 {
		at("languages", "missing: list the campaign's languages, e.g. [en, fr, ar]")
	}
	seen := map[string]bool{}
	for i, l := range c.Languages {
		f := fmt.Sprintf("languages[%d]", i)
		if msg := checkLanguage(l); msg != "" {
			at(f, "%s", msg)
		}
		if seen[l] {
			at(f, "language %q is listed twice", l)
		}
		seen[l] = true
	}
	c.Listed = slices.Clone(c.Languages)
	for i, l := range c.Pending {
		f := fmt.Sprintf("pending[%d]", i)
		if !seen[l] {
			at(f, "pending language %q is not one of languages %v: list it there too", l, c.Languages)
		}
	}
	c.Languages = slices.DeleteFunc(slices.Clone(c.Languages), func(l string) bool { return slices.Contains(c.Pending, l) })
	if len(c.Listed) > 0 && len(c.Languages) == 0 {
		at("pending", "every language is pending: at least one must be ready to build")
	}
	for _, nt := range c.texts() {
		nt.text.spread(c.Listed)
	}
	if c.Timezone == "" {
		at("timezone", "missing: give the campaign's IANA time zone, e.g. Europe/Zurich")
	} else if loc, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "Local" {
		at("timezone", "unknown time zone %q: use an IANA name such as Europe/London or America/New_York", c.Timezone)
	} else {
		c.Location = loc
	}
	if c.Day.IsZero() {
		at("day", "missing: give the campaign day, e.g. 2026-12-18")
	}
	if c.Week.Start.IsZero() || c.Week.End.IsZero() {
		at("week", "missing: give week.start and week.end, e.g. 2026-12-12 and 2026-12-18")
	} else {
		if c.Week.End.Before(c.Week.Start.Time) {
			at("week.end", "the week ends (%s) before it starts (%s)", c.Week.End, c.Week.Start)
		}
		if days := c.Week.End.Sub(c.Week.Start.Time).Hours() / 24; days > 31 {
			at("week.end", "a campaign week of %.0f days is too long: at most 31", days+1)
		}
		if !c.Day.IsZero() && (c.Day.Before(c.Week.Start.Time) || c.Day.After(c.Week.End.Time)) {
			at("day", "the day %s lies outside the week %s to %s", c.Day, c.Week.Start, c.Week.End)
		}
	}
	if _, given := c.Pos["grace"]; !given || ps.Has("grace") {
		c.Grace = DefaultGrace
	} else if c.Grace < MinGrace || c.Grace > MaxGrace {
		at("grace", "want a duration from %s to %s (default %s), got %s", toolkit.ShortDuration(MinGrace), toolkit.ShortDuration(MaxGrace), toolkit.ShortDuration(DefaultGrace), toolkit.ShortDuration(c.Grace))
	}
	if c.Logo != "" {
		c.checkImage(ps, "logo", c.Logo, fsys, dir)
	}
	c.checkText(ps, "title", c.Title, true)
	c.checkText(ps, "tagline", c.Tagline, false)
	for i, h := range c.Hashtags {
		if msg := checkHashtag(h); msg != "" {
			at(fmt.Sprintf("hashtags[%d]", i), "%s", msg)
		}
	}
	for name, u := range c.Links {
		if pu, err := url.Parse(u); err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
			at("links."+name, "want an absolute http(s) URL, got %q", u)
		}
	}
	for _, l := range toolkit.SortedKeys(c.Messages) {
		if !seen[l] {
			at("messages."+l, "language %q is not one of the campaign's languages %v", l, c.Languages)
		}
		for k, m := range c.Messages[l] {
			c.checkChars(ps, fmt.Sprintf("messages.%s[%d]", l, k), m)
		}
	}

	ids := map[string]int{}
	if len(c.Cards) == 0 {
		at("cards", "missing: a campaign needs at least one card")
	}
	for i := range c.Cards {
		c.validateCard(ps, i, ids, fsys, dir)
	}
	c.checkGeneratedIDs(ps)
	expanded := map[string]bool{}
	for _, card := range c.ExpandedCards() {
		expanded[card.ID] = true
	}
	postIDs := map[string]bool{}
	for i := range c.Posts {
		c.validatePost(ps, i, postIDs, expanded)
	}
}

func checkHashtag(h string) string {
	if !strings.HasPrefix(h, "#") || len(h) < 2 {
		return fmt.Sprintf("want a hashtag starting with #, got %q", h)
	}
	for _, r := range h[1:] {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)) {
			return fmt.Sprintf("hashtag %q has %q: hashtags are letters, digits and _ only", h, r)
		}
	}
	return ""
}

// checkText reports missing or empty translations of t.
func (c *Campaign) checkText(ps *toolkit.Problems, field string, t Text, required bool) {
	if t == nil {
		if required {
			ps.Add(c.Pos.Line(field), field, "missing: give the text in each language (%s)", strings.Join(c.Languages, ", "))
		}
		return
	}
	for _, l := range c.Languages {
		if strings.TrimSpace(t[l]) == "" {
			ps.Add(c.Pos.Line(field), field+"."+l, "missing translation in %q", l)
		}
	}
	for _, l := range c.Pending {
		if strings.TrimSpace(t[l]) == "" {
			c.warn(field, field+"."+l, "missing translation in %q, a pending language: it is left out of builds until translated", l)
		}
	}
	for _, l := range toolkit.SortedKeys(t) {
		if !slices.Contains(c.Listed, l) {
			ps.Add(c.Pos.Line(field+"."+l), field+"."+l, "language %q is not one of the campaign's languages %v", l, c.Listed)
		}
		c.checkChars(ps, field+"."+l, t[l])
	}
}

func (c *Campaign) validateCard(ps *toolkit.Problems, i int, ids map[string]int, fsys fs.FS, dir string) {
	card := &c.Cards[i]
	p := fmt.Sprintf("cards[%d]", i)
	at := func(field, format string, args ...any) { ps.Add(c.Pos.Line(p+field), p+field, format, args...) }
	if msg := checkID(card.ID, "quote-guterres"); msg != "" {
		at(".id", "%s", msg)
	} else if prev, dup := ids[card.ID]; dup {
		at(".id", "id %q is already used by cards[%d]", card.ID, prev)
	}
	ids[card.ID] = i
	text := func(name string, t Text) { c.checkText(ps, p+"."+name, t, true) }
	switch card.Kind {
	case Hashtag:
		if card.Tag == nil {
			at(".tag", "missing: give the hashtag, e.g. \"#ItTakesACommunity\", or one per language")
		} else {
			text("tag", card.Tag)
			for _, l := range toolkit.SortedKeys(card.Tag) {
				if card.Tag[l] == "" {
					continue
				}
				if msg := checkHashtag(card.Tag[l]); msg != "" {
					field := ".tag"
					if _, ok := c.Pos[p+".tag."+l]; ok {
						field += "." + l
					}
					at(field, "%s", msg)
				}
			}
		}
		if card.Text != nil {
			text("text", card.Text)
		}
	case Quote:
		text("quote", card.Quote)
		text("speaker", card.Speaker)
		text("role", card.Role)
		if card.Portrait != "" {
			c.checkImage(ps, p+".portrait", card.Portrait, fsys, dir)
		}
	case Stat:
		text("figure", card.Figure)
		text("label", card.Label)
		text("source", card.Source)
	case Story:
		text("quote", card.Quote)
		text("name", card.Name)
		if card.Photo == "" {
			at(".photo", "missing: a story card needs a photo (PNG or JPEG)")
		} else {
			c.checkImage(ps, p+".photo", card.Photo, fsys, dir)
		}
		switch f := card.Focus; len(f) {
		case 0:
			card.Focus = []float64{0.5, 0.5}
		case 2, 4:
			for k, v := range f {
				if v < 0 || v > 1 {
					at(fmt.Sprintf(".focus[%d]", k), "want a fraction from 0 to 1, got %g", v)
				}
			}
			if len(f) == 4 && (f[2] <= 0 || f[3] <= 0 || f[0]+f[2] > 1.0001 || f[1]+f[3] > 1.0001) {
				at(".focus", "want a box [x, y, width, height] with width and height above 0 that stays inside the photo, got %v", f)
			}
		default:
			at(".focus", "want a point [x, y] or a box [x, y, width, height] (fractions of the photo), got %d numbers", len(f))
		}
	case Countdown:
		if card.Phrase == nil {
			at(".phrase", "missing: give the phrase per language and plural form, e.g. en: {one: \"{n} day to go\", other: \"{n} days to go\"}")
			break
		}
		c.checkText(ps, p+".today", card.Today, false)
		for _, l := range c.Pending {
			if card.Phrase[l] == nil {
				c.warn(p+".phrase", p+".phrase."+l, "missing translation in %q, a pending language: it is left out of builds until translated", l)
			}
		}
		for _, l := range c.Languages {
			forms := card.Phrase[l]
			if forms == nil {
				at(".phrase."+l, "missing translation in %q", l)
				continue
			}
			for _, n := range c.countdownDays() {
				if n == 0 && card.Today[l] != "" {
					continue
				}
				f := PluralForm(l, n)
				if forms[f] == "" && forms["other"] == "" {
					at(".phrase."+l, "missing the %q form (needed for %d) in %q", f, n, l)
				}
			}
			for _, f := range toolkit.SortedKeys(forms) {
				if !slices.Contains([]string{"zero", "one", "two", "few", "many", "other"}, f) {
					at(".phrase."+l+"."+f, "unknown plural form %q (CLDR forms: zero, one, two, few, many, other)", f)
				} else if !strings.Contains(forms[f], "{n}") && !WordForm(l, f) {
					at(".phrase."+l+"."+f, "the phrase has no {n} where the number of days goes")
				}
				c.checkChars(ps, p+".phrase."+l+"."+f, forms[f])
			}
		}
	case "":
		at(".kind", "missing: choose one of %v", Kinds)
	default:
		at(".kind", "unknown card kind %q: choose one of %v", card.Kind, Kinds)
	}
	if card.Alt != nil {
		c.checkText(ps, p+".alt", card.Alt, true)
		for l, a := range card.Alt {
			if n := len([]rune(a)); n > 1000 {
				at(".alt."+l, "alt text has %d characters; keep it under 1000", n)
			}
		}
	}
}

// WordForm reports whether a plural form may name its number in words
// instead of {n}: Arabic says "يوم واحد" and "يومان" (one day, two days)
// without a numeral, as CLDR's own examples do.
func WordForm(lang, form string) bool {
	base, _, _ := strings.Cut(lang, "-")
	return base == "ar" && (form == "one" || form == "two" || form == "zero")
}

func (c *Campaign) countdownDays() []int {
	var days []int
	if c.Week.Start.IsZero() || c.Day.IsZero() {
		return days
	}
	for d := c.Week.Start.Time; !d.After(c.Week.End.Time) && !d.After(c.Day.Time); d = d.AddDate(0, 0, 1) {
		days = append(days, int(c.Day.Sub(d).Hours()/24+0.5))
	}
	return days
}

func (c *Campaign) validatePost(ps *toolkit.Problems, i int, ids map[string]bool, cards map[string]bool) {
	post := &c.Posts[i]
	p := fmt.Sprintf("posts[%d]", i)
	at := func(field, format string, args ...any) { ps.Add(c.Pos.Line(p+field), p+field, format, args...) }
	if msg := checkID(post.ID, "day-launch"); msg != "" {
		at(".id", "%s", msg)
	} else if ids[post.ID] {
		at(".id", "post id %q is used twice", post.ID)
	}
	ids[post.ID] = true
	if post.Card != "" && !cards[post.Card] {
		at(".card", "no card %q (a countdown card named X is used as X-<days left>, e.g. X-3)", post.Card)
	}
	if c.Location != nil {
		t, err := time.ParseInLocation(LocalLayout, post.At, c.Location)
		if err != nil {
			at(".at", "want a local time such as 2026-12-18 09:00, got %q", post.At)
		} else {
			post.Time = t
			if !c.Week.Start.IsZero() {
				day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
				if day.Before(c.Week.Start.Time) || day.After(c.Week.End.Time) {
					at(".at", "%s is outside campaign week (%s to %s)", post.At, c.Week.Start, c.Week.End)
				}
			}
		}
	}
	if len(post.Channels) == 0 {
		at(".channels", "missing: list where it goes, from %v", Channels)
	}
	for k, ch := range post.Channels {
		if !slices.Contains(Channels, ch) {
			at(fmt.Sprintf(".channels[%d]", k), "unknown channel %q: choose from %v", ch, Channels)
		}
	}
	for k, l := range post.Languages {
		if !slices.Contains(c.Listed, l) {
			at(fmt.Sprintf(".languages[%d]", k), "language %q is not one of the campaign's languages %v", l, c.Listed)
		}
	}
	langs := post.Languages
	if len(langs) == 0 {
		langs = c.Listed
	}
	for _, l := range langs {
		if strings.TrimSpace(post.Text[l]) != "" {
			continue
		}
		if slices.Contains(c.Pending, l) {
			c.warn(p+".text", p+".text."+l, "missing translation in %q, a pending language: it is left out of builds until translated", l)
		} else {
			at(".text."+l, "missing translation in %q", l)
		}
	}
	for _, l := range toolkit.SortedKeys(post.Text) {
		c.checkChars(ps, p+".text."+l, post.Text[l])
	}
	if post.Link != "" {
		if _, ok := c.Links[post.Link]; !ok {
			if u, err := url.Parse(post.Link); err != nil || u.Host == "" {
				at(".link", "want a key of links (%s) or an absolute URL, got %q", strings.Join(toolkit.SortedKeys(c.Links), ", "), post.Link)
			}
		}
	}
	for _, plat := range toolkit.SortedKeys(post.Overrides) {
		if !slices.Contains(Platforms, plat) {
			at(".overrides."+plat, "unknown platform %q: choose from %v", plat, Platforms)
		}
		for _, l := range toolkit.SortedKeys(post.Overrides[plat]) {
			c.checkChars(ps, p+".overrides."+plat+"."+l, post.Overrides[plat][l])
		}
	}
}

// PostLanguages are the languages a post goes out in: its own list, or
// all the campaign's, less the pending ones.
func (c *Campaign) PostLanguages(p Post) []string {
	if len(p.Languages) > 0 {
		if len(c.Pending) == 0 {
			return p.Languages
		}
		return slices.DeleteFunc(slices.Clone(p.Languages), func(l string) bool { return slices.Contains(c.Pending, l) })
	}
	return c.Languages
}

// warn records a warning at the line of at (a field that exists) about
// field (one that may not).
func (c *Campaign) warn(at, field, format string, args ...any) {
	c.Warnings = append(c.Warnings, toolkit.Problem{File: c.File, Line: c.Pos.Line(at), Field: field, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// namedText is a text of the campaign with its field path.
type namedText struct {
	field string
	text  Text
}

// texts lists every per-language text of the campaign but the countdown
// phrases (which are per plural form) and the key messages.
func (c *Campaign) texts() []namedText {
	out := []namedText{{"title", c.Title}, {"tagline", c.Tagline}}
	for i, card := range c.Cards {
		p := fmt.Sprintf("cards[%d].", i)
		for _, f := range []struct {
			name string
			t    Text
		}{{"tag", card.Tag}, {"text", card.Text}, {"quote", card.Quote}, {"speaker", card.Speaker}, {"role", card.Role},
			{"figure", card.Figure}, {"label", card.Label}, {"source", card.Source}, {"name", card.Name}, {"today", card.Today}, {"alt", card.Alt}} {
			out = append(out, namedText{p + f.name, f.t})
		}
	}
	for i, post := range c.Posts {
		p := fmt.Sprintf("posts[%d].", i)
		out = append(out, namedText{p + "text", post.Text})
		for _, plat := range toolkit.SortedKeys(post.Overrides) {
			out = append(out, namedText{p + "overrides." + plat, post.Overrides[plat]})
		}
	}
	return out
}

// LinkURL resolves a post's link (a key of links, or a URL).
func (c *Campaign) LinkURL(p Post) string {
	if u, ok := c.Links[p.Link]; ok {
		return u
	}
	return p.Link
}
