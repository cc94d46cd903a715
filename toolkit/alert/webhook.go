package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// Format is how a webhook's body is written.
type Format string

// The webhook formats.
const (
	// FormatJSON sends a Payload, signed like the publish webhook.
	FormatJSON Format = "json"
	// FormatSlack sends {"text": "..."}, which Slack and Microsoft Teams
	// incoming webhooks post to their channel.
	FormatSlack Format = "slack"
)

// ParseFormat reads a format name; "" is FormatJSON.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "", FormatJSON:
		return FormatJSON, nil
	case FormatSlack, "teams":
		return FormatSlack, nil
	}
	return "", fmt.Errorf("webhook format %q: want json or slack (slack also suits Teams)", s)
}

// WebhookConfig says where alerts are POSTed.
type WebhookConfig struct {
	// URL receives the alerts. It is never logged nor put in an error
	// beyond its scheme and host: a Slack or Teams URL's path is its key.
	URL    string
	Format Format // default FormatJSON
	// Secret signs each body as the publish webhook does: header
	// publish.SignatureHeader, checked with publish.VerifyWebhook.
	// Required for FormatJSON; optional for FormatSlack, whose URL is
	// itself the secret.
	Secret publish.Secret
	// Client sends the requests (default: one that does not follow
	// redirects); Retry.Timeout bounds each attempt either way.
	Client *http.Client
}

// webhook POSTs alerts to a URL.
type webhook struct {
	cfg  WebhookConfig
	safe string // scheme://host, for logs and errors
	now  func() time.Time
}

func newWebhook(cfg WebhookConfig, now func() time.Time) (*webhook, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("alert webhook: url: want an absolute http or https URL (not shown: it may hold a key)")
	}
	if cfg.Format == "" {
		cfg.Format = FormatJSON
	}
	if _, err := ParseFormat(string(cfg.Format)); err != nil {
		return nil, fmt.Errorf("alert %w", err)
	}
	if cfg.Format == FormatJSON && cfg.Secret.IsZero() {
		return nil, errors.New("alert webhook: secret: required for the json format, so that the receiver can check the sender")
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return &webhook{cfg: cfg, safe: u.Scheme + "://" + u.Host, now: now}, nil
}

func (w *webhook) channel() string { return "webhook" }

// send POSTs m once. A 2xx answer delivers it; 408, 425, 429 and 5xx are
// worth another try; any other answer is not.
func (w *webhook) send(ctx context.Context, m *message) error {
	var body []byte
	var err error
	if w.cfg.Format == FormatSlack {
		body, err = json.Marshal(struct {
			Text string `json:"text"`
		}{m.chat})
	} else {
		body, err = json.Marshal(m.payload)
	}
	if err != nil {
		return permanent(fmt.Errorf("webhook %s: %w", w.safe, err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return permanent(fmt.Errorf("webhook %s: %v", w.safe, redact(err, w.cfg.URL, w.safe)))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "campaignkit-alert")
	req.Header.Set("Idempotency-Key", m.event.Key)
	req.Header.Set("X-Campaignkit-Event", string(m.event.Kind))
	if !w.cfg.Secret.IsZero() {
		req.Header.Set(publish.SignatureHeader, publish.SignWebhook([]byte(w.cfg.Secret.Reveal()), w.now(), body))
	}
	// Retries are the notifier's, counted and logged: net/http must not
	// resend on its own (it would, for a request with Idempotency-Key).
	req.GetBody = nil
	resp, err := w.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", w.safe, redact(err, w.cfg.URL, w.safe))
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	err = fmt.Errorf("webhook %s: HTTP %d: %s", w.safe, resp.StatusCode, clip(string(answer), 200))
	switch {
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooEarly,
		resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return err
	}
	return permanent(err)
}

// redact takes the URL out of a net/http error: its path may be a key.
func redact(err error, raw, safe string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = &url.Error{Op: ue.Op, URL: safe, Err: ue.Err}
	}
	if strings.Contains(err.Error(), raw) {
		return errors.New(strings.ReplaceAll(err.Error(), raw, safe))
	}
	return err
}
