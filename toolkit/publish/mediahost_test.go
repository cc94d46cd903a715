package publish

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPublicFolder(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "card.png")
	png := append([]byte("\x89PNG\r\n\x1a\n"), []byte("not really the rest of a png")...)
	if err := os.WriteFile(src, png, 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := NewPublicFolder(filepath.Join(dir, "public"), "https://kit.example.org/public/")
	if err != nil {
		t.Fatal(err)
	}
	u1, err := h.URL(context.Background(), src)
	if err != nil {
		t.Fatalf("URL: %v", err)
	}
	u2, err := h.URL(context.Background(), src)
	if err != nil || u2 != u1 {
		t.Errorf("second URL: got %q, %v; want the same %q", u2, err, u1)
	}
	name := strings.TrimPrefix(u1, "https://kit.example.org/public/")
	if len(name) != 64+len(".png") || !strings.HasSuffix(name, ".png") {
		t.Errorf("URL %q: want base URL + <sha256>.png", u1)
	}
	got, err := os.ReadFile(filepath.Join(dir, "public", name))
	if err != nil || string(got) != string(png) {
		t.Errorf("copy: %v; want the exact bytes", err)
	}
	if ct := PublicContentType(name); ct != "image/png" {
		t.Errorf("PublicContentType(%s): got %q", name, ct)
	}

	none, _ := NewPublicFolder(filepath.Join(dir, "public"), "")
	if _, err := none.URL(context.Background(), src); !errors.Is(err, ErrNoPublicURL) {
		t.Errorf("no base URL: got %v, want ErrNoPublicURL", err)
	}
	for _, bad := range []string{"ftp://x/", "kit.example.org/public", "https://x/?a=b"} {
		if _, err := NewPublicFolder(dir, bad); err == nil {
			t.Errorf("NewPublicFolder(%q): got no error", bad)
		}
	}
	txt := filepath.Join(dir, "notes.txt")
	os.WriteFile(txt, []byte("hello"), 0o600)
	if _, err := h.URL(context.Background(), txt); err == nil || !strings.Contains(err.Error(), "JPEG, PNG") {
		t.Errorf("text file: got %v, want a refusal", err)
	}
}
