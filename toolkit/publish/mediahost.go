package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
)

// MediaHost gives a local image a public address, for the networks that
// do not take an upload but fetch the image themselves from a URL:
// Threads (image_url) and Instagram.
type MediaHost interface {
	// URL makes the file at path reachable from the internet and returns
	// its address. Calling it again for the same content returns the
	// same address.
	URL(ctx context.Context, path string) (string, error)
}

// ErrNoMediaHost is wrapped by the refusal of a post with images to a
// network that fetches them, when no public base URL is configured.
var ErrNoMediaHost = errors.New("no public base URL for images")

// PublicFolder is the MediaHost campaignkit provides: it copies each image
// into Dir as <sha256 of the content>.<ext> and returns BaseURL followed
// by that name. Something must serve Dir at BaseURL over the internet: a
// static file server or bucket the folder is synced to, or `campaignkit
// serve` behind a public proxy once it serves the folder at /public/.
// Names are content hashes, so a URL never changes meaning and nothing
// guessable (a campaign's unpublished card names) is exposed.
type PublicFolder struct {
	Dir     string // <state>/public
	BaseURL string // CAMPAIGNKIT_PUBLIC_BASE_URL, e.g. https://cards.example.org/public/
}

var _ MediaHost = (*PublicFolder)(nil)

// NewPublicFolder checks baseURL (an absolute http or https URL without
// query or fragment) and returns the host.
func NewPublicFolder(dir, baseURL string) (*PublicFolder, error) {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("public base URL %q: want an absolute http(s) URL such as https://cards.example.org/public/", baseURL)
	}
	if dir == "" {
		return nil, errors.New("public folder: required")
	}
	s := u.String()
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return &PublicFolder{Dir: dir, BaseURL: s}, nil
}

// publicExt are the kinds of file put in the public folder, by sniffed
// type: images only, so the folder cannot be made to serve a page.
var publicExt = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}

// URL copies the image at path into the folder, unless a file of that
// content is there already, and returns its public URL.
func (f *PublicFolder) URL(ctx context.Context, path string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	b, err := toolkit.ReadPath(path, toolkit.MaxImageBytes)
	if err != nil {
		return "", fmt.Errorf("public folder: %s: %s", path, toolkit.Reason(err))
	}
	ext, ok := publicExt[sniffType(b, path)]
	if !ok {
		return "", fmt.Errorf("public folder: %s is %s, not a JPEG, PNG, GIF or WebP image", path, sniffType(b, path))
	}
	sum := sha256.Sum256(b)
	name := hex.EncodeToString(sum[:]) + ext
	dst := filepath.Join(f.Dir, name)
	if st, err := os.Lstat(dst); err == nil && st.Mode().IsRegular() && st.Size() == int64(len(b)) {
		return f.BaseURL + name, nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("public folder: %w", err)
	}
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		return "", fmt.Errorf("public folder: %w", err)
	}
	// World-readable on purpose: the folder is what the web serves.
	if err := toolkit.WriteFileBytes(dst, 0o644, b); err != nil {
		return "", fmt.Errorf("public folder: %w", err)
	}
	return f.BaseURL + name, nil
}
