package publish

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/wire"
)

// Bluesky's limits on images (app.bsky.embed.images).
const (
	blueskyMaxImages    = 4
	blueskyMaxImageSize = 1_000_000
	blueskyPostNSID     = "app.bsky.feed.post"
)

// BlueskyConfig configures a Bluesky publisher.
type BlueskyConfig struct {
	// Service is the account's PDS (default https://bsky.social).
	Service string
	// Identifier is the account's handle (name.bsky.social) or DID.
	Identifier string
	// AppPassword is an app password (Settings > App passwords), not the
	// account password.
	AppPassword Secret
	Client      *http.Client     // default: 60 s timeout
	Now         func() time.Time // default: time.Now
}

// Bluesky publishes app.bsky.feed.post records to one account's PDS.
//
// It logs in with an app password (com.atproto.server.createSession) and
// refreshes the session when the PDS says the access token has expired (a
// PDS answers 400 ExpiredToken or InvalidToken, not 401). Images go up with
// uploadBlob and into an app.bsky.embed.images embed with their alt text and
// aspect ratio; hashtags, links and @mentions become facets at UTF-8 byte
// offsets.
//
// A PDS has no idempotency header, so the record key is derived from the
// post (BlueskyRecordKey): a second createRecord for the same post collides
// with the first instead of duplicating it. Before posting, the publisher
// asks for the record at that key and, when it is there and holds the same
// text, returns it as the result.
type Bluesky struct {
	cfg  BlueskyConfig
	base string

	mu      sync.Mutex
	session *blueskySession
	stale   string // an access token the PDS refused; refresh before reuse
}

var _ Publisher = (*Bluesky)(nil)

type blueskySession struct {
	AccessJwt  string `json:"accessJwt"`
	RefreshJwt string `json:"refreshJwt"`
	Handle     string `json:"handle"`
	DID        string `json:"did"`
	expires    time.Time
}

// NewBluesky checks cfg and returns the publisher. It does not log in until
// the first Publish.
func NewBluesky(cfg BlueskyConfig) (*Bluesky, error) {
	if cfg.Service == "" {
		cfg.Service = "https://bsky.social"
	}
	if !wire.IsURL(cfg.Service) {
		return nil, fmt.Errorf("bluesky: service %q: want the PDS URL, such as https://bsky.social", cfg.Service)
	}
	if strings.TrimSpace(cfg.Identifier) == "" {
		return nil, errors.New("bluesky: identifier: required (handle or DID)")
	}
	if cfg.AppPassword.IsZero() {
		return nil, errors.New("bluesky: app password: required")
	}
	wire.Settings{Client: &cfg.Client, Now: &cfg.Now}.Fill()
	return &Bluesky{cfg: cfg, base: strings.TrimRight(cfg.Service, "/")}, nil
}

// Name returns "bluesky".
func (b *Bluesky) Name() string { return "bluesky" }

// BlueskyRecordKey returns the record key a post is created under. It is a
// valid TID (13 characters of base32-sortable, first one in 2-7/a-b): the
// timestamp part is the planned instant, to the second, plus a sub-second
// offset taken from a hash of the ID, and the 10-bit clock identifier comes
// from the same hash. The same post always maps to the same key; two posts
// planned for the same second collide with odds of about one in a billion.
func BlueskyRecordKey(p Post) string {
	sum := sha256.Sum256([]byte(p.ID))
	h := binary.BigEndian.Uint64(sum[:8])
	clock := uint64(binary.BigEndian.Uint16(sum[8:10])) & 0x3ff
	var micros uint64
	if p.At.IsZero() || p.At.Unix() < 0 {
		micros = h & (1<<53 - 1)
	} else {
		micros = uint64(p.At.Unix())*1_000_000 + h%1_000_000
	}
	return encodeTID(micros<<10 | clock)
}

const s32Alphabet = "234567abcdefghijklmnopqrstuvwxyz"

func encodeTID(v uint64) string {
	v &= 1<<63 - 1 // the top bit of a TID is always 0
	var buf [13]byte
	for i := 12; i >= 0; i-- {
		buf[i] = s32Alphabet[v&31]
		v >>= 5
	}
	return string(buf[:])
}

