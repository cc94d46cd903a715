// Package instagram publishes posts to an Instagram professional account
// through the Instagram Graph API (Instagram API with Facebook Login): a
// media container per image (POST /{ig-user-id}/media with image_url,
// caption and alt_text), a carousel container over them when there are
// several, a wait until the container is FINISHED (GET
// /{container-id}?fields=status_code), then POST
// /{ig-user-id}/media_publish.
//
// Instagram does not take an upload: it fetches image_url itself. The
// publisher therefore hands each image to a publish.MediaHost, which puts
// it at a public URL (the operator's CAMPAIGNKIT_PUBLIC_BASE_URL); with no
// host every post is refused with a message saying what to set.
// Instagram publishes JPEG only: a PNG card is converted to JPEG (quality
// 92, transparency flattened on white) before it is hosted.
//
// Exactly once: the container id is journaled as soon as Instagram gives
// it, and the intent to publish before media_publish is sent. A retry
// asks the container's status instead of publishing blindly (PUBLISHED:
// the post is out, find it; FINISHED: publish it), and never publishes a
// container twice; with no container known, it reads the account's recent
// media for one with exactly the same caption before creating a new one.
package instagram

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	_ "image/png" // PNG cards are converted
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/api"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/graph"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/intent"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/wire"
)

// Instagram's limits, checked before sending.
const (
	MaxCaption    = 2200    // characters
	MaxHashtags   = 30      // per caption
	MaxCarousel   = 10      // images in a carousel
	MaxImageBytes = 8 << 20 // a JPEG Instagram fetches
	MinAspect     = 0.8     // 4:5, the tallest feed image
	MaxAspect     = 1.91    // 1.91:1, the widest
	// JPEGQuality is the quality a PNG card is converted at.
	JPEGQuality = 92
)

// Permissions the app needs (Instagram API with Facebook Login).
var Permissions = account.InstagramScopes

const task = "the Instagram account must be a professional (business or creator) account linked to a Facebook Page the person who signs in can create content on"

// TokenSource gives the publisher the access token. *account.Stored is
// one.
type TokenSource interface {
	Token(ctx context.Context) (publish.Secret, error)
}

// Config configures a publisher for one Instagram account.
type Config struct {
	API     string // default https://graph.facebook.com
	Version string // default account.GraphVersion
	Account string // the account's id in accounts.yaml, for messages
	Handle  string // @username, for messages
	UserID  string // the Instagram account's id (IG user id); required
	Tokens  TokenSource
	// Host puts each image at a public URL for Instagram to fetch. Nil:
	// every post is refused, saying to set a public base URL.
	Host publish.MediaHost
	// Journal is a folder where container ids and the intent to publish
	// are recorded. Empty: kept in memory only.
	Journal string
	// LookupCount is how many recent media are read when looking for an
	// earlier copy (1 to 100, default 25).
	LookupCount int
	// PollInterval is the wait between two status checks of a container
	// (default 3 s); MaxPolls bounds them (default 100, five minutes).
	PollInterval time.Duration
	MaxPolls     int
	Client       *http.Client                                     // default: 60 s timeout
	Now          func() time.Time                                 // default: time.Now
	Sleep        func(ctx context.Context, d time.Duration) error // default: a timer ctx cancels
	// TempDir is where converted images are written before they are
	// hosted, and removed once hosted. Set, it must be a folder only this
	// user writes to (one in the state folder): each file is then named
	// after its account, post and place in the post, so the file of an
	// attempt whose process was killed is replaced and removed by the
	// post's next attempt instead of staying there for good. Empty: the
	// system's temporary folder, with random names.
	TempDir string
}

// Publisher publishes to one Instagram account.
type Publisher struct {
	cfg     Config
	graph   *graph.Client
	journal *intent.Journal
}

var _ publish.Publisher = (*Publisher)(nil)

