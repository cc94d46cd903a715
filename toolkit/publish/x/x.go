// Package x publishes posts to X through the API v2 with an OAuth 2.0 user
// token: POST /2/tweets, images through the chunked media upload with their
// alt text, X's own limits checked before anything is sent, its rate-limit
// headers honoured, and no second copy of a post after an interrupted
// attempt.
//
// X has no idempotency key. The publisher therefore records its intent
// before it sends a post (in memory, and in a journal folder when one is
// given) and, on any attempt that may follow one that reached X, first
// reads the account's recent posts for one with exactly the text it is
// about to send and as many images. The text itself is the marker: X
// refuses the same text twice from one account within a day (403 duplicate
// content), so an identical recent post with the same images is this post.
// An invisible marker (zero-width characters) was rejected: X counts them
// against the 280, screen readers and copy-paste carry them, and X may
// strip them.
package x

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/api"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/intent"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/wire"
)

// X's limits on a post, checked before sending.
const (
	MaxWeighted = 280  // twitter-text weighted characters
	MaxImages   = 4    // images per post
	MaxAlt      = 1000 // characters of alt text per image
)

// Scopes the account's token needs.
var Scopes = []string{"tweet.read", "tweet.write", "users.read", "media.write", "offline.access"}

// TokenSource gives the publisher the account's access token.
// *account.Source is one.
type TokenSource interface {
	// Token returns a token valid for a few minutes at least.
	Token(ctx context.Context) (publish.Secret, error)
	// Refresh replaces stale, which X refused with 401.
	Refresh(ctx context.Context, stale publish.Secret) (publish.Secret, error)
}

// Config configures a publisher for one X account.
type Config struct {
	API     string // default https://api.x.com
	Account string // the account's id in accounts.yaml, for messages
	Handle  string // @UNmigration, for messages and post URLs
	Tokens  TokenSource
	// UserID is the account's X user id, needed to read its recent posts;
	// when empty it is asked for once (GET /2/users/me).
	UserID string
	// Journal is a folder where the intent to send each post is recorded
	// before it is sent, and its X id after: a restart then knows a post
	// went out without asking X, and when to look for it. Empty: intents
	// are kept in memory only, and every retry looks.
	Journal string
	// LookupCount is how many recent posts are read when looking for an
	// earlier copy (5 to 100, default 20).
	LookupCount int
	// PollInterval is the wait between two media status checks when X does
	// not say (default 1 s); MaxPolls bounds the checks (default 60).
	PollInterval time.Duration
	MaxPolls     int
	Client       *http.Client                                     // default: 60 s timeout
	Now          func() time.Time                                 // default: time.Now
	Sleep        func(ctx context.Context, d time.Duration) error // default: a timer ctx cancels
}

// Publisher publishes to one X account.
type Publisher struct {
	cfg     Config
	base    string
	client  api.Client
	journal *intent.Journal
	userID  wire.Memo

	mu      sync.Mutex
	windows map[string]rateWindow // endpoint -> last rate-limit headers seen
}

var _ publish.Publisher = (*Publisher)(nil)

// New checks cfg and returns the publisher.
func New(cfg Config) (*Publisher, error) {
	err := wire.Settings{Network: "x", API: &cfg.API, DefaultAPI: "https://api.x.com", NeedTokens: true, Tokens: cfg.Tokens != nil,
		LookupCount: &cfg.LookupCount, LookupDefault: 20, LookupMin: 5,
		PollInterval: &cfg.PollInterval, PollDefault: time.Second, MaxPolls: &cfg.MaxPolls, MaxPollsDefault: 60,
		Client: &cfg.Client, Now: &cfg.Now, Sleep: &cfg.Sleep}.Check()
	if err != nil {
		return nil, err
	}
	cfg.Handle = strings.TrimPrefix(strings.TrimSpace(cfg.Handle), "@")
	p := &Publisher{cfg: cfg, base: strings.TrimRight(cfg.API, "/"),
		journal: &intent.Journal{Dir: cfg.Journal, Account: cfg.Account}, windows: map[string]rateWindow{}}
	p.userID.Set(cfg.UserID)
	p.client = api.Client{Who: api.Who{Network: "x", Account: cfg.Account, Handle: api.At(cfg.Handle)},
		HTTP: cfg.Client, Tokens: cfg.Tokens, Observe: p.noteRate, Refuse: p.classify}
	return p, nil
}

