// Package facebook publishes posts to a Facebook Page through the Graph
// API with a Page access token: text (and a link) with POST
// /{page-id}/feed, one photo with POST /{page-id}/photos, several photos
// as unpublished photos attached to one feed post, each with its alt text
// (alt_text_custom). Facebook's limits are checked before anything is
// sent; Meta's refusals become errors that quote Meta and say what to do;
// its rate-limit usage headers are honoured; and an interrupted attempt
// never leaves a second copy.
//
// The Graph API has no idempotency key. The publisher records its intent
// in a journal before the request that publishes, and any attempt that
// may follow one that reached Facebook first reads the Page's recent
// posts (GET /{page-id}/posts) for one with exactly the message it is
// about to send.
package facebook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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

// Facebook's limits, checked before sending.
const (
	MaxMessage    = 63206    // characters of a post's text
	MaxPhotoBytes = 10 << 20 // Photo reference: photos under 10 MB
)

// Permissions the app needs, and what the person who signs in must be
// able to do on the Page.
var Permissions = account.FacebookScopes

const task = "the person who signs in must be able to create content on the Page (the CREATE_CONTENT task: full control or partial access with content)"

// TokenSource gives the publisher the Page access token.
// *account.Stored is one.
type TokenSource interface {
	Token(ctx context.Context) (publish.Secret, error)
}

// Config configures a publisher for one Facebook Page.
type Config struct {
	API     string // default https://graph.facebook.com
	Version string // default account.GraphVersion
	Account string // the account's id in accounts.yaml, for messages
	Page    string // the Page's name, for messages
	PageID  string // required
	Tokens  TokenSource
	// Journal is a folder where the intent to send each post is recorded
	// before the request that publishes it, and its id after. Empty:
	// intents are kept in memory only, and every retry looks.
	Journal string
	// LookupCount is how many recent posts are read when looking for an
	// earlier copy (1 to 100, default 25).
	LookupCount int
	Client      *http.Client     // default: 60 s timeout
	Now         func() time.Time // default: time.Now
}

// Publisher publishes to one Facebook Page.
type Publisher struct {
	cfg     Config
	graph   *graph.Client
	journal *intent.Journal
}

var _ publish.Publisher = (*Publisher)(nil)

// New checks cfg and returns the publisher.
func New(cfg Config) (*Publisher, error) {
	if cfg.PageID == "" {
		return nil, errors.New("facebook: page id: required (sign in with campaignkit accounts login facebook)")
	}
	err := wire.Settings{Network: "facebook", API: &cfg.API, DefaultAPI: graph.DefaultAPI, NeedTokens: true, Tokens: cfg.Tokens != nil,
		LookupCount: &cfg.LookupCount, LookupDefault: 25, LookupMin: 1,
		Client: &cfg.Client, Now: &cfg.Now}.Check()
	if err != nil {
		return nil, err
	}
	gc, err := graph.NewClient(graph.Config{API: cfg.API, Version: cfg.Version, HTTP: cfg.Client, Now: cfg.Now, Tokens: cfg.Tokens,
		Who: api.Who{Network: "facebook", Account: cfg.Account, Handle: cfg.Page, Permissions: Permissions, Task: task}})
	if err != nil {
		return nil, fmt.Errorf("facebook: %w", err)
	}
	return &Publisher{cfg: cfg, graph: gc, journal: &intent.Journal{Dir: cfg.Journal, Account: cfg.Account}}, nil
}

// Name returns "facebook".
func (p *Publisher) Name() string { return "facebook" }

type photo struct {
	name, mime string
	data       []byte
	alt        string
}

// Publish posts post once, or finds the copy an earlier attempt posted.
func (p *Publisher) Publish(ctx context.Context, post publish.Post) (publish.Result, error) {
	// A link goes in the link field of a text post (Facebook shows its
	// preview); a photo post has no such field, so there it ends the text.
	message, link := post.Text, strings.TrimSpace(post.Link)
	if len(post.Images) > 0 {
		message, link = publish.WithLink(post.Text, post.Link), ""
	}
	photos, err := p.check(post, message, link)
	if err != nil {
		return publish.Result{}, err
	}
	rec, err := p.journal.Load(post.ID)
	if err != nil {
		return publish.Result{}, fmt.Errorf("facebook: %w", err)
	}
	if rec.Out() {
		return publish.Result{RemoteID: rec.RemoteID, URL: rec.URL}, nil
	}
	mayExist := rec.MayExist(publish.Attempt(ctx))
	since := rec.Since(post.At)
	if mayExist {
		res, found, err := p.lookup(ctx, message, since)
		if err != nil {
			return publish.Result{}, fmt.Errorf("facebook: looking for an earlier copy of post %s before sending it again: %w", post.ID, err)
		}
		if found {
			return p.journal.Done(post.ID, res), nil
		}
	}
	if err := p.graph.CheckBlocked("POST /{page-id}/feed"); err != nil {
		return publish.Result{}, err
	}
	tok, err := p.graph.Token(ctx)
	if err != nil {
		return publish.Result{}, err
	}
	var id string
	switch len(photos) {
	case 0:
		id, err = p.sendText(ctx, tok, post, message, link)
	case 1:
		id, err = p.sendPhoto(ctx, tok, post, message, photos[0])
	default:
		id, err = p.sendPhotos(ctx, tok, post, message, photos)
	}
	if err != nil {
		var dup graph.DuplicateError
		if mayExist && errors.As(err, &dup) {
			// Facebook says the Page has this text already: most likely
			// our earlier attempt, not yet listed when we looked.
			if res, found, lerr := p.lookup(ctx, message, since); lerr == nil && found {
				return p.journal.Done(post.ID, res), nil
			}
		}
		return publish.Result{}, err
	}
	return p.journal.Done(post.ID, p.result(id)), nil
}

