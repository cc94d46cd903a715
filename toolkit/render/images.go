package render

import (
	"errors"
	"fmt"
	"image"
	"io/fs"
	"math"
	"sync"

	"github.com/campaignkit/campaignkit/toolkit"
)

// Images decodes and scales the pictures cards use (photos, logos, theme
// backgrounds) once, and shares them between goroutines. Scaled copies are
// cached by size, so six languages of one preset scale a photo once.
type Images struct {
	mu      sync.Mutex
	decoded map[string]*entry
	scaled  map[scaleKey]*entry
	sizes   map[string]*sizeEntry
	// order is the scaled pictures oldest first and scaledBytes their
	// size: past maxScaledBytes the oldest are dropped (scaled again if
	// asked for), so a build's memory does not grow with its photos.
	order       []scaleKey
	scaledBytes int
}

// maxScaledBytes bounds the scaled pictures an Images keeps.
const maxScaledBytes = 16 << 20

type sizeEntry struct {
	once sync.Once
	r    image.Rectangle
	err  error
}

type entry struct {
	once sync.Once
	img  image.Image
	err  error
}

type scaleKey struct {
	src          image.Image
	w, h         int
	fx, fy       float64
	cover        bool
	interpolator string
}

// NewImages returns an empty image cache.
func NewImages() *Images {
	return &Images{decoded: map[string]*entry{}, scaled: map[scaleKey]*entry{}, sizes: map[string]*sizeEntry{}}
}

// Load decodes name from fsys (PNG or JPEG, checked before decoding), once.
// It is read with toolkit.ReadFile: a regular file of at most
// toolkit.MaxImageBytes.
// key distinguishes files of the same name in different folders.
func (c *Images) Load(fsys fs.FS, key, name string) (image.Image, error) {
	c.mu.Lock()
	e, ok := c.decoded[key+"\x00"+name]
	if !ok {
		e = &entry{}
		c.decoded[key+"\x00"+name] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		img, err := toolkit.LoadImage(fsys, name)
		if e.err = imageError(name, err); e.err == nil {
			e.img = opaqueAsRGBA(img)
		}
	})
	return e.img, e.err
}

// opaqueAsRGBA returns an NRGBA picture whose every pixel is opaque as the
// RGBA picture it equally is (the same bytes: premultiplying by full alpha
// changes nothing), so that scaling and drawing it take the RGBA paths,
// about twice as fast as the NRGBA ones. A PNG saved with an alpha channel
// it does not use decodes to NRGBA.
func opaqueAsRGBA(img image.Image) image.Image {
	n, ok := img.(*image.NRGBA)
	if !ok {
		return img
	}
	w := n.Rect.Dx() * 4
	for y := 0; y < n.Rect.Dy(); y++ {
		row := n.Pix[y*n.Stride : y*n.Stride+w]
		for i := 3; i < len(row); i += 4 {
			if row[i] != 0xff {
				return img
			}
		}
	}
	return &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}
}

// Keep gives Load the picture img of name, already decoded (by a check of
// the file that names it), so that drawing it does not decode it again.
// A picture Load has already begun is left as it is.
func (c *Images) Keep(key, name string, img image.Image) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.decoded[key+"\x00"+name]; ok {
		return
	}
	e := &entry{}
	e.once.Do(func() { e.img = opaqueAsRGBA(img) })
	c.decoded[key+"\x00"+name] = e
}

// Bounds is the size of the picture Load would decode, read from its
// header only (or from the picture itself when it is decoded already),
// with the same checks of the file and the header.
func (c *Images) Bounds(fsys fs.FS, key, name string) (image.Rectangle, error) {
	id := key + "\x00" + name
	c.mu.Lock()
	if _, ok := c.decoded[id]; ok {
		c.mu.Unlock()
		img, err := c.Load(fsys, key, name)
		if err != nil {
			return image.Rectangle{}, err
		}
		return img.Bounds(), nil
	}
	e, ok := c.sizes[id]
	if !ok {
		e = &sizeEntry{}
		c.sizes[id] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		cfg, err := toolkit.LoadImageHeader(fsys, name)
		e.r, e.err = image.Rect(0, 0, cfg.Width, cfg.Height), imageError(name, err)
	})
	return e.r, e.err
}

