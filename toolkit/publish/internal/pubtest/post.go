package pubtest

import (
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// Planned is when the tests' posts are due; a Base's clock starts just
// after it, as the runner's would.
var Planned = time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)

// The first post of every network's test: a text with a link, and the
// alt text of the card a network's test adds to it.
const (
	Text = "Every migrant has rights. #MigrantsDay"
	Link = "https://www.un.org/en/observances/migrants-day"
	Alt  = "A card: “Migration is a human reality.”"
	// TextThenLink is Text and Link as the networks without a link field
	// show them: the link on a line of its own after a blank one.
	TextThenLink = Text + "\n\n" + Link
)

// FirstPost is the post "p1" for channel, due at Planned, with Text and
// Link.
func FirstPost(channel string) publish.Post {
	return publish.Post{ID: "p1", Channel: channel, Lang: "en", At: Planned, Text: Text, Link: Link}
}

// Publish publishes post with p at its first attempt, failing t when p
// does not.
func Publish(t *testing.T, p publish.Publisher, post publish.Post) publish.Result {
	t.Helper()
	res, err := p.Publish(Attempt(1), post)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	return res
}

// Hello is a post id that says hello, due at Planned: the post of a
// refusal whose cause is not in the post.
func Hello(id string) publish.Post { return publish.Post{ID: id, At: Planned, Text: "hello"} }

// Duplicate is the row of a network that refuses a text it has just
// published: in the env env makes, the post "d1" is published, and then
// "d2", with the same words, must be refused saying want.
func Duplicate(env func(t *testing.T) Env, want ...string) Refusal {
	return Refusal{Name: "duplicate", Env: func(t *testing.T) Env {
		e := env(t)
		Publish(t, e.Publisher(), publish.Post{ID: "d1", At: Planned, Text: "same words"})
		return e
	}, Post: publish.Post{ID: "d2", At: Planned, Text: "same words"}, Want: want}
}

// OverLimit publishes "r1" with p, failing t unless it is published, and
// returns the error of "r2", which a limit of one post must stop: the
// opening of every network's rate-limit test, whose wait is its own.
// Both posts carry images, for a network that takes no post without.
func OverLimit(t *testing.T, p publish.Publisher, images ...publish.Image) error {
	t.Helper()
	if _, err := p.Publish(Attempt(1), publish.Post{ID: "r1", At: Planned, Text: "first", Images: images}); err != nil {
		t.Fatalf("first post: %v", err)
	}
	_, err := p.Publish(Attempt(1), publish.Post{ID: "r2", At: Planned, Text: "second", Images: images})
	return err
}
