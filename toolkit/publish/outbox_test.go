package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writePNG writes a w x h PNG for tests and returns its path.
func writePNG(t *testing.T, dir, name string, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 16), uint8(y * 16), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func testPost(t *testing.T, id string, images ...Image) Post {
	t.Helper()
	return Post{
		ID:      id,
		Channel: "outbox",
		Lang:    "en",
		At:      time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC),
		Text:    "On #MigrantsDay we stand together. ✊🏽",
		Link:    "https://www.un.org/en/observances/migrants-day",
		Images:  images,
	}
}

func TestOutboxPublish(t *testing.T) {
	src := t.TempDir()
	card := writePNG(t, src, "card.png", 16, 9)
	dir := filepath.Join(t.TempDir(), "outbox")
	o := NewOutbox(dir)
	p := testPost(t, "migrants-day-2026-0900-outbox-en", Image{Path: card, Alt: "Two hands holding a paper boat"})

	first, err := o.Publish(context.Background(), p)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if got, want := first.RemoteID, p.ID; got != want {
		t.Errorf("RemoteID = %q, want %q", got, want)
	}
	if !strings.HasPrefix(first.URL, "file:///") || !strings.HasSuffix(first.URL, "/outbox/"+p.ID) {
		t.Errorf("URL = %q, want file:///.../outbox/%s", first.URL, p.ID)
	}

	b, err := os.ReadFile(filepath.Join(dir, p.ID, "post.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got OutboxPost
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != p.ID || got.Text != p.Text || got.Link != p.Link || got.Lang != "en" || !got.At.Equal(p.At) || got.Channel != "outbox" {
		t.Errorf("post.json = %+v, want the post's fields", got)
	}
	if len(got.Images) != 1 || got.Images[0].Alt != "Two hands holding a paper boat" || got.Images[0].File != "1-card.png" || got.Images[0].Type != "image/png" {
		t.Fatalf("images = %+v, want 1-card.png with its alt text", got.Images)
	}
	copied, _ := os.ReadFile(filepath.Join(dir, p.ID, "1-card.png"))
	orig, _ := os.ReadFile(card)
	if !bytes.Equal(copied, orig) {
		t.Errorf("copied image differs from the original")
	}

	// Publishing again, even with different content, keeps the first copy.
	p2 := p
	p2.Text = "changed"
	second, err := o.Publish(context.Background(), p2)
	if err != nil {
		t.Fatalf("second Publish: %v", err)
	}
	if second != first {
		t.Errorf("second Result = %+v, want %+v", second, first)
	}
	posts, err := o.Posts()
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 1 || posts[0].Text != p.Text {
		t.Errorf("Posts() = %+v, want the one first post", posts)
	}
}

func TestOutboxCrashLeftovers(t *testing.T) {
	dir := t.TempDir()
	o := NewOutbox(dir)
	id := "post-1"
	// What a crash between MkdirTemp and Rename leaves behind.
	for _, name := range []string{tmpPrefix + id + "-123", tmpPrefix + "other-456"} {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name, "post.json"), []byte(`{"id":"half`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	posts, err := o.Posts()
	if err != nil {
		t.Fatalf("Posts with leftovers: %v", err)
	}
	if len(posts) != 0 {
		t.Errorf("Posts() = %d posts, want 0: a temp folder is never a post", len(posts))
	}
	if _, err := o.Publish(context.Background(), testPost(t, id)); err != nil {
		t.Fatal(err)
	}
	names := dirNames(t, dir)
	if got, want := strings.Join(names, ","), tmpPrefix+"other-456,"+id; got != want {
		t.Errorf("after Publish: folder has %s, want %s (own leftover removed, others' kept)", got, want)
	}
	if err := o.Clean(); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(dirNames(t, dir), ","), id; got != want {
		t.Errorf("after Clean: folder has %s, want %s", got, want)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestOutboxBadInput(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "stray"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		post Post
		want string
	}{
		{"empty id", Post{}, "post has no ID"},
		{"path in id", Post{ID: "../etc"}, `post ID "../etc" starts with a dot`},
		{"slash in id", Post{ID: "a/b"}, `has '/'`},
		{"missing image", Post{ID: "p1", Images: []Image{{Path: filepath.Join(dir, "nope.png")}}}, "image 1"},
		{"foreign folder", Post{ID: "stray"}, "exists without post.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewOutbox(dir).Publish(context.Background(), tt.post)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
			if !IsPermanent(err) {
				t.Errorf("err = %v, want a permanent error", err)
			}
		})
	}
}
