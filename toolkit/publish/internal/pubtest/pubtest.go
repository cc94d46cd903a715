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
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// Env is a network's publisher under test and its fake, as the shared
// scenarios drive them. Each network's test fills it from its own env;
// a field a scenario does not use may be nil.
type Env struct {
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
	// Calls returns the fake's log of requests, "METHOD /path".
	Calls func() []string
	// LoseAnswers makes the fake store the next n posts and drop the
	// connection.
	LoseAnswers func(n int)
	// Later moves the clocks of the fake and the publisher on.
	Later func(d time.Duration)
	// Journal sets the journal file of the publishers made after.
	Journal func(path string)
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
