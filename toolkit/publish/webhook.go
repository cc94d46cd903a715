package publish

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/wire"
)

// SignatureHeader carries the webhook body's HMAC-SHA256 signature:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">".
const SignatureHeader = "X-Campaignkit-Signature"

// WebhookConfig configures a Webhook publisher.
type WebhookConfig struct {
	URL    string // where posts are POSTed
	Secret Secret // HMAC key; required, so receivers can check the sender
	// OmitMedia leaves the images' bytes out of the body (name, type, alt
	// text and SHA-256 are still sent).
	OmitMedia bool
	Client    *http.Client     // default: 30 s timeout
	Now       func() time.Time // default: time.Now
}

// Webhook POSTs each post as JSON to a URL, with the post ID as
// Idempotency-Key and a signature header the receiver verifies with
// VerifyWebhook. A receiver must answer 2xx once it has the post, and answer
// a repeated Idempotency-Key with 2xx without acting twice.
type Webhook struct {
	cfg WebhookConfig
}

var _ Publisher = (*Webhook)(nil)

// NewWebhook checks cfg and returns the publisher.
func NewWebhook(cfg WebhookConfig) (*Webhook, error) {
	if !wire.IsURL(cfg.URL) {
		return nil, fmt.Errorf("webhook: url %q: want an absolute http or https URL", cfg.URL)
	}
	if cfg.Secret.IsZero() {
		return nil, errors.New("webhook: secret: required to sign requests")
	}
	wire.Settings{Client: &cfg.Client, Timeout: 30 * time.Second, Now: &cfg.Now}.Fill()
	return &Webhook{cfg: cfg}, nil
}

// Name returns "webhook".
func (w *Webhook) Name() string { return "webhook" }

// WebhookPayload is the JSON body a webhook receives.
type WebhookPayload struct {
	ID      string         `json:"id"`
	Channel string         `json:"channel"`
	Lang    string         `json:"lang"`
	At      time.Time      `json:"at"`
	Text    string         `json:"text"`
	Link    string         `json:"link,omitempty"`
	Images  []WebhookImage `json:"images"`
}

// WebhookImage is one image in a WebhookPayload. Data is base64 in JSON.
type WebhookImage struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Alt    string `json:"alt"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
	SHA256 string `json:"sha256"`
	Data   []byte `json:"data,omitempty"`
}

// Publish sends p. The result's RemoteID is the "id" the receiver answers
// with, if any, else the post ID.
func (w *Webhook) Publish(ctx context.Context, p Post) (Result, error) {
	files, err := loadMedia(p)
	if err != nil {
		return Result{}, err
	}
	payload := WebhookPayload{ID: p.ID, Channel: p.Channel, Lang: p.Lang, At: p.At.UTC(), Text: p.Text, Link: p.Link, Images: []WebhookImage{}}
	for _, m := range files {
		img := WebhookImage{Name: m.Name, Type: m.Type, Alt: m.Alt, Width: m.Width, Height: m.Height, SHA256: m.sha256()}
		if !w.cfg.OmitMedia {
			img.Data = m.Data
		}
		payload.Images = append(payload.Images, img)
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return Result{}, fmt.Errorf("webhook: %w", err)
	}
	// wire.NewRequest leaves net/http no way to resend the POST by itself
	// when a reused connection drops: the runner decides about retries.
	req, err := wire.NewRequest(ctx, http.MethodPost, w.cfg.URL, wire.Bytes(body, "application/json"), "")
	if err != nil {
		return Result{}, fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Idempotency-Key", p.ID)
	req.Header.Set(SignatureHeader, SignWebhook([]byte(w.cfg.Secret.Reveal()), w.cfg.Now(), body))
	resp, err := w.cfg.Client.Do(req)
	if err != nil {
		return Result{}, transportError(ctx, "webhook: POST", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Result{}, readError("webhook: POST", resp, w.cfg.Now())
	}
	res := Result{RemoteID: p.ID}
	var answer struct {
		ID  any    `json:"id"`
		URL string `json:"url"`
	}
	b := wire.Read(resp)
	if json.Unmarshal(b, &answer) == nil {
		switch id := answer.ID.(type) {
		case string:
			if id != "" {
				res.RemoteID = id
			}
		case float64:
			res.RemoteID = strconv.FormatFloat(id, 'f', -1, 64)
		}
		res.URL = answer.URL
	}
	return res, nil
}

// SignWebhook returns the SignatureHeader value for body sent at t.
func SignWebhook(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(webhookMAC(secret, ts, body))
}

func webhookMAC(secret []byte, ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(ts))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return mac.Sum(nil)
}

// ErrBadSignature is wrapped by every error VerifyWebhook returns.
var ErrBadSignature = errors.New("bad webhook signature")

// VerifyWebhook checks a request a Webhook publisher sent: header is the
// SignatureHeader value, body the raw request body, now the receiver's clock
// and tolerance how far the signing time may be from now (to refuse replays;
// 5 minutes is usual). Several v1 entries are accepted, for key rotation.
func VerifyWebhook(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if header == "" {
		return fmt.Errorf("%w: no %s header", ErrBadSignature, SignatureHeader)
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return fmt.Errorf("%w: malformed element %q", ErrBadSignature, part)
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			sig, err := hex.DecodeString(v)
			if err != nil {
				return fmt.Errorf("%w: v1 is not hex", ErrBadSignature)
			}
			sigs = append(sigs, sig)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: missing or bad timestamp t=%q", ErrBadSignature, ts)
	}
	if len(sigs) == 0 {
		return fmt.Errorf("%w: no v1 signature", ErrBadSignature)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: signed at %s, %s away from now (tolerance %s)", ErrBadSignature,
			time.Unix(sec, 0).UTC().Format(time.RFC3339), d.Round(time.Second), tolerance)
	}
	want := webhookMAC(secret, ts, body)
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			return nil
		}
	}
	return fmt.Errorf("%w: signature does not match the body", ErrBadSignature)
}