type blob = json.RawMessage

type blueskyRecord struct {
	Type      string         `json:"$type"`
	Text      string         `json:"text"`
	CreatedAt string         `json:"createdAt"`
	Langs     []string       `json:"langs,omitempty"`
	Facets    []blueskyFacet `json:"facets,omitempty"`
	Embed     *blueskyEmbed  `json:"embed,omitempty"`
}

type blueskyFacet struct {
	Index struct {
		ByteStart int `json:"byteStart"`
		ByteEnd   int `json:"byteEnd"`
	} `json:"index"`
	Features []blueskyFeature `json:"features"`
}

type blueskyFeature struct {
	Type string `json:"$type"`
	Tag  string `json:"tag,omitempty"`
	URI  string `json:"uri,omitempty"`
	DID  string `json:"did,omitempty"`
}

type blueskyEmbed struct {
	Type   string         `json:"$type"`
	Images []blueskyImage `json:"images"`
}

type blueskyImage struct {
	Alt         string              `json:"alt"`
	Image       blob                `json:"image"`
	AspectRatio *blueskyAspectRatio `json:"aspectRatio,omitempty"`
}

type blueskyAspectRatio struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// Publish creates p's record, or returns the one an earlier attempt created.
func (b *Bluesky) Publish(ctx context.Context, p Post) (Result, error) {
	text := withLink(p.Text, p.Link)
	if n := graphemeCount(text); n > blueskyMaxGraphemes {
		return Result{}, &PermanentError{Msg: fmt.Sprintf("bluesky: post %s: text is %d graphemes; at most %d allowed", p.ID, n, blueskyMaxGraphemes)}
	}
	if len(text) > blueskyMaxBytes {
		return Result{}, &PermanentError{Msg: fmt.Sprintf("bluesky: post %s: text is %d bytes; at most %d allowed", p.ID, len(text), blueskyMaxBytes)}
	}
	if len(p.Images) > blueskyMaxImages {
		return Result{}, &PermanentError{Msg: fmt.Sprintf("bluesky: post %s has %d images; at most %d allowed", p.ID, len(p.Images), blueskyMaxImages)}
	}
	files, err := loadMedia(p)
	if err != nil {
		return Result{}, err
	}
	for i, f := range files {
		if f.Type != "image/jpeg" && f.Type != "image/png" {
			return Result{}, &PermanentError{Msg: fmt.Sprintf("bluesky: post %s: image %d (%s) is %s; want JPEG or PNG", p.ID, i+1, f.Name, f.Type)}
		}
		if len(f.Data) >= blueskyMaxImageSize {
			return Result{}, &PermanentError{Msg: fmt.Sprintf("bluesky: post %s: image %d (%s) is %d bytes; must be under %d", p.ID, i+1, f.Name, len(f.Data), blueskyMaxImageSize)}
		}
	}
	sess, err := b.login(ctx)
	if err != nil {
		return Result{}, err
	}
	rkey := BlueskyRecordKey(p)
	langs := []string{}
	if p.Lang != "" {
		langs = []string{p.Lang}
	}
	if res, found, err := b.existing(ctx, sess, rkey, text, langs); err != nil || found {
		return res, err
	}

	rec := blueskyRecord{
		Type:      blueskyPostNSID,
		Text:      text,
		CreatedAt: b.cfg.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		Langs:     langs,
	}
	if rec.Facets, err = b.facets(ctx, text); err != nil {
		return Result{}, err
	}
	if len(files) > 0 {
		rec.Embed = &blueskyEmbed{Type: "app.bsky.embed.images"}
		for _, f := range files {
			var up struct {
				Blob blob `json:"blob"`
			}
			if err := b.xrpc(ctx, http.MethodPost, "com.atproto.repo.uploadBlob", nil, f.Data, f.Type, &up); err != nil {
				return Result{}, err
			}
			img := blueskyImage{Alt: f.Alt, Image: up.Blob}
			if f.Width > 0 && f.Height > 0 {
				img.AspectRatio = &blueskyAspectRatio{Width: f.Width, Height: f.Height}
			}
			rec.Embed.Images = append(rec.Embed.Images, img)
		}
	}
	return b.create(ctx, sess, rkey, rec)
}

