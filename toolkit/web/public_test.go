package web

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// TestPublicFolderServed: the images a PublicFolder hands to Instagram and
// Threads are served at /public/ byte for byte, with their type; nothing
// else is: no other names, no listing, nothing a link leads out to.
func TestPublicFolderServed(t *testing.T) {
	dir := t.TempDir()
	public := filepath.Join(dir, "public")
	ts := newTestServer(t, func(o *Options) { o.PublicDir = public })
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "card.png")
	if err := os.WriteFile(src, img.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	host, err := publish.NewPublicFolder(public, ts.url+"/public/")
	if err != nil {
		t.Fatal(err)
	}
	u, err := host.URL(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(u, ts.url)
	res := ts.get(t, path)
	if res.status != 200 || !bytes.Equal(res.body, img.Bytes()) || res.header.Get("Content-Type") != "image/png" {
		t.Fatalf("%s: status %d, %d bytes, type %q", path, res.status, len(res.body), res.header.Get("Content-Type"))
	}
	if res.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("served without nosniff")
	}
	secret := filepath.Join(dir, "secret.png")
	os.WriteFile(secret, []byte("not for the internet"), 0o644)
	os.Symlink(secret, filepath.Join(public, strings.Repeat("a", 64)+".png"))
	os.WriteFile(filepath.Join(public, "notes.txt"), []byte("x"), 0o644)
	for _, p := range []string{"/public/", "/public/notes.txt", "/public/..%2Fsecret.png", "/public/" + strings.Repeat("a", 64) + ".png", "/public/" + strings.Repeat("b", 64) + ".png"} {
		if res := ts.get(t, p); res.status != 404 && res.status != 400 {
			t.Errorf("%s: status %d, want 404 (or 400 for a name that is not a path)", p, res.status)
		}
	}
}
