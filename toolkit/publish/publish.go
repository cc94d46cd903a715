// Package publish sends one planned post to one channel: the outbox folder,
// a webhook, a Mastodon server or a Bluesky PDS. Every publisher takes the
// post's idempotency key so that a retry after a crash cannot publish twice.
package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"golang.org/x/text/unicode/norm"
)

// Image is a picture attached to a post (the queue keeps the same type).
type Image = toolkit.Media

// Post is what a publisher needs to publish: the text is final (caption for
// this channel already built), the images are files on disk.
type Post struct {
	ID      string    // stable post ID; also the idempotency key
	Channel string    // "outbox", "webhook", "mastodon", "bluesky", ...
	Lang    string    // BCP 47 tag of the text
	At      time.Time // the planned instant (UTC)
	Text    string
	Link    string
	Images  []Image
}

// WithLink is the text a post goes out with where the network has no field
// of its own for the link (Mastodon, Bluesky): text, with link on a line of
// its own unless text already has it. A caption's length is counted on it.
func WithLink(text, link string) string { return withLink(text, link) }

// withLink is WithLink.
func withLink(text, link string) string {
	link = strings.TrimSpace(link)
	if link == "" || strings.Contains(text, link) {
		return text
	}
	if strings.TrimSpace(text) == "" {
		return link
	}
	return strings.TrimRight(text, " \n") + "\n\n" + link
}

// SameText reports whether a and b are the same text of a post as a
// network keeps it: the same after NFC (the form networks store), one
// kind of line end and no surrounding space. A publisher that looks for
// the copy an earlier attempt made compares its text with this.
func SameText(a, b string) bool { return sameTextForm(a) == sameTextForm(b) }

func sameTextForm(s string) string {
	return strings.TrimSpace(norm.NFC.String(strings.ReplaceAll(s, "\r\n", "\n")))
}

// maxImages is how many images a post may carry on the networks that
// refuse more: Bluesky's app.bsky.embed.images, and the default of
// Mastodon servers and of X.
var maxImages = map[string]int{"bluesky": blueskyMaxImages, "mastodon": 4, "x": 4}

// MaxImages is how many images a post to channel may carry, 0 when the
// channel sets no limit.
func MaxImages(channel string) int { return maxImages[channel] }

// Result says where a published post can be found (the queue records the
// same type).
type Result = toolkit.Published

// Publisher publishes posts to one channel.
type Publisher interface {
	// Name is the channel name, as posts and logs use it.
	Name() string
	// Publish publishes p once. Calling it again with the same p.ID after a
	// failure or a crash must not publish a second copy.
	Publish(ctx context.Context, p Post) (Result, error)
}

// PermanentError is a failure that retrying cannot fix (401, 403, 400, 422:
// bad credentials, refused content). The runner stops retrying and shows it.
type PermanentError struct {
	Status int // HTTP status, 0 when not HTTP
	Msg    string
}

func (e *PermanentError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("permanent failure (HTTP %d): %s", e.Status, e.Msg)
	}
	return "permanent failure: " + e.Msg
}

// RetryAfterError is a failure the server asked to retry after a delay (429,
// 503 with Retry-After).
type RetryAfterError struct {
	After time.Duration
	Msg   string
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("retry after %s: %s", e.After, e.Msg)
}

// IsPermanent reports whether err (or what it wraps) is a *PermanentError.
func IsPermanent(err error) bool {
	var pe *PermanentError
	return errors.As(err, &pe)
}

// RetryAfter returns the delay the server asked for, if any.
func RetryAfter(err error) (time.Duration, bool) {
	var re *RetryAfterError
	if errors.As(err, &re) {
		return re.After, true
	}
	return 0, false
}

// attemptKey is the context key of WithAttempt.
type attemptKey struct{}

// WithAttempt returns a context telling the publisher that this is attempt
// n (1 for the first) at publishing the post. From the second attempt on,
// including the first attempt after a crash left a post claimed, the runner
// must say so: publishers whose platform has no reliable idempotency (a
// Mastodon server that ignores Idempotency-Key) then look for an earlier copy
// before posting again.
func WithAttempt(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, attemptKey{}, n)
}

// Attempt returns the attempt number WithAttempt stored in ctx, or 0.
func Attempt(ctx context.Context) int {
	n, _ := ctx.Value(attemptKey{}).(int)
	return n
}
