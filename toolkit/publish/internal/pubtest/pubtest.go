// Package pubtest holds what the tests of the network publishers (x,
// linkedin, threads, facebook, instagram) have in common: the scenarios
// every publisher must pass, the table runners each network's test calls
// with its own rows, and the images and call counts they use. What a
// network takes or refuses stays in its own test's rows; the machinery
// that runs a row, and fails the test when the row does not hold, is
// here once.
package pubtest

import (
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// Fake is what the shared scenarios ask of a network's fake; the
// fakeapi.Server and fakeapi.Lossy every fake embeds give it both.
type Fake interface {
	// Calls returns the fake's log of requests, "METHOD /path".
	Calls() []string
	// LoseAnswers makes the fake store the next n posts and drop the
	// connection.
	LoseAnswers(n int)
}

// Env is a network's publisher under test and its fake, as the shared
// scenarios drive them. Each network's test fills in only what is its
// own: how to make its publisher, read its posts and count its
// requests; the fake, the clock and the journal it lends by reference.
// Sent and Made may be nil.
type Env struct {
	Fake Fake
	// Publisher returns a new publisher, as a new process would make it.
	Publisher func() publish.Publisher
	// Posted returns the remote ids of the posts on the fake, oldest
	// first.
	Posted func() []string
	// Sent counts the requests that publish a post.
	Sent func() int
	// Made counts what the fake made on the way to a post (Threads' and
	// Instagram's containers); nil where a network makes nothing.
	Made func() int
	// Now is the clock the fake and the publisher read; a scenario moves
	// it on to stand for the time a retry waits.
	Now *time.Time
	// Journal is the journal file of the publishers made after it is
	// set.
	Journal *string
}

// Base is what the env of every publisher test holds whatever the
// network: the test, the token store a `campaignkit accounts login`
// would have left, the clock the fake and the publisher share, and the
// journal file of the publishers made next. A test's env embeds it.
type Base struct {
	T       *testing.T
	Store   *account.Store
	Now     time.Time
	Journal string
}

// NewBase is a Base for t with an empty token store, its clock two
// seconds past Planned, when the runner would take the post.
func NewBase(t *testing.T) Base {
	return Base{T: t, Store: account.NewStore(filepath.Join(t.TempDir(), "tokens")), Now: Planned.Add(2 * time.Second)}
}

// Clock returns Now; it is the Now of the fake and of the publisher.
func (b *Base) Clock() time.Time { return b.Now }

// Save stores tok for account id as a sign-in would have.
func (b *Base) Save(id string, tok account.Token) {
	b.T.Helper()
	if err := b.Store.Save(id, tok); err != nil {
		b.T.Fatal(err)
	}
}

// SignOut empties the token store, as if nobody had signed in.
func (b *Base) SignOut() { b.Store = account.NewStore(b.T.TempDir()) }

// Env is the Env of fake and of the publishers publisher makes, on b's
// clock and journal; the caller adds Posted and the counts.
func (b *Base) Env(fake Fake, publisher func() publish.Publisher) Env {
	return Env{Fake: fake, Publisher: publisher, Now: &b.Now, Journal: &b.Journal}
}

// PublicFolder is a new folder served on loopback, for the networks
// (Threads, Instagram) that fetch a post's images from a public URL. It
// returns the folder and the host that publishes files from it.
func PublicFolder(t *testing.T) (string, *publish.PublicFolder) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "public")
	web := httptest.NewServer(http.StripPrefix("/public/", http.FileServer(http.Dir(dir))))
	t.Cleanup(web.Close)
	host, err := publish.NewPublicFolder(dir, web.URL+"/public/")
	if err != nil {
		t.Fatal(err)
	}
	return dir, host
}

// IDs returns the id of each of items, for an Env's Posted.
func IDs[T any](items []T, id func(T) string) []string {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = id(it)
	}
	return ids
}

// Attempt is a context for the nth attempt at a post, as the runner
// gives it.
func Attempt(n int) context.Context { return publish.WithAttempt(context.Background(), n) }

// Count returns how many calls end with suffix. A suffix that starts
// with a method ("POST /media_publish") counts only calls of that method,
// so that one row can name an edge whatever the version and id before it.
func Count(calls []string, suffix string) int {
	method, path, hasMethod := strings.Cut(suffix, " ")
	n := 0
	for _, c := range calls {
		switch {
		case hasMethod && strings.HasPrefix(c, method+" ") && strings.HasSuffix(c, path):
			n++
		case !hasMethod && strings.HasSuffix(c, suffix):
			n++
		}
	}
	return n
}

// Card is a w × h picture that differs with seed, so that two cards of
// a test are two different files.
func Card(w, h int, seed byte) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i*7) + seed
	}
	img.Set(0, 0, color.RGBA{R: seed, A: 255})
	return img
}

// WriteImage writes img to a file name in a new temporary folder, as
// JPEG when name ends in .jpg, else as PNG, and returns its path.
func WriteImage(t *testing.T, name string, img image.Image) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if strings.HasSuffix(name, ".jpg") {
		err = jpeg.Encode(f, img, nil)
	} else {
		err = png.Encode(f, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// WritePNG writes a w × h card as the PNG file name and returns its path.
func WritePNG(t *testing.T, name string, w, h int) string {
	t.Helper()
	return WriteImage(t, name, Card(w, h, byte(len(name))))
}

// Serve closes fake when the test ends and sets now, the fake's clock,
// to b's.
func (b *Base) Serve(fake interface{ Close() }, now *func() time.Time) {
	b.T.Cleanup(fake.Close)
	*now = b.Clock
}

// Scopes returns scopes, or def when there are none: a test's env signs
// in with the publisher's scopes unless a case asks for fewer.
func Scopes(scopes, def []string) []string {
	if len(scopes) == 0 {
		return def
	}
	return scopes
}

// New returns the publisher newP makes of cfg, failing t when newP
// refuses cfg.
func New[C, P any](t *testing.T, newP func(C) (P, error), cfg C) P {
	t.Helper()
	p, err := newP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// NoSleep is a publisher's Sleep that returns at once, so that a test
// polls without waiting.
func NoSleep(context.Context, time.Duration) error { return nil }
