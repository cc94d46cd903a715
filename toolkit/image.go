package toolkit

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io/fs"
	"path"
	"strings"
)

// MaxImagePixels is the largest image campaignkit will decode (40 megapixels):
// a photo bigger than that is a mistake or an attack, never a share card input.
const MaxImagePixels = 40_000_000

// ImageLimits bounds an image before it is decoded.
type ImageLimits struct {
	MaxBytes  int // 0: no byte limit
	MaxPixels int // width*height; 0: MaxImagePixels
	MaxSide   int // 0: no limit on either side
}

// DecodeImage decodes a PNG or JPEG after checking its header against the
// limits, so that a small file claiming a huge size is refused before any
// pixel memory is allocated.
func DecodeImage(data []byte, lim ImageLimits) (image.Image, string, error) {
	cfg, format, err := CheckImage(data, lim)
	if err != nil {
		return nil, "", err
	}
	var img image.Image
	switch format {
	case "png":
		img, err = png.Decode(bytes.NewReader(data))
	default:
		img, err = jpeg.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, "", fmt.Errorf("the %s data is damaged or cut short: %w", format, err)
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, "", fmt.Errorf("decoded %dx%d but the header said %dx%d", b.Dx(), b.Dy(), cfg.Width, cfg.Height)
	}
	return img, format, nil
}

// CheckImage reads only the header: the format must be PNG or JPEG and the
// size within the limits.
func CheckImage(data []byte, lim ImageLimits) (image.Config, string, error) {
	if lim.MaxBytes > 0 && len(data) > lim.MaxBytes {
		return image.Config{}, "", fmt.Errorf("the file has %d bytes, more than the %d allowed", len(data), lim.MaxBytes)
	}
	var (
		cfg    image.Config
		format string
		err    error
	)
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		format = "png"
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		format = "jpeg"
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	default:
		return image.Config{}, "", fmt.Errorf("not a PNG or JPEG image (only those two are accepted)")
	}
	if err != nil {
		return image.Config{}, "", fmt.Errorf("unreadable %s header: %w", format, err)
	}
	maxPix := lim.MaxPixels
	if maxPix == 0 {
		maxPix = MaxImagePixels
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return image.Config{}, "", fmt.Errorf("the image claims an empty size %dx%d", cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(maxPix) {
		return image.Config{}, "", fmt.Errorf("the image is %dx%d, over the %d megapixel limit", cfg.Width, cfg.Height, maxPix/1_000_000)
	}
	if lim.MaxSide > 0 && (cfg.Width > lim.MaxSide || cfg.Height > lim.MaxSide) {
		return image.Config{}, "", fmt.Errorf("the image is %dx%d, over the %dx%d limit", cfg.Width, cfg.Height, lim.MaxSide, lim.MaxSide)
	}
	return cfg, format, nil
}

// LocalPath reports whether name, a file that a campaign or theme file
// names, is relative to that file's folder and stays inside it: not
// absolute, no backslash, no leading "..".
func LocalPath(name string) bool {
	p := path.Clean(name)
	return !path.IsAbs(name) && !strings.Contains(name, "\\") && p != ".." && !strings.HasPrefix(p, "../")
}

// LoadImage reads name from fsys with ReadFile's checks and a limit of
// MaxImageBytes, and decodes it whole: the one way a picture the user names
// (a logo, a photo, a theme's background) is loaded, whether to draw it or
// to find a damaged one while checking the file that names it. A file that
// cannot be read gives ReadFile's *FileError; a picture that does not
// decode gives DecodeImage's error, which does not name the file.
func LoadImage(fsys fs.FS, name string) (image.Image, error) {
	data, err := ReadFile(fsys, name, MaxImageBytes)
	if err != nil {
		return nil, err
	}
	img, _, err := DecodeImage(data, ImageLimits{MaxBytes: MaxImageBytes})
	return img, err
}

// LoadImageHeader is LoadImage reading only the header: the format and
// size, checked against the limits, without decoding the pixels. The file
// is still read whole, within MaxImageBytes, with ReadFile's checks.
func LoadImageHeader(fsys fs.FS, name string) (image.Config, error) {
	data, err := ReadFile(fsys, name, MaxImageBytes)
	if err != nil {
		return image.Config{}, err
	}
	cfg, _, err := CheckImage(data, ImageLimits{MaxBytes: MaxImageBytes})
	return cfg, err
}