// New checks cfg and returns the publisher.
func New(cfg Config) (*Publisher, error) {
	if cfg.UserID == "" {
		return nil, errors.New("instagram: Instagram account id: required (sign in with campaignkit accounts login instagram)")
	}
	err := wire.Settings{Network: "instagram", API: &cfg.API, DefaultAPI: graph.DefaultAPI, NeedTokens: true, Tokens: cfg.Tokens != nil,
		LookupCount: &cfg.LookupCount, LookupDefault: 25, LookupMin: 1,
		PollInterval: &cfg.PollInterval, PollDefault: 3 * time.Second, MaxPolls: &cfg.MaxPolls, MaxPollsDefault: 100,
		Client: &cfg.Client, Now: &cfg.Now, Sleep: &cfg.Sleep}.Check()
	if err != nil {
		return nil, err
	}
	handle := api.At(strings.TrimPrefix(strings.TrimSpace(cfg.Handle), "@"))
	gc, err := graph.NewClient(graph.Config{API: cfg.API, Version: cfg.Version, HTTP: cfg.Client, Now: cfg.Now, Tokens: cfg.Tokens,
		Who: api.Who{Network: "instagram", Account: cfg.Account, Handle: handle, Permissions: Permissions, Task: task}})
	if err != nil {
		return nil, fmt.Errorf("instagram: %w", err)
	}
	return &Publisher{cfg: cfg, graph: gc, journal: &intent.Journal{Dir: cfg.Journal, Account: cfg.Account}}, nil
}

// Name returns "instagram".
func (p *Publisher) Name() string { return "instagram" }

// picture is an image ready to be hosted: the card's file, or a JPEG
// made from it.
type picture struct {
	path string // the file to host
	temp bool   // made here: remove once hosted
	alt  string
}

// Publish posts post once, or finds the copy an earlier attempt posted.
func (p *Publisher) Publish(ctx context.Context, post publish.Post) (publish.Result, error) {
	text := publish.WithLink(post.Text, post.Link) // Instagram makes no link clickable, but it is read
	pics, err := p.check(post, text)
	if err != nil {
		return publish.Result{}, err
	}
	defer func() {
		for _, pc := range pics {
			if pc.temp {
				os.Remove(pc.path)
			}
		}
	}()
	rec, err := p.journal.Load(post.ID)
	if err != nil {
		return publish.Result{}, fmt.Errorf("instagram: %w", err)
	}
	if rec.Out() {
		return publish.Result{RemoteID: rec.RemoteID, URL: rec.URL}, nil
	}
	tok, err := p.graph.Token(ctx)
	if err != nil {
		return publish.Result{}, err
	}
	since := rec.Since(post.At)

	// A container from an earlier attempt: its status says what happened.
	if rec.Container != "" {
		st, err := p.status(ctx, tok, rec.Container)
		switch {
		case err != nil && !isGone(err):
			return publish.Result{}, err
		case st == "PUBLISHED":
			return p.findPublished(ctx, tok, post, rec, text, since)
		case st == "FINISHED" || st == "IN_PROGRESS":
			return p.publishContainer(ctx, tok, post, rec, text, since)
		case st == "ERROR":
			return publish.Result{}, &publish.PermanentError{Msg: fmt.Sprintf("instagram: post %s: Instagram could not process the media of container %s (status_code ERROR)", post.ID, rec.Container)}
		}
		// EXPIRED or gone: it was never published; make a new one.
		rec.Container = ""
	}
	if rec.MayExist(publish.Attempt(ctx)) {
		res, found, err := p.lookup(ctx, tok, text, since)
		if err != nil {
			return publish.Result{}, fmt.Errorf("instagram: looking for an earlier copy of post %s before sending it again: %w", post.ID, err)
		}
		if found {
			return p.journal.Done(post.ID, res), nil
		}
	}
	if err := p.graph.CheckBlocked("POST /{ig-user-id}/media"); err != nil {
		return publish.Result{}, err
	}
	if err := p.quota(ctx, tok); err != nil {
		return publish.Result{}, err
	}
	id, err := p.containers(ctx, tok, post, text, pics)
	if err != nil {
		return publish.Result{}, err
	}
	rec = intent.Record{PostID: post.ID, State: intent.Prepared, IntentAt: p.cfg.Now().UTC(), Container: id}
	if err := p.journal.Save(rec); err != nil {
		return publish.Result{}, fmt.Errorf("instagram: %w", err)
	}
	return p.publishContainer(ctx, tok, post, rec, text, since)
}

