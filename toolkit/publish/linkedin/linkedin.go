// Package linkedin publishes posts to a LinkedIn organisation page through
// the versioned REST API with a member's OAuth 2.0 token: POST /rest/posts
// with the page as author, images uploaded first through the Images API
// (initializeUpload, PUT the bytes, wait until AVAILABLE) with their alt
// text, LinkedIn's limits checked before anything is sent, its 429
// honoured, and no second copy of a post after an interrupted attempt.
//
// LinkedIn has no idempotency key. The publisher records its intent
// before it sends a post (in memory, and in a journal folder when one is
// given) and, on any attempt that may follow one that reached LinkedIn,
// first reads the page's recent posts (GET /rest/posts?q=author) for one
// with exactly the commentary it is about to send and as many images.
//
// Commentary is sent in LinkedIn's "little" text format: the characters
// that format reserves are escaped with a backslash, except a # that
// starts a hashtag and the characters of a link, so that a parenthesis in
// a caption does not silently cut the post short.
package linkedin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/api"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/intent"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/wire"
)

// LinkedIn's limits on a post, checked before sending (Posts API, Images
// API).
const (
	MaxCommentary = 3000     // characters of commentary, as sent (escapes count)
	MaxImages     = 20       // images of one post (multiImage: 2 to 20)
	MaxAltText    = 4086     // characters of an image's alt text
	MaxPixels     = 36152320 // width × height of an image
)

// DefaultVersion is the LinkedIn-Version sent when Config.Version is
// empty. LinkedIn supports each monthly version for at least a year; when
// it sunsets this one, requests are refused with 426 and the operator sets
// CAMPAIGNKIT_LINKEDIN_VERSION to a current one.
const DefaultVersion = "202611"

// Scopes the member's token needs.
var Scopes = []string{"w_organization_social", "r_organization_social", "rw_organization_admin"}

// TokenSource gives the publisher the member's access token.
// *account.Source is one.
type TokenSource interface {
	Token(ctx context.Context) (publish.Secret, error)
	Refresh(ctx context.Context, stale publish.Secret) (publish.Secret, error)
}

// Config configures a publisher for one LinkedIn page.
type Config struct {
	API          string // default https://api.linkedin.com
	Version      string // LinkedIn-Version, default DefaultVersion
	Account      string // the account's id in accounts.yaml, for messages
	Handle       string // the page's name, for messages
	Organization string // urn:li:organization:… the posts are authored by
	Tokens       TokenSource
	// Journal is a folder where the intent to send each post is recorded
	// before it is sent, and its URN after. Empty: memory only, and
	// every retry looks.
	Journal string
	// LookupCount is how many recent posts are read when looking for an
	// earlier copy (5 to 100, default 20).
	LookupCount int
	// PollInterval is the wait between two image status reads (default
	// 2 s); MaxPolls bounds them (default 30).
	PollInterval time.Duration
	MaxPolls     int
	Client       *http.Client                                     // default: 60 s timeout
	Now          func() time.Time                                 // default: time.Now
	Sleep        func(ctx context.Context, d time.Duration) error // default: a timer ctx cancels
}

// Publisher publishes to one LinkedIn page.
type Publisher struct {
	cfg     Config
	base    string
	journal *intent.Journal

	client api.Client
	gate   api.Gate // a 429 said: nothing before this
}

var _ publish.Publisher = (*Publisher)(nil)

var orgRe = regexp.MustCompile(`^urn:li:organization:[0-9]+$`)

// New checks cfg and returns the publisher.
func New(cfg Config) (*Publisher, error) {
	err := wire.Settings{Network: "linkedin", API: &cfg.API, DefaultAPI: "https://api.linkedin.com", NeedTokens: true, Tokens: cfg.Tokens != nil,
		LookupCount: &cfg.LookupCount, LookupDefault: 20, LookupMin: 5,
		PollInterval: &cfg.PollInterval, PollDefault: 2 * time.Second, MaxPolls: &cfg.MaxPolls, MaxPollsDefault: 30,
		Client: &cfg.Client, Now: &cfg.Now, Sleep: &cfg.Sleep}.Check()
	if err != nil {
		return nil, err
	}
	if cfg.Version == "" {
		cfg.Version = DefaultVersion
	}
	if !regexp.MustCompile(`^\d{6}(\.\d{2})?$`).MatchString(cfg.Version) {
		return nil, fmt.Errorf("linkedin: version %q: want YYYYMM, such as %s", cfg.Version, DefaultVersion)
	}
	if cfg.Organization != "" && !orgRe.MatchString(cfg.Organization) {
		return nil, fmt.Errorf("linkedin: organization %q: want urn:li:organization:<number>", cfg.Organization)
	}
	p := &Publisher{cfg: cfg, base: strings.TrimRight(cfg.API, "/"), journal: &intent.Journal{Dir: cfg.Journal, Account: cfg.Account}}
	p.client = api.Client{Who: api.Who{Network: "linkedin", Account: cfg.Account, Handle: cfg.Handle},
		HTTP: cfg.Client, Tokens: cfg.Tokens, Refuse: p.classify}
	return p, nil
}

// Name returns "linkedin".
func (p *Publisher) Name() string { return "linkedin" }