// imageError says that err is about the image name, which a *FileError
// names already; nil stays nil.
func imageError(name string, err error) error {
	var fe *toolkit.FileError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fe):
		return fmt.Errorf("image %w", err)
	}
	return fmt.Errorf("image %q: %w", name, err)
}

// Cover returns src scaled to fill w x h exactly, cropped around the focal
// point (fx, fy fractions of src) as far as the edges allow.
func (c *Images) Cover(src image.Image, w, h int, fx, fy float64) image.Image {
	return c.cached(scaleKey{src: src, w: w, h: h, fx: fx, fy: fy, cover: true}, func() image.Image {
		b := src.Bounds()
		sw, sh := float64(b.Dx()), float64(b.Dy())
		x0, y0, scale := coverCrop(sw, sh, w, h, fx, fy)
		cw, ch := float64(w)/scale, float64(h)/scale
		crop := image.Rect(b.Min.X+int(x0+0.5), b.Min.Y+int(y0+0.5), b.Min.X+int(x0+cw+0.5), b.Min.Y+int(y0+ch+0.5)).Intersect(b)
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		scaleTo(dst, src, crop)
		return dst
	})
}

// coverCrop is the top-left corner, in source pixels, of the part of a sw x
// sh picture that Cover shows in w x h around (fx, fy), and the scale.
func coverCrop(sw, sh float64, w, h int, fx, fy float64) (x0, y0, scale float64) {
	scale = math.Max(float64(w)/sw, float64(h)/sh)
	cw, ch := float64(w)/scale, float64(h)/scale
	x0 = math.Min(math.Max(fx*sw-cw/2, 0), sw-cw)
	y0 = math.Min(math.Max(fy*sh-ch/2, 0), sh-ch)
	return x0, y0, scale
}

// Contain returns src scaled to fit inside w x h, keeping its aspect.
func (c *Images) Contain(src image.Image, w, h int) image.Image {
	return c.cached(scaleKey{src: src, w: w, h: h}, func() image.Image { return contain(src, w, h) })
}

// contain scales src to fit inside w x h without caching: for pictures
// that are not the campaign's own (a partner's logo), which would
// otherwise stay in the cache, keyed by their address, for good.
func contain(src image.Image, w, h int) image.Image {
	b := src.Bounds()
	dst := image.NewRGBA(image.Rectangle{Max: containSize(b, w, h)})
	scaleTo(dst, src, b)
	return dst
}

// containSize is the size of a picture of bounds b scaled to fit inside
// w x h, keeping its aspect.
func containSize(b image.Rectangle, w, h int) image.Point {
	scale := math.Min(float64(w)/float64(b.Dx()), float64(h)/float64(b.Dy()))
	return image.Pt(max(1, int(float64(b.Dx())*scale+0.5)), max(1, int(float64(b.Dy())*scale+0.5)))
}

func (c *Images) cached(k scaleKey, make func() image.Image) image.Image {
	c.mu.Lock()
	e, ok := c.scaled[k]
	if !ok {
		e = &entry{}
		c.scaled[k] = e
		c.order = append(c.order, k)
		c.scaledBytes += k.w * k.h * 4
		for c.scaledBytes > maxScaledBytes && len(c.order) > 1 {
			old := c.order[0]
			c.order = c.order[1:]
			c.scaledBytes -= old.w * old.h * 4
			delete(c.scaled, old) // whoever holds it keeps it
		}
	}
	c.mu.Unlock()
	e.once.Do(func() { e.img = make() })
	return e.img
}
