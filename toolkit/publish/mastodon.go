package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/wire"
)

// MastodonConfig configures a Mastodon publisher.
type MastodonConfig struct {
	Server string // https://mastodon.example
	Token  Secret // access token with write:media and write:statuses (and read:accounts, read:statuses for the duplicate check)
	// Visibility of the statuses: public (default), unlisted, private.
	Visibility string
	// AlwaysLookup looks for an earlier copy of the status before every
	// post, not only after a failed or interrupted attempt.
	AlwaysLookup bool
	// PollInterval is the wait between two checks of an image still being
	// processed (default 1 s); MaxPolls bounds the checks (default 60).
	PollInterval time.Duration
	MaxPolls     int
	Client       *http.Client                                     // default: 60 s timeout
	Now          func() time.Time                                 // default: time.Now
	Sleep        func(ctx context.Context, d time.Duration) error // default: a timer that ctx cancels
}

// Mastodon publishes statuses with images to one Mastodon account.
//
// Each image is uploaded with its alt text as description; when the server
// answers 202 (still processing) the publisher polls the attachment until it
// has a URL. The status is then posted with the post ID as Idempotency-Key.
// Mastodon keeps that key for an hour, but not every server (or proxy in
// front of one) honours it, so when a previous attempt may have reached the
// server (WithAttempt > 1, or an earlier failed attempt in this process) the
// publisher first looks through the account's 40 latest statuses for one that
// is this post: created at most an hour before the planned time, same
// language, same alt texts on the same number of images, and the same source
// text (GET /api/v1/statuses/:id/source).
type Mastodon struct {
	cfg  MastodonConfig
	base string

	accountID wire.Memo

	mu    sync.Mutex
	tried map[string]bool   // posts a status request was sent for
	done  map[string]Result // posts published by this process
}

var _ Publisher = (*Mastodon)(nil)

// NewMastodon checks cfg and returns the publisher.
func NewMastodon(cfg MastodonConfig) (*Mastodon, error) {
	if !wire.IsURL(cfg.Server) {
		return nil, fmt.Errorf("mastodon: server %q: want a URL such as https://mastodon.social", cfg.Server)
	}
	if cfg.Token.IsZero() {
		return nil, errors.New("mastodon: token: required")
	}
	switch cfg.Visibility {
	case "":
		cfg.Visibility = "public"
	case "public", "unlisted", "private":
	default:
		return nil, fmt.Errorf("mastodon: visibility %q: want public, unlisted or private", cfg.Visibility)
	}
	wire.Settings{PollInterval: &cfg.PollInterval, PollDefault: time.Second, MaxPolls: &cfg.MaxPolls, MaxPollsDefault: 60,
		Client: &cfg.Client, Now: &cfg.Now, Sleep: &cfg.Sleep}.Fill()
	return &Mastodon{cfg: cfg, base: strings.TrimRight(cfg.Server, "/"), tried: map[string]bool{}, done: map[string]Result{}}, nil
}

// Name returns "mastodon".
func (m *Mastodon) Name() string { return "mastodon" }

type mastoMedia struct {
	ID          string  `json:"id"`
	Type        string  `json:"type"`
	URL         *string `json:"url"`
	Description string  `json:"description"`
}

type mastoStatus struct {
	ID        string       `json:"id"`
	URL       string       `json:"url"`
	URI       string       `json:"uri"`
	CreatedAt time.Time    `json:"created_at"`
	Language  string       `json:"language"`
	Media     []mastoMedia `json:"media_attachments"`
}

// Publish posts p, or finds the copy an earlier attempt posted.
func (m *Mastodon) Publish(ctx context.Context, p Post) (Result, error) {
	m.mu.Lock()
	res, done := m.done[p.ID]
	tried := m.tried[p.ID]
	m.mu.Unlock()
	if done {
		return res, nil
	}
	text := withLink(p.Text, p.Link)
	if strings.TrimSpace(text) == "" && len(p.Images) == 0 {
		return Result{}, &PermanentError{Msg: fmt.Sprintf("mastodon: post %s has no text and no image", p.ID)}
	}
	if m.cfg.AlwaysLookup || tried || Attempt(ctx) > 1 {
		res, found, err := m.lookup(ctx, p, text)
		if err != nil {
			return Result{}, fmt.Errorf("looking for an earlier copy: %w", err)
		}
		if found {
			m.remember(p.ID, res)
			return res, nil
		}
	}
	files, err := loadMedia(p)
	if err != nil {
		return Result{}, err
	}
	ids := make([]string, 0, len(files))
	for _, f := range files {
		id, err := m.upload(ctx, f)
		if err != nil {
			return Result{}, err
		}
		ids = append(ids, id)
	}

	form := url.Values{}
	form.Set("status", text)
	form.Set("visibility", m.cfg.Visibility)
	if lang := primaryLanguage(p.Lang); lang != "" {
		form.Set("language", lang)
	}
	for _, id := range ids {
		form.Add("media_ids[]", id)
	}
	// wire.NewRequest leaves net/http no way to resend the status by
	// itself: it would on a dropped connection since the request carries
	// Idempotency-Key, and on a server that ignores the key that is a
	// duplicate. The retry goes through the lookup above instead.
	req, err := m.request(ctx, http.MethodPost, "/api/v1/statuses", wire.Form(form))
	if err != nil {
		return Result{}, err
	}
	req.Header.Set("Idempotency-Key", p.ID)
	m.mu.Lock()
	m.tried[p.ID] = true
	m.mu.Unlock()
	var st mastoStatus
	if err := m.do(req, "POST /api/v1/statuses", &st); err != nil {
		return Result{}, err
	}
	res = Result{RemoteID: st.ID, URL: st.URL}
	m.remember(p.ID, res)
	return res, nil
}