// create writes rec at rkey. A PDS answers a key collision with HTTP 500
// (its log says "There is already a value at key"): an earlier attempt got
// through after all, and when the record there is this post, that is
// success.
func (b *Bluesky) create(ctx context.Context, sess blueskySession, rkey string, rec blueskyRecord) (Result, error) {
	body, err := json.Marshal(map[string]any{
		"repo":       sess.DID,
		"collection": blueskyPostNSID,
		"rkey":       rkey,
		"record":     rec,
	})
	if err != nil {
		return Result{}, fmt.Errorf("bluesky: %w", err)
	}
	var created struct {
		URI string `json:"uri"`
		CID string `json:"cid"`
	}
	err = b.xrpc(ctx, http.MethodPost, "com.atproto.repo.createRecord", nil, body, "application/json", &created)
	if err != nil {
		// The PDS does not tell a collision from another failure (its body
		// says only "Internal Server Error"); the record at rkey does. The
		// same holds after a network error: the record may be there.
		if !IsPermanent(err) && ctx.Err() == nil {
			res, found, gerr := b.existing(ctx, sess, rkey, rec.Text, rec.Langs)
			if gerr != nil {
				return Result{}, gerr
			}
			if found {
				return res, nil
			}
		}
		return Result{}, err
	}
	return Result{RemoteID: created.URI, URL: postURL(sess, rkey)}, nil
}

// existing reads the record at rkey. It reports found when the record is
// there and is this post (same text and languages), and a permanent error
// when the key holds something else.
func (b *Bluesky) existing(ctx context.Context, sess blueskySession, rkey, text string, langs []string) (Result, bool, error) {
	q := url.Values{"repo": {sess.DID}, "collection": {blueskyPostNSID}, "rkey": {rkey}}
	var got struct {
		URI   string `json:"uri"`
		Value struct {
			Text  string   `json:"text"`
			Langs []string `json:"langs"`
		} `json:"value"`
	}
	err := b.xrpc(ctx, http.MethodGet, "com.atproto.repo.getRecord", q, nil, "", &got)
	var pe *PermanentError
	if errors.As(err, &pe) && (strings.Contains(pe.Msg, "RecordNotFound") || pe.Status == http.StatusNotFound) {
		return Result{}, false, nil
	}
	if err != nil {
		return Result{}, false, err
	}
	if got.Value.Text != text || !reflect.DeepEqual(nonNil(got.Value.Langs), langs) {
		return Result{}, false, &PermanentError{Msg: fmt.Sprintf("bluesky: record key %s already holds a different post (%s); not overwriting it", rkey, got.URI)}
	}
	return Result{RemoteID: got.URI, URL: postURL(sess, rkey)}, true, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func postURL(sess blueskySession, rkey string) string {
	who := sess.Handle
	if who == "" || who == "handle.invalid" {
		who = sess.DID
	}
	return "https://bsky.app/profile/" + who + "/post/" + rkey
}

// facets turns the hashtags, links and resolvable mentions of text into
// facets. A handle that does not resolve stays plain text, as in the app.
func (b *Bluesky) facets(ctx context.Context, text string) ([]blueskyFacet, error) {
	var out []blueskyFacet
	for _, s := range detectSpans(text) {
		var f blueskyFacet
		f.Index.ByteStart, f.Index.ByteEnd = s.Start, s.End
		switch s.Kind {
		case facetTag:
			f.Features = []blueskyFeature{{Type: "app.bsky.richtext.facet#tag", Tag: s.Value}}
		case facetLink:
			f.Features = []blueskyFeature{{Type: "app.bsky.richtext.facet#link", URI: s.Value}}
		case facetMention:
			var res struct {
				DID string `json:"did"`
			}
			err := b.xrpc(ctx, http.MethodGet, "com.atproto.identity.resolveHandle", url.Values{"handle": {s.Value}}, nil, "", &res)
			if IsPermanent(err) && errorStatus(err) == http.StatusBadRequest {
				continue // unknown handle
			}
			if err != nil {
				return nil, err
			}
			f.Features = []blueskyFeature{{Type: "app.bsky.richtext.facet#mention", DID: res.DID}}
		}
		out = append(out, f)
	}
	return out, nil
}

// login returns the current session, creating one when there is none and
// refreshing it when its access token has expired or was refused.
func (b *Bluesky) login(ctx context.Context) (blueskySession, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.session
	if s != nil && s.AccessJwt != b.stale && (s.expires.IsZero() || b.cfg.Now().Before(s.expires.Add(-30*time.Second))) {
		return *s, nil
	}
	if s != nil && s.RefreshJwt != "" {
		var fresh blueskySession
		err := b.call(ctx, http.MethodPost, "com.atproto.server.refreshSession", nil, nil, "", s.RefreshJwt, &fresh)
		if err == nil {
			b.setSession(fresh)
			return *b.session, nil
		}
		// An expired or revoked refresh token: log in again. Anything
		// else (network, 5xx) is reported as it is.
		if !isAuthError(err) {
			return blueskySession{}, err
		}
	}
	body, err := json.Marshal(map[string]string{"identifier": b.cfg.Identifier, "password": b.cfg.AppPassword.Reveal()})
	if err != nil {
		return blueskySession{}, fmt.Errorf("bluesky: %w", err)
	}
	var fresh blueskySession
	if err := b.call(ctx, http.MethodPost, "com.atproto.server.createSession", nil, body, "application/json", "", &fresh); err != nil {
		return blueskySession{}, err
	}
	b.setSession(fresh)
	return *b.session, nil
}

func (b *Bluesky) setSession(s blueskySession) {
	s.expires = jwtExpiry(s.AccessJwt)
	b.session = &s
	b.stale = ""
}

// jwtExpiry reads the exp claim of a JWT without checking it (the PDS does
// that); zero when it cannot be read.
func jwtExpiry(token string) time.Time {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}
	}
	var claims struct {
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(raw, &claims) != nil || claims.Exp == 0 {
		return time.Time{}
	}
	return time.Unix(claims.Exp, 0)
}