// Publish posts post once as the page, or finds the copy an earlier
// attempt posted.
func (p *Publisher) Publish(ctx context.Context, post publish.Post) (publish.Result, error) {
	if p.cfg.Organization == "" {
		who := p.client.Who
		return publish.Result{}, &publish.PermanentError{Msg: fmt.Sprintf("linkedin: %s has no organization page chosen: %s", who, who.LoginHint())}
	}
	rec, err := p.journal.Load(post.ID)
	if err != nil {
		return publish.Result{}, fmt.Errorf("linkedin: %w", err)
	}
	if rec.Out() {
		return result(rec.RemoteID), nil
	}
	commentary := Escape(publish.WithLink(post.Text, post.Link))
	images, err := loadImages(post)
	if err != nil {
		return publish.Result{}, err
	}
	if err := check(post, commentary, images); err != nil {
		return publish.Result{}, err
	}
	// Any attempt that may follow one that reached LinkedIn looks first:
	// the runner's attempt number covers a crash, the journal a failure in
	// this process and, with a folder, a restart on this machine.
	mayExist := rec.MayExist(publish.Attempt(ctx))
	if mayExist {
		urn, found, err := p.lookup(ctx, commentary, len(images), rec.Since(post.At))
		if err != nil {
			return publish.Result{}, fmt.Errorf("linkedin: looking for an earlier copy of post %s before sending it again: %w", post.ID, err)
		}
		if found {
			return p.journal.Done(post.ID, result(urn)), nil
		}
	}
	if err := p.rateCheck(); err != nil {
		return publish.Result{}, err
	}
	refs := make([]mediaRef, 0, len(images))
	for i, img := range images {
		urn, err := p.upload(ctx, img)
		if err != nil {
			return publish.Result{}, fmt.Errorf("image %d (%s): %w", i+1, img.name, err)
		}
		refs = append(refs, mediaRef{ID: urn, AltText: img.alt})
	}

	rec.PostID = post.ID
	if _, err := p.journal.Intend(rec, p.cfg.Now()); err != nil {
		return publish.Result{}, fmt.Errorf("linkedin: %w", err)
	}
	urn, err := p.create(ctx, commentary, refs)
	if err != nil {
		var dup duplicateError
		if mayExist && errors.As(err, &dup) && dup.urn != "" {
			// LinkedIn names the post this one duplicates: most likely
			// our earlier attempt, not yet visible when we looked.
			return p.journal.Done(post.ID, result(dup.urn)), nil
		}
		return publish.Result{}, err
	}
	return p.journal.Done(post.ID, result(urn)), nil
}

func result(urn string) publish.Result {
	return publish.Result{RemoteID: urn, URL: "https://www.linkedin.com/feed/update/" + urn + "/"}
}

// check refuses, before anything is sent, a post LinkedIn would refuse:
// every problem at once.
func check(post publish.Post, commentary string, images []image) error {
	var probs []string
	if strings.TrimSpace(commentary) == "" && len(post.Images) == 0 {
		probs = append(probs, "it has no text and no image")
	}
	if n := utf8.RuneCountInString(commentary); n > MaxCommentary {
		probs = append(probs, fmt.Sprintf("its commentary has %d characters as sent (reserved characters such as ( ) _ * are escaped with a backslash, which counts); LinkedIn takes at most %d", n, MaxCommentary))
	}
	if len(post.Images) > MaxImages {
		probs = append(probs, fmt.Sprintf("it has %d images; LinkedIn takes at most %d", len(post.Images), MaxImages))
	}
	for i, img := range post.Images {
		if n := utf8.RuneCountInString(img.Alt); n > MaxAltText {
			probs = append(probs, fmt.Sprintf("the alt text of image %d has %d characters; LinkedIn takes at most %d", i+1, n, MaxAltText))
		}
	}
	for i, img := range images {
		if px := img.width * img.height; px >= MaxPixels {
			probs = append(probs, fmt.Sprintf("image %d (%s) is %d×%d, %d pixels; LinkedIn takes fewer than %d", i+1, img.name, img.width, img.height, px, MaxPixels))
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return &publish.PermanentError{Msg: fmt.Sprintf("linkedin: post %s cannot go to LinkedIn as it is: %s", post.ID, strings.Join(probs, "; "))}
}

// reserved are the characters LinkedIn's little text format gives a
// meaning to; as text they must be escaped with a backslash.
const reserved = `\|{}@[]()<>#*_~`

var linkRe = regexp.MustCompile(`https?://[^\s]+`)

// Escape returns text in the little text format: every reserved
// character escaped, except a # starting a hashtag (it stays a hashtag)
// and the characters of a link (so it stays a link).
func Escape(text string) string {
	var b strings.Builder
	last := 0
	for _, span := range linkRe.FindAllStringIndex(text, -1) {
		escapeInto(&b, text[last:span[0]], text, last)
		b.WriteString(text[span[0]:span[1]])
		last = span[1]
	}
	escapeInto(&b, text[last:], text, last)
	return b.String()
}

func escapeInto(b *strings.Builder, s, whole string, offset int) {
	for i, r := range s {
		if strings.ContainsRune(reserved, r) {
			if r == '#' && startsHashtag(whole, offset+i) {
				b.WriteRune(r)
				continue
			}
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
}

// startsHashtag reports whether the # at byte i of s begins a hashtag: a
// letter or digit follows it and none precedes it.
func startsHashtag(s string, i int) bool {
	next, _ := utf8.DecodeRuneInString(s[i+1:])
	if !unicode.IsLetter(next) && !unicode.IsDigit(next) {
		return false
	}
	if i == 0 {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	return !unicode.IsLetter(prev) && !unicode.IsDigit(prev) && prev != '_'
}
