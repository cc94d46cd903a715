package publish

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPublicFolder(t *testing.T) {
	src := filepath.Join(t.TempDir(), "card.png")
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	if err := os.WriteFile(src, png, 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "public")
	h, err := NewPublicFolder(dir, "https://cards.example.org/public")
	if err != nil {
		t.Fatal(err)
	}
	u1, err := h.URL(context.Background(), src)
	if err != nil {
		t.Fatalf("URL: %v", err)
	}
	u2, _ := h.URL(context.Background(), src)
	if u1 != u2 || !strings.HasPrefix(u1, "https://cards.example.org/public/") || !strings.HasSuffix(u1, ".png") {
		t.Errorf("URL: got %q then %q, want one stable https://cards.example.org/public/<sha256>.png", u1, u2)
	}
	got, err := os.ReadFile(filepath.Join(dir, strings.TrimPrefix(u1, "https://cards.example.org/public/")))
	if err != nil || string(got) != string(png) {
		t.Errorf("copied file: %v, want the image's bytes", err)
	}
	txt := filepath.Join(t.TempDir(), "page.png")
	os.WriteFile(txt, []byte("<html><script>alert(1)</script>"), 0o600)
	if _, err := h.URL(context.Background(), txt); err == nil {
		t.Errorf("URL of a file that is not an image: got no error")
	}
	for _, bad := range []string{"", "ftp://x/", "/public/", "https://x/?a=b"} {
		if _, err := NewPublicFolder(dir, bad); err == nil {
			t.Errorf("NewPublicFolder(%q): got no error", bad)
		}
	}
}