// Name returns "x".
func (p *Publisher) Name() string { return "x" }

// Publish posts post once, or finds the copy an earlier attempt posted.
func (p *Publisher) Publish(ctx context.Context, post publish.Post) (publish.Result, error) {
	rec, err := p.journal.Load(post.ID)
	if err != nil {
		return publish.Result{}, fmt.Errorf("x: %w", err)
	}
	if rec.Out() {
		return p.result(rec.RemoteID), nil
	}
	text := publish.WithLink(post.Text, post.Link)
	if err := check(post, text); err != nil {
		return publish.Result{}, err
	}
	images, err := loadImages(post)
	if err != nil {
		return publish.Result{}, err
	}
	// Any attempt that may follow one that reached X looks first: the
	// runner's attempt number covers a crash, the journal a failure in
	// this process and, with a folder, a restart on this machine.
	mayExist := rec.MayExist(publish.Attempt(ctx))
	since := rec.Since(post.At)
	if mayExist {
		res, found, err := p.lookup(ctx, text, len(images), since)
		if err != nil {
			return publish.Result{}, fmt.Errorf("x: looking for an earlier copy of post %s before sending it again: %w", post.ID, err)
		}
		if found {
			return p.journal.Done(post.ID, res), nil
		}
	}
	// Waiting out a known-empty window beats uploading images for a post
	// X will refuse.
	if err := p.rateCheck(epCreate); err != nil {
		return publish.Result{}, err
	}
	ids := make([]string, 0, len(images))
	for i, img := range images {
		id, err := p.upload(ctx, img)
		if err != nil {
			return publish.Result{}, fmt.Errorf("image %d (%s): %w", i+1, img.name, err)
		}
		ids = append(ids, id)
	}

	rec.PostID = post.ID
	if _, err := p.journal.Intend(rec, p.cfg.Now()); err != nil {
		return publish.Result{}, fmt.Errorf("x: %w", err)
	}
	id, err := p.create(ctx, text, ids)
	if err != nil {
		if mayExist && isDuplicate(err) {
			// X says this text is already on the account: most likely our
			// earlier attempt, not yet visible when we looked.
			res, found, lerr := p.lookup(ctx, text, len(images), since)
			if lerr == nil && found {
				return p.journal.Done(post.ID, res), nil
			}
		}
		return publish.Result{}, err
	}
	return p.journal.Done(post.ID, p.result(id)), nil
}

func (p *Publisher) result(id string) publish.Result {
	who := p.cfg.Handle
	if who == "" {
		who = "i/web"
	}
	return publish.Result{RemoteID: id, URL: "https://x.com/" + who + "/status/" + id}
}

// check refuses, before anything is sent, a post X would refuse: every
// problem at once.
func check(post publish.Post, text string) error {
	var probs []string
	if strings.TrimSpace(text) == "" && len(post.Images) == 0 {
		probs = append(probs, "it has no text and no image")
	}
	if n := caption.Count("x", text); n > MaxWeighted {
		probs = append(probs, fmt.Sprintf("its text weighs %d characters as X counts them, over X's %d (links count 23, most CJK characters and emoji 2)", n, MaxWeighted))
	}
	if len(post.Images) > MaxImages {
		probs = append(probs, fmt.Sprintf("it has %d images; X takes at most %d", len(post.Images), MaxImages))
	}
	for i, img := range post.Images {
		if n := utf8.RuneCountInString(img.Alt); n > MaxAlt {
			probs = append(probs, fmt.Sprintf("the alt text of image %d has %d characters; X takes at most %d", i+1, n, MaxAlt))
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return &publish.PermanentError{Msg: fmt.Sprintf("x: post %s cannot go to X as it is: %s", post.ID, strings.Join(probs, "; "))}
}
