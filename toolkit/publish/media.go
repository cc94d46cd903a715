package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig for JPEG cards
	_ "image/png"  // DecodeConfig for PNG cards
	"net/http"
	"path/filepath"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
)

// media is an image file read into memory, ready to upload.
type media struct {
	Name   string // base name of the file
	Type   string // MIME type sniffed from the content
	Data   []byte
	Width  int // 0 when the format cannot be decoded
	Height int
	Alt    string
}

func (m media) sha256() string {
	sum := sha256.Sum256(m.Data)
	return hex.EncodeToString(sum[:])
}

// loadMedia reads every image of p. Each is a file someone named, so it is
// read through toolkit.ReadPath: a regular file of at most
// toolkit.MaxImageBytes, and a named pipe is refused instead of blocking
// the publish. A missing, unreadable or refused file is a permanent
// failure: retrying will not make it appear.
func loadMedia(p Post) ([]media, error) {
	out := make([]media, 0, len(p.Images))
	for i, img := range p.Images {
		b, err := toolkit.ReadPath(img.Path, toolkit.MaxImageBytes)
		if err != nil {
			return nil, &PermanentError{Msg: fmt.Sprintf("post %s: image %d: %v", p.ID, i+1, err)}
		}
		m := media{Name: filepath.Base(img.Path), Type: sniffType(b, img.Path), Data: b, Alt: img.Alt}
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(b)); err == nil {
			m.Width, m.Height = cfg.Width, cfg.Height
		}
		out = append(out, m)
	}
	return out, nil
}

func sniffType(b []byte, name string) string {
	t := http.DetectContentType(b)
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	if t == "application/octet-stream" {
		switch strings.ToLower(filepath.Ext(name)) {
		case ".webp":
			return "image/webp"
		case ".mp4":
			return "video/mp4"
		}
	}
	return t
}