// check refuses, before anything is sent, a post Instagram would refuse,
// naming every problem at once, and prepares its images.
func (p *Publisher) check(post publish.Post, text string) ([]picture, error) {
	var probs []string
	if p.cfg.Host == nil {
		probs = append(probs, "Instagram fetches each image from a public URL and no public base URL is set: set CAMPAIGNKIT_PUBLIC_BASE_URL to the address where <state>/public/ is served (campaignkit serve behind your proxy, e.g. https://kit.example.org/public/)")
	}
	switch n := len(post.Images); {
	case n == 0:
		probs = append(probs, "it has no image, and Instagram has no text-only posts")
	case n > MaxCarousel:
		probs = append(probs, fmt.Sprintf("it has %d images; an Instagram carousel takes at most %d", n, MaxCarousel))
	}
	if err := caption.Check("instagram", text); err != nil {
		var le *caption.LimitError
		if errors.As(err, &le) {
			if le.TooLong() {
				probs = append(probs, fmt.Sprintf("its caption has %d characters; Instagram takes at most %d", le.Count, MaxCaption))
			}
			if le.TooManyHashtags() {
				probs = append(probs, fmt.Sprintf("its caption has %d hashtags; Instagram takes at most %d", le.Hashtags, MaxHashtags))
			}
		} else {
			probs = append(probs, err.Error())
		}
	}
	var pics []picture
	for i, img := range post.Images {
		if i >= MaxCarousel {
			break
		}
		pc, prob := p.prepare(post.ID, i, img)
		if prob != "" {
			probs = append(probs, fmt.Sprintf("image %d (%s) %s", i+1, img.Path, prob))
			continue
		}
		pics = append(pics, pc)
	}
	if len(probs) > 0 {
		for _, pc := range pics {
			if pc.temp {
				os.Remove(pc.path)
			}
		}
		return nil, &publish.PermanentError{Msg: fmt.Sprintf("instagram: post %s cannot go to Instagram as it is: %s", post.ID, strings.Join(probs, "; "))}
	}
	return pics, nil
}

// prepare reads image i of post postID, checks its aspect ratio, and
// makes a JPEG of a PNG. It returns what is wrong with it, if anything.
func (p *Publisher) prepare(postID string, i int, img publish.Image) (picture, string) {
	pic, err := publish.ReadPicture(img.Path, toolkit.MaxImageBytes)
	if err != nil {
		return picture{}, "cannot be read: " + err.Error()
	}
	data, mime := pic.Data, pic.Type
	if mime != "image/jpeg" && mime != "image/png" {
		return picture{}, "is " + mime + "; Instagram publishes JPEG images (campaignkit converts PNG)"
	}
	decoded, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return picture{}, "is not a readable " + mime + " image: " + err.Error()
	}
	b := decoded.Bounds()
	if r := float64(b.Dx()) / float64(b.Dy()); r < MinAspect-0.001 || r > MaxAspect+0.001 {
		return picture{}, fmt.Sprintf("is %d×%d, an aspect ratio of %.2f:1; Instagram takes 4:5 (0.8) to 1.91:1: use the instagram-square or instagram-portrait preset", b.Dx(), b.Dy(), r)
	}
	if mime == "image/jpeg" {
		if len(data) > MaxImageBytes {
			return picture{}, fmt.Sprintf("has %d bytes; Instagram takes JPEG images up to 8 MB", len(data))
		}
		return picture{path: img.Path, alt: img.Alt}, ""
	}
	// PNG: flatten on white (JPEG has no transparency) and encode.
	flat := image.NewRGBA(b)
	draw.Draw(flat, b, &image.Uniform{C: color.White}, image.Point{}, draw.Src)
	draw.Draw(flat, b, decoded, b.Min, draw.Over)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, flat, &jpeg.Options{Quality: JPEGQuality}); err != nil {
		return picture{}, "could not be converted to JPEG: " + err.Error()
	}
	if buf.Len() > MaxImageBytes {
		return picture{}, fmt.Sprintf("makes a JPEG of %d bytes; Instagram takes up to 8 MB", buf.Len())
	}
	path, err := p.writeTemp(postID, i, buf.Bytes())
	if err != nil {
		return picture{}, "could not be converted to JPEG: " + err.Error()
	}
	return picture{path: path, temp: true, alt: img.Alt}, ""
}

