package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // DecodeConfig for GIF images
	_ "image/jpeg" // DecodeConfig for JPEG cards
	_ "image/png"  // DecodeConfig for PNG cards
	"net/http"
	"os"
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

// loadMedia reads every image of p (ReadPicture, at most
// toolkit.MaxImageBytes each). A missing, unreadable or refused file is a
// permanent failure: retrying will not make it appear.
func loadMedia(p Post) ([]media, error) {
	out := make([]media, 0, len(p.Images))
	for i, img := range p.Images {
		pic, err := ReadPicture(img.Path, toolkit.MaxImageBytes)
		if err != nil {
			return nil, &PermanentError{Msg: fmt.Sprintf("post %s: image %d: %v", p.ID, i+1, err)}
		}
		out = append(out, media{Name: pic.Name, Type: pic.Type, Data: pic.Data, Width: pic.Width, Height: pic.Height, Alt: img.Alt})
	}
	return out, nil
}

// Picture is an image file a post names, read for a network.
type Picture struct {
	Name   string // base name of the file
	Type   string // MIME type sniffed from the content
	Data   []byte
	Size   int64 // bytes; set also when the file is over the limit
	Width  int   // 0 when the format cannot be decoded
	Height int
}

// ReadPicture reads the image file at path for a network that takes at
// most max bytes. The file is one someone named, so it is read through
// toolkit.ReadPath: a regular file, refused rather than read whole when
// over max, and a named pipe refused instead of blocking the publish. A
// file over max is an error wrapping toolkit.ErrTooBig, with Size set so
// that the network can say its own limit.
func ReadPicture(path string, max int64) (Picture, error) {
	pic := Picture{Name: filepath.Base(path)}
	b, err := toolkit.ReadPath(path, max)
	if err != nil {
		if st, serr := os.Stat(path); serr == nil && errors.Is(err, toolkit.ErrTooBig) {
			pic.Size = st.Size()
		}
		return pic, err
	}
	pic.Data, pic.Size, pic.Type = b, int64(len(b)), sniffType(b, path)
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(b)); err == nil {
		pic.Width, pic.Height = cfg.Width, cfg.Height
	}
	return pic, nil
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