// isAuthError reports whether err is the PDS refusing a token: 400
// ExpiredToken/InvalidToken (what a PDS sends) or 401.
func isAuthError(err error) bool {
	var pe *PermanentError
	if !errors.As(err, &pe) {
		return false
	}
	return pe.Status == http.StatusUnauthorized ||
		pe.Status == http.StatusBadRequest && (strings.Contains(pe.Msg, "ExpiredToken") || strings.Contains(pe.Msg, "InvalidToken"))
}

// xrpc calls an authenticated method, refreshing the session once when the
// PDS refuses the access token.
func (b *Bluesky) xrpc(ctx context.Context, method, nsid string, q url.Values, body []byte, ctype string, out any) error {
	for try := 0; ; try++ {
		sess, err := b.login(ctx)
		if err != nil {
			return err
		}
		err = b.call(ctx, method, nsid, q, body, ctype, sess.AccessJwt, out)
		if try == 0 && isAuthError(err) {
			b.mu.Lock()
			b.stale = sess.AccessJwt
			b.mu.Unlock()
			continue
		}
		return err
	}
}

// call sends one XRPC request with bearer token tok ("" for none).
func (b *Bluesky) call(ctx context.Context, method, nsid string, q url.Values, body []byte, ctype, tok string, out any) error {
	u := b.base + "/xrpc/" + nsid
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var mk wire.Body
	if body != nil {
		mk = wire.Bytes(body, ctype)
	}
	req, err := wire.NewRequest(ctx, method, u, mk, tok)
	if err != nil {
		return fmt.Errorf("bluesky: %w", err)
	}
	what := "bluesky: " + nsid
	resp, err := b.cfg.Client.Do(req)
	if err != nil {
		return transportError(ctx, what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return readError(what, resp, b.cfg.Now())
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s: decoding answer: %w", what, err)
	}
	return nil
}
