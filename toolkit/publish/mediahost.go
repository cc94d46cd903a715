package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
)

// MediaHost puts an image where a network can fetch it by URL. Networks
// that do not take an upload but fetch the picture themselves (Instagram,
// Threads) are given the URL it returns.
type MediaHost interface {
	// URL makes the file at path reachable from the internet and returns
	// the address it is reachable at. The bytes served are exactly the
	// file's bytes.
	URL(ctx context.Context, path string) (string, error)
}

// ErrNoPublicURL is returned when no public base URL is set: the image
// cannot be put where a network can fetch it.
var ErrNoPublicURL = errors.New("no public base URL")

// PublicFolder is the MediaHost of a folder that a web server publishes
// at BaseURL: URL copies the file into Dir as <sha256 of its bytes>.<ext>
// and returns BaseURL followed by that name. `campaignkit serve` serves
// <state>/public at /public/, so BaseURL is the address of that path as
// seen from the internet, behind the operator's proxy.
//
// Naming a copy by its content makes URL idempotent (the same image gives
// the same URL, so a retry re-uses it), makes the address unguessable
// without the image, and means a file once served never changes.
type PublicFolder struct {
	Dir     string
	BaseURL string // e.g. https://kit.example.org/public/
}

var _ MediaHost = (*PublicFolder)(nil)

// NewPublicFolder returns the host of dir at baseURL. An empty baseURL is
// allowed: URL then fails with ErrNoPublicURL, which a publisher turns into
// a refusal that says what to set.
func NewPublicFolder(dir, baseURL string) (*PublicFolder, error) {
	baseURL = strings.TrimSpace(baseURL)
	if baseURL != "" {
		u, err := url.Parse(baseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("public base URL %q: want an http(s) address such as https://kit.example.org/public/", baseURL)
		}
	}
	return &PublicFolder{Dir: dir, BaseURL: baseURL}, nil
}

// publicTypes are the kinds of file a PublicFolder serves, by the
// extension it gives them: the web server picks the Content-Type from it.
var publicTypes = map[string]string{
	"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
	"video/mp4": ".mp4",
}

// URL copies the file at path into the folder, unless a copy is already
// there, and returns its public address.
func (h *PublicFolder) URL(ctx context.Context, path string) (string, error) {
	if h.BaseURL == "" {
		return "", fmt.Errorf("%s: %w", path, ErrNoPublicURL)
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	data, err := toolkit.ReadPath(path, toolkit.MaxImageBytes)
	if err != nil {
		return "", err
	}
	mime := sniffType(data, path)
	ext, ok := publicTypes[mime]
	if !ok {
		return "", fmt.Errorf("%s is %s: a public folder serves JPEG, PNG, GIF, WebP and MP4 files only", path, mime)
	}
	sum := sha256.Sum256(data)
	name := hex.EncodeToString(sum[:]) + ext
	dst := filepath.Join(h.Dir, name)
	if st, err := os.Lstat(dst); err != nil || !st.Mode().IsRegular() || st.Size() != int64(len(data)) {
		if err := os.MkdirAll(h.Dir, 0o755); err != nil {
			return "", fmt.Errorf("public folder: %w", err)
		}
		// Mode 0644: the web server, perhaps another user, reads it, and
		// its content is meant to be public anyway.
		if err := toolkit.WriteFileBytes(dst, 0o644, data); err != nil {
			return "", fmt.Errorf("public folder: %w", err)
		}
	}
	return strings.TrimRight(h.BaseURL, "/") + "/" + name, nil
}

// PublicContentType is the Content-Type a web server serving a
// PublicFolder should send for name, "" for a name the folder never
// makes.
func PublicContentType(name string) string {
	ext := filepath.Ext(name)
	for mime, e := range publicTypes {
		if e == ext {
			return mime
		}
	}
	return ""
}
