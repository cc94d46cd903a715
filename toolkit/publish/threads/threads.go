// Package threads publishes posts to Threads through the Threads API with
// a long-lived user token: a media container is made (POST
// /{threads-user-id}/threads, TEXT or IMAGE), awaited until Threads has
// processed it (status FINISHED), then published (POST
// /{threads-user-id}/threads_publish). Threads fetches an image itself
// from a public URL, so a post with an image needs a publish.MediaHost.
//
// Threads has no idempotency key. The publisher journals the container
// it made for each post before publishing it, and publishes a container
// only while Threads says it is FINISHED, never one that is PUBLISHED; on
// any attempt that may follow one that reached Threads it reads the
// profile's recent threads for one with exactly the same text and kind
// before making a new container.
package threads

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/api"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/intent"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/wire"
)

// Threads' limits on a post, checked before sending.
const (
	MaxText       = 500     // characters, emoji counted in UTF-8 bytes (Count)
	MaxAltText    = 1000    // characters of an image's alt_text
	MaxImageBytes = 8 << 20 // JPEG or PNG
	MaxAspect     = 10      // 10:1 either way
	// MaxImages is what this publisher sends in one post: a single IMAGE
	// container. Threads' carousels (2 to 20 items) are not built.
	MaxImages = 1
)

// Scopes the token needs.
var Scopes = []string{"threads_basic", "threads_content_publish"}

// TokenSource gives the publisher the profile's access token.
// *account.Source is one.
type TokenSource interface {
	Token(ctx context.Context) (publish.Secret, error)
	Refresh(ctx context.Context, stale publish.Secret) (publish.Secret, error)
}

// Config configures a publisher for one Threads profile.
type Config struct {
	API     string // default https://graph.threads.net
	Account string // the account's id in accounts.yaml, for messages
	Handle  string // @handle, for messages
	UserID  string // the Threads user id; asked for once (GET /me) when empty
	Tokens  TokenSource
	// Media gives images the public URL Threads fetches them from; nil
	// refuses posts with images.
	Media publish.MediaHost
	// Journal is a folder where each post's container and state are
	// recorded. Empty: memory only, and every retry looks.
	Journal string
	// LookupCount is how many recent threads are read when looking for an
	// earlier copy (5 to 100, default 25).
	LookupCount int
	// PollInterval is the wait between two container status reads
	// (default 10 s); MaxPolls bounds them (default 30, five minutes, as
	// the reference recommends at most).
	PollInterval time.Duration
	MaxPolls     int
	Client       *http.Client                                     // default: 60 s timeout
	Now          func() time.Time                                 // default: time.Now
	Sleep        func(ctx context.Context, d time.Duration) error // default: a timer ctx cancels
}

// Publisher publishes to one Threads profile.
type Publisher struct {
	cfg     Config
	base    string
	journal *intent.Journal

	client api.Client
	gate   api.Gate // a rate limit or the used-up quota said: nothing before this
	userID wire.Memo
}

var _ publish.Publisher = (*Publisher)(nil)

// New checks cfg and returns the publisher.
func New(cfg Config) (*Publisher, error) {
	err := wire.Settings{Network: "threads", API: &cfg.API, DefaultAPI: "https://graph.threads.net", NeedTokens: true, Tokens: cfg.Tokens != nil,
		LookupCount: &cfg.LookupCount, LookupDefault: 25, LookupMin: 5,
		PollInterval: &cfg.PollInterval, PollDefault: 10 * time.Second, MaxPolls: &cfg.MaxPolls, MaxPollsDefault: 30,
		Client: &cfg.Client, Now: &cfg.Now, Sleep: &cfg.Sleep}.Check()
	if err != nil {
		return nil, err
	}
	cfg.Handle = strings.TrimPrefix(strings.TrimSpace(cfg.Handle), "@")
	p := &Publisher{cfg: cfg, base: strings.TrimRight(cfg.API, "/") + "/v1.0",
		journal: &intent.Journal{Dir: cfg.Journal, Account: cfg.Account}}
	p.userID.Set(cfg.UserID)
	p.client = api.Client{Who: api.Who{Network: "threads", Account: cfg.Account, Handle: api.At(cfg.Handle)},
		HTTP: cfg.Client, Tokens: cfg.Tokens, Expired: tokenExpired, Refuse: p.classify}
	return p, nil
}

// Name returns "threads".
func (p *Publisher) Name() string { return "threads" }

type image struct {
	path, mime string
	alt        string
}