// writeTemp writes a converted image i of post postID into TempDir and
// returns its path.
func (p *Publisher) writeTemp(postID string, i int, data []byte) (string, error) {
	if p.cfg.TempDir == "" {
		// A shared folder: a name no one else can have chosen first.
		f, err := os.CreateTemp("", "campaignkit-instagram-*.jpg")
		if err != nil {
			return "", err
		}
		_, werr := f.Write(data)
		if err := errors.Join(werr, f.Close()); err != nil {
			os.Remove(f.Name())
			return "", err
		}
		return f.Name(), nil
	}
	// A folder of our own: a name of its own per post and image. The one
	// attempt of a post at a time (the queue's lease) owns it, and the
	// next attempt overwrites what a killed one left.
	if err := os.MkdirAll(p.cfg.TempDir, 0o700); err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(p.cfg.Account + "\x00" + postID + "\x00" + strconv.Itoa(i)))
	path := filepath.Join(p.cfg.TempDir, "instagram-"+hex.EncodeToString(sum[:12])+".jpg")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		os.Remove(path)
		return "", err
	}
	return path, nil
}

func (p *Publisher) userPath(edge string) string {
	return "/" + url.PathEscape(p.cfg.UserID) + "/" + edge
}

// containers hosts the images and creates the container to publish: one
// image container, or a carousel container over one container per image.
func (p *Publisher) containers(ctx context.Context, tok publish.Secret, post publish.Post, text string, pics []picture) (string, error) {
	create := func(form url.Values) (string, error) {
		var out struct {
			ID string `json:"id"`
		}
		if err := p.graph.Call(ctx, tok, "POST /{ig-user-id}/media", http.MethodPost, p.userPath("media"), nil, wire.Form(form), &out); err != nil {
			return "", err
		}
		if out.ID == "" {
			return "", errors.New("instagram: POST /{ig-user-id}/media: the answer has no container id")
		}
		return out.ID, nil
	}
	host := func(i int, pc picture) (string, error) {
		u, err := p.cfg.Host.URL(ctx, pc.path)
		if err != nil {
			if errors.Is(err, publish.ErrNoPublicURL) {
				return "", &publish.PermanentError{Msg: fmt.Sprintf("instagram: post %s: image %d: %v: set CAMPAIGNKIT_PUBLIC_BASE_URL", post.ID, i+1, err)}
			}
			return "", fmt.Errorf("instagram: post %s: putting image %d at a public URL: %w", post.ID, i+1, err)
		}
		return u, nil
	}
	if len(pics) == 1 {
		u, err := host(0, pics[0])
		if err != nil {
			return "", err
		}
		form := url.Values{"image_url": {u}}
		if text != "" {
			form.Set("caption", text)
		}
		if pics[0].alt != "" {
			form.Set("alt_text", pics[0].alt)
		}
		return create(form)
	}
	var children []string
	for i, pc := range pics {
		u, err := host(i, pc)
		if err != nil {
			return "", err
		}
		form := url.Values{"image_url": {u}, "is_carousel_item": {"true"}}
		if pc.alt != "" {
			form.Set("alt_text", pc.alt)
		}
		id, err := create(form)
		if err != nil {
			return "", fmt.Errorf("image %d: %w", i+1, err)
		}
		children = append(children, id)
	}
	for _, id := range children {
		if err := p.waitFinished(ctx, tok, id); err != nil {
			return "", err
		}
	}
	form := url.Values{"media_type": {"CAROUSEL"}, "children": {strings.Join(children, ",")}}
	if text != "" {
		form.Set("caption", text)
	}
	return create(form)
}

