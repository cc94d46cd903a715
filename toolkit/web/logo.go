package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strings"
	"sync"
	"unicode"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	xdraw "golang.org/x/image/draw"
)

// logo is a partner's logo as the cards use it, kept on disk by a
// logoStore. Its picture is read when a card is drawn, in the pool.
type logo struct {
	id   string // sha256 of the file and the name
	name string // the partner's name as typed
	slug string // the name for file names

	load func() (image.Image, error)
	once sync.Once
	img  image.Image
	err  error
}

// image is the logo's picture, read once per logo value.
func (l *logo) image() (image.Image, error) {
	l.once.Do(func() { l.img, l.err = l.load() })
	return l.img, l.err
}

func logoID(file []byte, name string) string {
	h := sha256.New()
	h.Write(file)
	h.Write([]byte{0})
	h.Write([]byte(name))
	return hex.EncodeToString(h.Sum(nil))
}

// partnerSlot is the size of the largest partner slot on any card the
// server draws: a logo scaled to fit it never needs enlarging, and is a few
// hundred kilobytes at most instead of the 128 MB a 4000x4000 16-bit PNG
// decodes to.
func partnerSlot(c *campaign.Campaign, cards []campaign.Card, themes map[string]themeRef) image.Point {
	var w, h float64
	for _, card := range cards {
		t := themes[c.ThemeOf(card)].t
		for _, p := range toolkit.Presets {
			e := t.ForCanvas(string(card.Kind), p.Width, p.Height)["partner"]
			if e == nil {
				continue
			}
			m := t.Margin * float64(min(p.Width, p.Height))
			bw := float64(p.Width-p.Safe.Left-p.Safe.Right) - 2*m
			bh := float64(p.Height-p.Safe.Top-p.Safe.Bottom) - 2*m
			if e.Bleed {
				bw, bh = float64(p.Width), float64(p.Height)
			}
			w, h = max(w, e.Region[2]*bw), max(h, e.Region[3]*bh)
		}
	}
	if w < 1 || h < 1 {
		return image.Pt(400, 200) // no theme has a partner slot: any small size will do
	}
	return image.Pt(int(math.Ceil(w)), int(math.Ceil(h)))
}

// decodeCost is the memory a decoded image of cfg holds, in bytes.
func decodeCost(cfg image.Config) int64 {
	per := int64(8) // 16-bit RGBA: the most a PNG can take
	switch cfg.ColorModel {
	case color.GrayModel:
		per = 1
	case color.Gray16Model:
		per = 2
	case color.YCbCrModel:
		per = 3
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel:
		per = 4
	default:
		if _, ok := cfg.ColorModel.(color.Palette); ok {
			per = 1
		}
	}
	return int64(cfg.Width) * int64(cfg.Height) * per
}

// prepareLogo decodes an uploaded logo (its header already checked), makes
// it 8-bit and scales it to fit slot, and encodes that as PNG. The decoded
// picture is garbage as soon as this returns.
func prepareLogo(file []byte, slot image.Point) ([]byte, error) {
	img, _, err := toolkit.DecodeImage(file, logoLimits)
	if err != nil {
		return nil, err
	}
	small := fitLogo(img, slot)
	img = nil
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, small); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// fitLogo scales src to fit inside box, keeping its aspect and never
// enlarging it, into an 8-bit image.
func fitLogo(src image.Image, box image.Point) *image.NRGBA {
	b := src.Bounds()
	scale := math.Min(1, math.Min(float64(box.X)/float64(b.Dx()), float64(box.Y)/float64(b.Dy())))
	w := max(1, int(float64(b.Dx())*scale+0.5))
	h := max(1, int(float64(b.Dy())*scale+0.5))
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	switch {
	case w == b.Dx() && h == b.Dy():
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Src)
	case scale > 0.5:
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, b, xdraw.Src, nil)
	default:
		boxScale(dst, src)
	}
	return dst
}

// boxScale averages the source pixels falling in each destination pixel:
// for the large reductions uploads need it is free of aliasing and reads
// each source pixel once, where a resampling kernel would read dozens.
func boxScale(dst *image.NRGBA, src image.Image) {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	sum := make([]uint64, w*h*4) // premultiplied 16-bit channels
	n := make([]uint64, w*h)
	col := make([]int, sw)
	for x := range col {
		col[x] = x * w / sw
	}
	fast, _ := src.(image.RGBA64Image)
	for y := range sh {
		row := (y * h / sh) * w
		for x := range sw {
			var c color.RGBA64
			if fast != nil {
				c = fast.RGBA64At(b.Min.X+x, b.Min.Y+y)
			} else {
				r, g, bl, a := src.At(b.Min.X+x, b.Min.Y+y).RGBA()
				c = color.RGBA64{uint16(r), uint16(g), uint16(bl), uint16(a)}
			}
			i := row + col[x]
			s := sum[4*i : 4*i+4]
			s[0] += uint64(c.R)
			s[1] += uint64(c.G)
			s[2] += uint64(c.B)
			s[3] += uint64(c.A)
			n[i]++
		}
	}
	for i := range n {
		if n[i] == 0 {
			continue
		}
		a := sum[4*i+3] / n[i]
		if a == 0 {
			continue
		}
		p := dst.Pix[4*i : 4*i+4]
		for k := range 3 {
			p[k] = uint8(min(0xffff, sum[4*i+k]/n[i]*0xffff/a) >> 8)
		}
		p[3] = uint8(a >> 8)
	}
}

// slugify makes a partner's name safe for a file name: letters and digits
// of any script, words joined by hyphens, at most 40 characters.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	n := 0
	for _, r := range strings.ToLower(name) {
		if n >= 40 {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
			n++
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
			n++
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return "partner"
	}
	return s
}