// intend records, durably, that the request that publishes is about to
// be sent.
func (p *Publisher) intend(post publish.Post) error {
	rec, err := p.journal.Load(post.ID)
	if err == nil {
		rec.PostID = post.ID
		_, err = p.journal.Intend(rec, p.cfg.Now())
	}
	if err != nil {
		return fmt.Errorf("facebook: %w", err)
	}
	return nil
}

// result is where a person finds the post: a Page post id is
// <page-id>_<post-id>.
func (p *Publisher) result(id string) publish.Result {
	page, post, ok := strings.Cut(id, "_")
	if !ok {
		return publish.Result{RemoteID: id, URL: "https://www.facebook.com/" + id}
	}
	return publish.Result{RemoteID: id, URL: "https://www.facebook.com/" + page + "/posts/" + post}
}

func (p *Publisher) pagePath(edge string) string {
	return "/" + url.PathEscape(p.cfg.PageID) + "/" + edge
}

func (p *Publisher) sendText(ctx context.Context, tok publish.Secret, post publish.Post, message, link string) (string, error) {
	form := url.Values{}
	if message != "" {
		form.Set("message", message)
	}
	if link != "" {
		form.Set("link", link)
	}
	return p.postFeed(ctx, tok, post, form)
}

// postFeed records the intent to publish, then publishes a feed post of
// form and returns its id.
func (p *Publisher) postFeed(ctx context.Context, tok publish.Secret, post publish.Post, form url.Values) (string, error) {
	if err := p.intend(post); err != nil {
		return "", err
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := p.graph.Call(ctx, tok, "POST /{page-id}/feed", http.MethodPost, p.pagePath("feed"), nil, wire.Form(form), &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", errors.New("facebook: POST /{page-id}/feed: the answer has no post id")
	}
	return out.ID, nil
}

// upload sends one photo to POST /{page-id}/photos as the multipart file
// "source", with its alt text. A published photo makes a post with
// caption; an unpublished one waits to be attached to a feed post.
func (p *Publisher) upload(ctx context.Context, tok publish.Secret, ph photo, published bool, caption string) (photoID, postID string, err error) {
	fields := url.Values{"published": {strconv.FormatBool(published)}}
	if caption != "" {
		fields.Set("caption", caption)
	}
	if ph.alt != "" {
		fields.Set("alt_text_custom", ph.alt)
	}
	var out struct {
		ID     string `json:"id"`
		PostID string `json:"post_id"`
	}
	body := wire.Multipart(fields, wire.File{Field: "source", Name: ph.name, Type: ph.mime, Data: ph.data})
	if err := p.graph.Call(ctx, tok, "POST /{page-id}/photos", http.MethodPost, p.pagePath("photos"), nil, body, &out); err != nil {
		return "", "", err
	}
	if out.ID == "" {
		return "", "", errors.New("facebook: POST /{page-id}/photos: the answer has no photo id")
	}
	return out.ID, out.PostID, nil
}

func (p *Publisher) sendPhoto(ctx context.Context, tok publish.Secret, post publish.Post, message string, ph photo) (string, error) {
	if err := p.intend(post); err != nil {
		return "", err
	}
	photoID, postID, err := p.upload(ctx, tok, ph, true, message)
	if err != nil {
		return "", fmt.Errorf("image 1 (%s): %w", ph.name, err)
	}
	if postID == "" {
		postID = p.cfg.PageID + "_" + photoID
	}
	return postID, nil
}

// sendPhotos uploads every photo unpublished, then publishes one feed
// post with them attached. Unpublished photos left by a failed attempt
// are not shown anywhere.
func (p *Publisher) sendPhotos(ctx context.Context, tok publish.Secret, post publish.Post, message string, photos []photo) (string, error) {
	form := url.Values{}
	if message != "" {
		form.Set("message", message)
	}
	for i, ph := range photos {
		id, _, err := p.upload(ctx, tok, ph, false, "")
		if err != nil {
			return "", fmt.Errorf("image %d (%s): %w", i+1, ph.name, err)
		}
		b, _ := json.Marshal(map[string]string{"media_fbid": id})
		form.Set(fmt.Sprintf("attached_media[%d]", i), string(b))
	}
	return p.postFeed(ctx, tok, post, form)
}

// lookup reads the Page's posts since since for one with message: the
// copy an earlier attempt made.
func (p *Publisher) lookup(ctx context.Context, message string, since time.Time) (publish.Result, bool, error) {
	tok, err := p.graph.Token(ctx)
	if err != nil {
		return publish.Result{}, false, err
	}
	q := url.Values{"fields": {"id,message,created_time,permalink_url"}, "limit": {strconv.Itoa(p.cfg.LookupCount)},
		"since": {strconv.FormatInt(since.Unix(), 10)}}
	var out struct {
		Data []struct {
			ID        string `json:"id"`
			Message   string `json:"message"`
			Permalink string `json:"permalink_url"`
		} `json:"data"`
	}
	if err := p.graph.Call(ctx, tok, "GET /{page-id}/posts", http.MethodGet, p.pagePath("posts"), q, nil, &out); err != nil {
		return publish.Result{}, false, err
	}
	if strings.TrimSpace(message) == "" {
		// a post with no text cannot be told from another one
		return publish.Result{}, false, nil
	}
	for _, d := range out.Data {
		if publish.SameText(d.Message, message) {
			res := p.result(d.ID)
			if d.Permalink != "" {
				res.URL = d.Permalink
			}
			return res, true, nil
		}
	}
	return publish.Result{}, false, nil
}

// check refuses, before anything is sent, a post Facebook would refuse,
// naming every problem at once, and reads its photos.
func (p *Publisher) check(post publish.Post, message, link string) ([]photo, error) {
	var probs []string
	if strings.TrimSpace(message) == "" && link == "" && len(post.Images) == 0 {
		probs = append(probs, "it has no text, no link and no image")
	}
	if n := caption.Count("facebook", message); n > MaxMessage {
		probs = append(probs, fmt.Sprintf("its text has %d characters; Facebook takes at most %d", n, MaxMessage))
	}
	var photos []photo
	for i, img := range post.Images {
		ph, prob := readPhoto(img)
		if prob != "" {
			probs = append(probs, fmt.Sprintf("image %d (%s) %s", i+1, img.Path, prob))
			continue
		}
		photos = append(photos, ph)
	}
	if len(probs) > 0 {
		return nil, &publish.PermanentError{Msg: fmt.Sprintf("facebook: post %s cannot go to Facebook as it is: %s", post.ID, strings.Join(probs, "; "))}
	}
	return photos, nil
}

func readPhoto(img publish.Image) (photo, string) {
	pic, err := publish.ReadPicture(img.Path, MaxPhotoBytes-1) // Photo reference: under 10 MB
	if errors.Is(err, toolkit.ErrTooBig) {
		return photo{}, fmt.Sprintf("has %d bytes; Facebook takes photos under 10 MB", pic.Size)
	}
	if err != nil {
		return photo{}, "cannot be read: " + err.Error()
	}
	mime := pic.Type
	switch mime {
	case "image/jpeg", "image/png", "image/gif":
		if pic.Width == 0 || pic.Height == 0 {
			return photo{}, "is not a readable " + mime + " image"
		}
	case "image/bmp":
	default:
		if !bytes.HasPrefix(pic.Data, []byte("II*\x00")) && !bytes.HasPrefix(pic.Data, []byte("MM\x00*")) {
			return photo{}, "is " + mime + "; Facebook takes JPEG, PNG, GIF, BMP and TIFF photos"
		}
		mime = "image/tiff"
	}
	return photo{name: pic.Name, mime: mime, data: pic.Data, alt: img.Alt}, ""
}

// Me asks Facebook which Page the token is of (GET /me?fields=id,name), a
// read-only call that also proves the token works.
func (p *Publisher) Me(ctx context.Context) (id, name string, err error) {
	tok, err := p.graph.Token(ctx)
	if err != nil {
		return "", "", err
	}
	var out struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if err := p.graph.Call(ctx, tok, "GET /me", http.MethodGet, "/me", url.Values{"fields": {"id,name"}}, nil, &out); err != nil {
		return "", "", err
	}
	return out.ID, out.Name, nil
}