// errGone marks a container Instagram no longer knows.
type errGone struct{ error }

func isGone(err error) bool {
	var g errGone
	return errors.As(err, &g)
}

// status asks a container's status_code: IN_PROGRESS, FINISHED,
// PUBLISHED, ERROR or EXPIRED.
func (p *Publisher) status(ctx context.Context, tok publish.Secret, id string) (string, error) {
	var out struct {
		StatusCode string `json:"status_code"`
		Status     string `json:"status"`
	}
	const ep = "GET /{container-id}"
	err := p.graph.Send(ctx, tok, ep, http.MethodGet, "/"+url.PathEscape(id), url.Values{"fields": {"status_code,status"}}, nil, &out)
	if err != nil {
		var ge *graph.Error
		if errors.As(err, &ge) && ge.Code == 100 {
			return "", errGone{err}
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", p.graph.Classify(ep, err)
	}
	return out.StatusCode, nil
}

// waitFinished checks the container's status until it is FINISHED.
func (p *Publisher) waitFinished(ctx context.Context, tok publish.Secret, id string) error {
	for polls := 0; ; polls++ {
		st, err := p.status(ctx, tok, id)
		if err != nil {
			return err
		}
		switch st {
		case "FINISHED", "PUBLISHED":
			return nil
		case "ERROR":
			return &publish.PermanentError{Msg: fmt.Sprintf("instagram: Instagram could not process container %s (status_code ERROR)", id)}
		case "EXPIRED":
			return fmt.Errorf("instagram: container %s expired before it was published", id)
		}
		if polls >= p.cfg.MaxPolls {
			return fmt.Errorf("instagram: container %s still %s after %d checks", id, st, polls+1)
		}
		if err := p.cfg.Sleep(ctx, p.cfg.PollInterval); err != nil {
			return err
		}
	}
}

// publishContainer waits for the container, records the intent, and
// publishes it.
func (p *Publisher) publishContainer(ctx context.Context, tok publish.Secret, post publish.Post, rec intent.Record, text string, since time.Time) (publish.Result, error) {
	if err := p.waitFinished(ctx, tok, rec.Container); err != nil {
		return publish.Result{}, err
	}
	if _, err := p.journal.Intend(rec, p.cfg.Now()); err != nil {
		return publish.Result{}, fmt.Errorf("instagram: %w", err)
	}
	var out struct {
		ID string `json:"id"`
	}
	err := p.graph.Call(ctx, tok, "POST /{ig-user-id}/media_publish", http.MethodPost, p.userPath("media_publish"), nil,
		wire.Form(url.Values{"creation_id": {rec.Container}}), &out)
	if err != nil {
		return publish.Result{}, err
	}
	if out.ID == "" {
		return publish.Result{}, errors.New("instagram: POST /{ig-user-id}/media_publish: the answer has no media id")
	}
	return p.journal.Done(post.ID, publish.Result{RemoteID: out.ID, URL: p.permalink(ctx, tok, out.ID)}), nil
}

// findPublished finds the media a published container became.
func (p *Publisher) findPublished(ctx context.Context, tok publish.Secret, post publish.Post, rec intent.Record, text string, since time.Time) (publish.Result, error) {
	res, found, err := p.lookup(ctx, tok, text, since)
	if err != nil {
		return publish.Result{}, fmt.Errorf("instagram: post %s is published (container %s); looking for its media id: %w", post.ID, rec.Container, err)
	}
	if !found {
		// Out, but not listed yet: say so and let the retry look again;
		// the container is PUBLISHED, so nothing is published twice.
		return publish.Result{}, fmt.Errorf("instagram: post %s is published (container %s is PUBLISHED) but not yet among the account's media", post.ID, rec.Container)
	}
	return p.journal.Done(post.ID, res), nil
}

func (p *Publisher) permalink(ctx context.Context, tok publish.Secret, id string) string {
	var out struct {
		Permalink string `json:"permalink"`
	}
	if p.graph.Send(ctx, tok, "GET /{media-id}", http.MethodGet, "/"+url.PathEscape(id), url.Values{"fields": {"permalink"}}, nil, &out) != nil {
		return ""
	}
	return out.Permalink
}

// lookup reads the account's recent media for one with caption text,
// published since since.
func (p *Publisher) lookup(ctx context.Context, tok publish.Secret, text string, since time.Time) (publish.Result, bool, error) {
	q := url.Values{"fields": {"id,caption,timestamp,permalink"}, "limit": {strconv.Itoa(p.cfg.LookupCount)}}
	var out struct {
		Data []struct {
			ID        string `json:"id"`
			Caption   string `json:"caption"`
			Timestamp string `json:"timestamp"`
			Permalink string `json:"permalink"`
		} `json:"data"`
	}
	if err := p.graph.Call(ctx, tok, "GET /{ig-user-id}/media", http.MethodGet, p.userPath("media"), q, nil, &out); err != nil {
		return publish.Result{}, false, err
	}
	if strings.TrimSpace(text) == "" {
		return publish.Result{}, false, nil
	}
	for _, d := range out.Data {
		if ts, err := time.Parse("2006-01-02T15:04:05-0700", d.Timestamp); err == nil && ts.Before(since) {
			continue
		}
		if publish.SameText(d.Caption, text) {
			return publish.Result{RemoteID: d.ID, URL: d.Permalink}, true, nil
		}
	}
	return publish.Result{}, false, nil
}

// quota refuses to start a post when the account's 24-hour publishing
// quota is used up (GET /{ig-user-id}/content_publishing_limit).
func (p *Publisher) quota(ctx context.Context, tok publish.Secret) error {
	var out struct {
		Data []struct {
			Usage  int `json:"quota_usage"`
			Config struct {
				Total    int `json:"quota_total"`
				Duration int `json:"quota_duration"`
			} `json:"config"`
		} `json:"data"`
	}
	q := url.Values{"fields": {"quota_usage,config"}}
	if err := p.graph.Call(ctx, tok, "GET /{ig-user-id}/content_publishing_limit", http.MethodGet, p.userPath("content_publishing_limit"), q, nil, &out); err != nil {
		return err
	}
	if len(out.Data) == 0 || out.Data[0].Config.Total == 0 {
		return nil
	}
	d := out.Data[0]
	if d.Usage < d.Config.Total {
		return nil
	}
	// The window is a moving 24 hours and Meta does not say when the
	// oldest post leaves it: look again in an hour.
	return &publish.RetryAfterError{After: time.Hour, Msg: fmt.Sprintf("instagram: %s has published %d posts in the last %s, Instagram's most through the API (content_publishing_limit); trying again in an hour",
		p.graph.Who, d.Usage, time.Duration(d.Config.Duration)*time.Second)}
}

// Me asks Instagram for the account's username (GET /{ig-user-id}), a
// read-only call that also proves the token works.
func (p *Publisher) Me(ctx context.Context) (id, username string, err error) {
	tok, err := p.graph.Token(ctx)
	if err != nil {
		return "", "", err
	}
	var out struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	}
	if err := p.graph.Call(ctx, tok, "GET /{ig-user-id}", http.MethodGet, "/"+url.PathEscape(p.cfg.UserID), url.Values{"fields": {"id,username"}}, nil, &out); err != nil {
		return "", "", err
	}
	return out.ID, out.Username, nil
}