func (m *Mastodon) remember(id string, res Result) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done[id] = res
	delete(m.tried, id)
}

// upload sends one image and waits until the server has processed it.
func (m *Mastodon) upload(ctx context.Context, f media) (string, error) {
	body := wire.Multipart(url.Values{"description": {f.Alt}}, wire.File{Field: "file", Name: f.Name, Type: f.Type, Data: f.Data})
	req, err := m.request(ctx, http.MethodPost, "/api/v2/media", body)
	if err != nil {
		return "", err
	}
	var att mastoMedia
	if err := m.do(req, "POST /api/v2/media "+f.Name, &att); err != nil {
		return "", err
	}
	if att.ID == "" {
		return "", fmt.Errorf("mastodon: POST /api/v2/media %s: answer has no id", f.Name)
	}
	// 200 (processed) carries a url; 202 a null one until processing ends.
	for polls := 0; att.URL == nil || *att.URL == ""; polls++ {
		if polls == m.cfg.MaxPolls {
			return "", fmt.Errorf("mastodon: media %s (%s) still processing after %d checks", att.ID, f.Name, polls)
		}
		if err := m.cfg.Sleep(ctx, m.cfg.PollInterval); err != nil {
			return "", err
		}
		req, err := m.request(ctx, http.MethodGet, "/api/v1/media/"+url.PathEscape(att.ID), nil)
		if err != nil {
			return "", err
		}
		// 206 Partial Content: still processing; 200: done.
		if err := m.do(req, "GET /api/v1/media/"+att.ID, &att); err != nil {
			return "", err
		}
	}
	return att.ID, nil
}

// lookup searches the account's latest statuses for p.
func (m *Mastodon) lookup(ctx context.Context, p Post, text string) (Result, bool, error) {
	acct, err := m.account(ctx)
	if err != nil {
		return Result{}, false, err
	}
	q := url.Values{"limit": {"40"}, "exclude_reblogs": {"true"}}
	req, err := m.request(ctx, http.MethodGet, "/api/v1/accounts/"+url.PathEscape(acct)+"/statuses?"+q.Encode(), nil)
	if err != nil {
		return Result{}, false, err
	}
	var recent []mastoStatus
	if err := m.do(req, "GET /api/v1/accounts/:id/statuses", &recent); err != nil {
		return Result{}, false, err
	}
	lang := primaryLanguage(p.Lang)
	since := p.At.Add(-time.Hour)
	for _, st := range recent {
		if st.CreatedAt.Before(since) || !sameMastoMedia(st.Media, p.Images) {
			continue
		}
		if lang != "" && st.Language != "" && !strings.EqualFold(st.Language, lang) {
			continue
		}
		req, err := m.request(ctx, http.MethodGet, "/api/v1/statuses/"+url.PathEscape(st.ID)+"/source", nil)
		if err != nil {
			return Result{}, false, err
		}
		var src struct {
			Text string `json:"text"`
		}
		if err := m.do(req, "GET /api/v1/statuses/:id/source", &src); err != nil {
			return Result{}, false, err
		}
		if SameText(src.Text, text) {
			return Result{RemoteID: st.ID, URL: st.URL}, true, nil
		}
	}
	return Result{}, false, nil
}

func (m *Mastodon) account(ctx context.Context) (string, error) {
	return m.accountID.Get(ctx, m.verifyCredentials)
}

// verifyCredentials asks the server for the token's account id.
func (m *Mastodon) verifyCredentials(ctx context.Context) (string, error) {
	req, err := m.request(ctx, http.MethodGet, "/api/v1/accounts/verify_credentials", nil)
	if err != nil {
		return "", err
	}
	var acct struct {
		ID string `json:"id"`
	}
	if err := m.do(req, "GET /api/v1/accounts/verify_credentials", &acct); err != nil {
		return "", err
	}
	if acct.ID == "" {
		return "", errors.New("mastodon: verify_credentials: answer has no account id")
	}
	return acct.ID, nil
}

func sameMastoMedia(got []mastoMedia, want []Image) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if strings.TrimSpace(got[i].Description) != strings.TrimSpace(want[i].Alt) {
			return false
		}
	}
	return true
}

func (m *Mastodon) request(ctx context.Context, method, path string, body wire.Body) (*http.Request, error) {
	req, err := wire.NewRequest(ctx, method, m.base+path, body, m.cfg.Token.Reveal())
	if err != nil {
		return nil, fmt.Errorf("mastodon: %w", err)
	}
	return req, nil
}

// do sends req and decodes a 2xx JSON answer into out.
func (m *Mastodon) do(req *http.Request, what string, out any) error {
	what = "mastodon: " + what
	resp, err := m.cfg.Client.Do(req)
	if err != nil {
		return transportError(req.Context(), what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return readError(what, resp, m.cfg.Now())
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s: decoding answer: %w", what, err)
	}
	return nil
}

// primaryLanguage returns the ISO 639 part of a BCP 47 tag ("pt-BR" -> "pt"):
// Mastodon's language parameter takes ISO 639 codes.
func primaryLanguage(tag string) string {
	lang, _, _ := strings.Cut(tag, "-")
	lang, _, _ = strings.Cut(lang, "_")
	return strings.ToLower(lang)
}