// Publish posts post once, or finds the copy an earlier attempt posted.
func (p *Publisher) Publish(ctx context.Context, post publish.Post) (publish.Result, error) {
	rec, err := p.journal.Load(post.ID)
	if err != nil {
		return publish.Result{}, fmt.Errorf("threads: %w", err)
	}
	if rec.Out() {
		return publish.Result{RemoteID: rec.RemoteID, URL: rec.URL}, nil
	}
	text := publish.WithLink(post.Text, post.Link)
	img, err := p.check(post, text)
	if err != nil {
		return publish.Result{}, err
	}
	uid, err := p.user(ctx)
	if err != nil {
		return publish.Result{}, err
	}
	kind := "TEXT_POST"
	if img != nil {
		kind = "IMAGE"
	}
	since := rec.Since(post.At)

	// A container this post already has is never made again, and never
	// published twice: its status says what is left to do.
	container := ""
	if rec.Container != "" {
		st, err := p.status(ctx, rec.Container)
		if err != nil {
			return publish.Result{}, err
		}
		switch st.Status {
		case "PUBLISHED":
			res, found, err := p.lookup(ctx, uid, text, kind, since)
			if err != nil {
				return publish.Result{}, err
			}
			if !found {
				return publish.Result{}, fmt.Errorf("threads: container %s of post %s is published but the thread is not among the profile's recent threads yet", rec.Container, post.ID)
			}
			return p.journal.Done(post.ID, res), nil
		case "FINISHED", "IN_PROGRESS":
			container = rec.Container
		}
		// ERROR, EXPIRED, or gone: never published; make a new one.
	} else if rec.MayExist(publish.Attempt(ctx)) {
		res, found, err := p.lookup(ctx, uid, text, kind, since)
		if err != nil {
			return publish.Result{}, fmt.Errorf("threads: looking for an earlier copy of post %s before sending it again: %w", post.ID, err)
		}
		if found {
			return p.journal.Done(post.ID, res), nil
		}
	}

	if container == "" {
		if err := p.quota(ctx, uid); err != nil {
			return publish.Result{}, err
		}
		imageURL := ""
		if img != nil {
			if imageURL, err = p.cfg.Media.URL(ctx, img.path); err != nil {
				return publish.Result{}, fmt.Errorf("threads: post %s: making the image public: %w", post.ID, err)
			}
		}
		if container, err = p.create(ctx, uid, text, imageURL, img); err != nil {
			return publish.Result{}, err
		}
		now := p.cfg.Now()
		rec = intent.Record{PostID: post.ID, State: intent.Prepared, IntentAt: now.UTC(), Container: container}
		if err := p.journal.Save(rec); err != nil {
			return publish.Result{}, fmt.Errorf("threads: %w", err)
		}
	}
	if err := p.await(ctx, container); err != nil {
		return publish.Result{}, err
	}

	if _, err := p.journal.Intend(rec, p.cfg.Now()); err != nil {
		return publish.Result{}, fmt.Errorf("threads: %w", err)
	}
	id, err := p.publishContainer(ctx, uid, container)
	if err != nil {
		return publish.Result{}, err
	}
	return p.journal.Done(post.ID, publish.Result{RemoteID: id, URL: p.permalink(ctx, id)}), nil
}

// check refuses, before anything is sent, a post Threads would refuse
// (or this publisher cannot send): every problem at once.
func (p *Publisher) check(post publish.Post, text string) (*image, error) {
	var probs []string
	if strings.TrimSpace(text) == "" && len(post.Images) == 0 {
		probs = append(probs, "it has no text and no image")
	}
	if n := Count(text); n > MaxText {
		probs = append(probs, fmt.Sprintf("its text has %d characters as Threads counts them (an emoji counts its UTF-8 bytes); Threads takes at most %d", n, MaxText))
	}
	if len(post.Images) > MaxImages {
		probs = append(probs, fmt.Sprintf("it has %d images; campaignkit sends one image per Threads post (carousels are not built)", len(post.Images)))
	}
	var img *image
	for i, pi := range post.Images {
		if n := utf8.RuneCountInString(pi.Alt); n > MaxAltText {
			probs = append(probs, fmt.Sprintf("the alt text of image %d has %d characters; Threads takes at most %d", i+1, n, MaxAltText))
		}
		pic, err := publish.ReadPicture(pi.Path, toolkit.MaxImageBytes)
		if err != nil {
			probs = append(probs, fmt.Sprintf("image %d: %s", i+1, toolkit.Reason(err)))
			continue
		}
		m := pic.Type
		if m != "image/jpeg" && m != "image/png" {
			probs = append(probs, fmt.Sprintf("image %d (%s) is %s; Threads takes JPEG and PNG images", i+1, pi.Path, m))
			continue
		}
		if pic.Size > MaxImageBytes {
			probs = append(probs, fmt.Sprintf("image %d (%s) has %d bytes; Threads takes images up to 8 MB", i+1, pi.Path, pic.Size))
		}
		if w, h := pic.Width, pic.Height; w > 0 && h > 0 && (w > MaxAspect*h || h > MaxAspect*w) {
			probs = append(probs, fmt.Sprintf("image %d (%s) is %d×%d; Threads takes aspect ratios up to 10:1", i+1, pi.Path, w, h))
		}
		img = &image{path: pi.Path, mime: m, alt: pi.Alt}
	}
	if len(post.Images) > 0 && p.cfg.Media == nil {
		probs = append(probs, fmt.Sprintf("it has an image, and Threads fetches images from a public URL: %v (set CAMPAIGNKIT_PUBLIC_BASE_URL to the address where the state folder's public/ folder is served)", publish.ErrNoPublicURL))
	}
	if len(probs) == 0 {
		return img, nil
	}
	err := &publish.PermanentError{Msg: fmt.Sprintf("threads: post %s cannot go to Threads as it is: %s", post.ID, strings.Join(probs, "; "))}
	if len(post.Images) > 0 && p.cfg.Media == nil {
		return nil, fmt.Errorf("%w: %w", err, publish.ErrNoPublicURL)
	}
	return nil, err
}
