// Package render draws share cards with gg: a card kind x theme x language x
// size preset becomes an image, with every text fitted to its region.
package render

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/i18n"
	"github.com/campaignkit/campaignkit/toolkit/text"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/fogleman/gg"
)

// Job is one card to render.
type Job struct {
	Campaign    *campaign.Campaign
	CampaignFS  fs.FS // the campaign's folder: photos, portraits, logo
	Card        campaign.Card
	Lang        string
	Preset      toolkit.Preset
	Theme       *theme.Theme
	ThemeFS     fs.FS       // the theme's folder: background image
	PartnerLogo image.Image // optional co-branding logo
}

// Placed is a text element as drawn, for layout checks.
type Placed struct {
	Name   string
	Region text.Rect
	Block  *text.Block
}

// Result is a rendered card.
type Result struct {
	Image *image.RGBA
	Safe  text.Rect // the safe area every text region lies in
	Text  []Placed
}

// Renderer draws cards. It holds a text shaper, so it is not safe for
// concurrent use: make one per goroutine, sharing the Library and Images.
type Renderer struct {
	shaper *text.Shaper
	images *Images
}

// New returns a renderer drawing text from lib and pictures through images.
func New(lib *text.Library, images *Images) *Renderer {
	return &Renderer{shaper: lib.NewShaper(), images: images}
}

// Render draws one card. Text that cannot fit or characters no font has are
// reported as *toolkit.InvalidError naming the card, language, preset and
// the line of the campaign file the text is on.
func (r *Renderer) Render(ctx context.Context, j Job) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := j.Preset
	W, H := p.Width, p.Height
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	if err := r.background(img, j); err != nil {
		return nil, err
	}
	dc := gg.NewContextForRGBA(img)
	short := float64(min(W, H))
	margin := j.Theme.Margin * short
	safe := text.Rect{
		X0: float64(p.Safe.Left) + margin, Y0: float64(p.Safe.Top) + margin,
		X1: float64(W-p.Safe.Right) - margin, Y1: float64(H-p.Safe.Bottom) - margin,
	}
	res := &Result{Image: img, Safe: safe}
	els := j.Theme.ForCanvas(string(j.Card.Kind), W, H)
	scale := short / 1080
	rtl := i18n.IsRTL(j.Lang)
	// region places an element; in right-to-left languages the whole layout
	// is mirrored, so what leads in reading order stays on the leading side.
	region := func(e *theme.Element) text.Rect {
		base := safe
		if e.Bleed {
			base = text.Rect{X1: float64(W), Y1: float64(H)}
		}
		x0 := base.X0 + e.Region[0]*base.W()
		y0 := base.Y0 + e.Region[1]*base.H()
		r := text.Rect{X0: x0, Y0: y0, X1: x0 + e.Region[2]*base.W(), Y1: y0 + e.Region[3]*base.H()}
		if rtl {
			r = mirror(r, base)
		}
		return r
	}
	// pictures and panels first, bottom to top
	for _, name := range []string{"photo", "scrim", "panel", "accent", "portrait", "logo", "partner"} {
		e := els[name]
		if e == nil {
			continue
		}
		rr := region(e)
		if err := r.picture(dc, img, j, name, e, rr, short); err != nil {
			return nil, err
		}
	}
	var problems []toolkit.Problem
	for _, name := range []string{"mark", "number", "tag", "figure", "quote", "text", "label", "speaker", "name", "role", "source", "title"} {
		e := els[name]
		if e == nil {
			continue
		}
		content, field := elementText(j, name)
		if strings.TrimSpace(content) == "" {
			continue
		}
		if e.Upper {
			content = strings.ToUpper(content)
		}
		if rtl {
			content = text.MarkLTRTokens(content)
		}
		rr := region(e)
		if e.Fill != "" {
			dc.SetColor(j.Theme.ColorOf(e.Fill))
			dc.DrawRoundedRectangle(rr.X0, rr.Y0, rr.W(), rr.H(), e.Radius*short)
			dc.Fill()
		}
		pad := e.Padding * short
		rr = text.Rect{X0: rr.X0 + pad, Y0: rr.Y0 + pad, X1: rr.X1 - pad, Y1: rr.Y1 - pad}
		spec := text.Spec{
			Text: content, Lang: j.Lang, Weight: j.Theme.Weight(e.Font),
			MinSize: e.Size[0] * scale, MaxSize: e.Size[1] * scale,
			LineHeight: e.LineHeight, MaxLines: e.MaxLines,
			Align: align(e.Align), VAlign: valign(e.VAlign),
		}
		b, err := r.shaper.Fit(spec, rr)
		if err != nil {
			problems = append(problems, r.problem(j, name, field, err))
			continue
		}
		col := j.Theme.ColorOf(e.Color)
		if e.Opacity > 0 && e.Opacity < 1 {
			col.A = uint8(float64(col.A) * e.Opacity)
		}
		r.shaper.Draw(dc, b, col)
		res.Text = append(res.Text, Placed{Name: name, Region: rr, Block: b})
	}
	if len(problems) > 0 {
		return nil, &toolkit.InvalidError{Problems: problems}
	}
	return res, nil
}

func (r *Renderer) problem(j Job, element, field string, err error) toolkit.Problem {
	c := j.Campaign
	where := fmt.Sprintf("card %s, language %s, preset %s, %s", j.Card.ID, j.Lang, j.Preset.Name, element)
	var fe *text.FitError
	var me *text.MissingGlyphsError
	msg := err.Error()
	switch {
	case errors.As(err, &fe):
		msg = fe.Error()
	case errors.As(err, &me):
		msg = me.Error()
	}
	return toolkit.Problem{File: c.File, Line: c.Pos.Line(field), Field: field, Msg: where + ": " + msg}
}

// cardIndex finds the campaign file index of a card (or of the countdown it
// was expanded from).
func cardIndex(c *campaign.Campaign, card campaign.Card) int {
	id := card.ID
	if card.Base != "" {
		id = card.Base
	}
	for i, cc := range c.Cards {
		if cc.ID == id {
			return i
		}
	}
	return -1
}

// elementText is the text an element shows, and the campaign field it
// comes from (for error messages).
func elementText(j Job, name string) (string, string) {
	c, card, lang := j.Campaign, j.Card, j.Lang
	f := func(field string) string { return fmt.Sprintf("cards[%d].%s.%s", cardIndex(c, card), field, lang) }
	switch name {
	case "title":
		return c.Title[lang] + "  ·  " + LocalDate(c.Day.Time.Month(), c.Day.Day(), lang), "title." + lang
	case "tag":
		return BreakableTag(card.Tag[lang]), fmt.Sprintf("cards[%d].tag", cardIndex(c, card))
	case "text":
		if card.Kind == campaign.Countdown {
			return c.CountdownText(card, lang), f("phrase")
		}
		return card.Text[lang], f("text")
	case "mark":
		return openingQuote(lang), f("quote")
	case "quote":
		if card.Kind == campaign.Story {
			return quoted(card.Quote[lang], lang), f("quote")
		}
		return card.Quote[lang], f("quote")
	case "speaker":
		return card.Speaker[lang], f("speaker")
	case "role":
		return card.Role[lang], f("role")
	case "figure":
		return card.Figure[lang], f("figure")
	case "label":
		return card.Label[lang], f("label")
	case "source":
		return card.Source[lang], f("source")
	case "name":
		return card.Name[lang], f("name")
	case "number":
		if card.Days == 0 {
			return "", ""
		}
		return strconv.Itoa(card.Days), f("phrase")
	}
	return "", ""
}

func openingQuote(lang string) string {
	switch lang {
	case "fr", "es", "ru", "ar":
		return "«"
	}
	return "“"
}

func quoted(s, lang string) string {
	switch lang {
	case "fr":
		return "« " + s + " »"
	case "es", "ru", "ar":
		return "«" + s + "»"
	case "zh":
		return "“" + s + "”"
	}
	return "“" + s + "”"
}

// BreakableTag inserts zero-width spaces at the word boundaries of a
// CamelCase hashtag (#ItTakesACommunity: It|Takes|A|Community) and after
// underscores, so a long tag may break there and nowhere else.
func BreakableTag(tag string) string {
	r := []rune(tag)
	var b strings.Builder
	for i, c := range r {
		if i > 1 {
			prev := r[i-1]
			next := rune(0)
			if i+1 < len(r) {
				next = r[i+1]
			}
			if (unicode.IsLower(prev) && unicode.IsUpper(c)) ||
				(unicode.IsUpper(prev) && unicode.IsUpper(c) && unicode.IsLower(next)) ||
				(unicode.IsLetter(prev) && unicode.IsDigit(c)) || prev == '_' {
				b.WriteRune('\u200B')
			}
		}
		b.WriteRune(c)
	}
	return b.String()
}

var months = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
	"ru": {"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"},
	"ar": {"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
}

// LocalDate writes a day of the year the way lang does ("18 December",
// "18 décembre", "12月18日"), for the six UN languages; other languages get
// the English month name.
func LocalDate(m time.Month, day int, lang string) string {
	base, _, _ := strings.Cut(lang, "-")
	idx := int(m) - 1
	switch base {
	case "zh", "ja":
		return fmt.Sprintf("%d月%d日", idx+1, day)
	case "es":
		return fmt.Sprintf("%d de %s", day, months["es"][idx])
	}
	if names, ok := months[base]; ok {
		return fmt.Sprintf("%d %s", day, names[idx])
	}
	return fmt.Sprintf("%d %s", day, months["en"][idx])
}

func align(s string) text.Align {
	switch s {
	case "center":
		return text.Center
	case "end":
		return text.End
	}
	return text.Start
}

func valign(s string) text.VAlign {
	switch s {
	case "middle":
		return text.Middle
	case "bottom":
		return text.Bottom
	}
	return text.Top
}

// mirror flips a region horizontally within base.
func mirror(r, safe text.Rect) text.Rect {
	return text.Rect{X0: safe.X0 + safe.X1 - r.X1, Y0: r.Y0, X1: safe.X0 + safe.X1 - r.X0, Y1: r.Y1}
}

func (r *Renderer) background(img *image.RGBA, j Job) error {
	bg := j.Theme.Background
	switch bg.Kind {
	case "solid":
		fillSolid(img, j.Theme.ColorOf(bg.Color))
	case "gradient":
		stops := make([]color.NRGBA, len(bg.Stops))
		for i, s := range bg.Stops {
			stops[i] = j.Theme.ColorOf(s)
		}
		fillGradient(img, bg.Angle, stops)
	case "image":
		src, err := r.images.Load(j.ThemeFS, "theme:"+j.Theme.Name, bg.Image)
		if err != nil {
			return fmt.Errorf("theme %s: %w", j.Theme.Name, err)
		}
		b := img.Bounds()
		draw.Draw(img, b, r.images.Cover(src, b.Dx(), b.Dy(), 0.5, 0.5), image.Point{}, draw.Src)
		if bg.Overlay != "" && bg.Opacity > 0 {
			overlay(img, j.Theme.ColorOf(bg.Overlay), bg.Opacity)
		}
	}
	return nil
}

func (r *Renderer) picture(dc *gg.Context, img *image.RGBA, j Job, name string, e *theme.Element, rr text.Rect, short float64) error {
	rect := image.Rect(int(math.Round(rr.X0)), int(math.Round(rr.Y0)), int(math.Round(rr.X1)), int(math.Round(rr.Y1)))
	if rect.Empty() {
		return nil
	}
	switch name {
	case "photo":
		if j.Card.Photo == "" {
			return nil
		}
		src, err := r.images.Load(j.CampaignFS, "campaign", j.Card.Photo)
		if err != nil {
			return err
		}
		draw.Draw(img, rect, r.images.Cover(src, rect.Dx(), rect.Dy(), j.Card.Focus[0], j.Card.Focus[1]), image.Point{}, draw.Src)
	case "portrait":
		if j.Card.Portrait == "" {
			return nil
		}
		src, err := r.images.Load(j.CampaignFS, "campaign", j.Card.Portrait)
		if err != nil {
			return err
		}
		d := min(rect.Dx(), rect.Dy())
		face := r.images.Cover(src, d, d, 0.5, 0.4)
		cx, cy := float64(rect.Min.X+rect.Dx()/2), float64(rect.Min.Y+rect.Dy()/2)
		dc.Push()
		dc.DrawCircle(cx, cy, float64(d)/2)
		dc.Clip()
		dc.DrawImage(face, int(cx)-d/2, int(cy)-d/2)
		dc.ResetClip()
		dc.Pop()
	case "logo", "partner":
		src := j.PartnerLogo
		if name == "logo" {
			if j.Campaign.Logo == "" {
				return nil
			}
			var err error
			if src, err = r.images.Load(j.CampaignFS, "campaign", j.Campaign.Logo); err != nil {
				return err
			}
		}
		if src == nil {
			return nil
		}
		var fit image.Image
		if name == "partner" {
			fit = contain(src, rect.Dx(), rect.Dy()) // a new logo each time: never cached
		} else {
			fit = r.images.Contain(src, rect.Dx(), rect.Dy())
		}
		fb := fit.Bounds()
		x := rect.Min.X // logo at the start edge, partner at the end edge
		if (name == "partner") != i18n.IsRTL(j.Lang) {
			x = rect.Max.X - fb.Dx()
		}
		y := rect.Min.Y + (rect.Dy()-fb.Dy())/2
		draw.Draw(img, image.Rect(x, y, x+fb.Dx(), y+fb.Dy()), fit, fb.Min, draw.Over)
	default: // panels
		if e.Fill == "" {
			return nil
		}
		dc.SetColor(j.Theme.ColorOf(e.Fill))
		if e.Radius > 0 {
			dc.DrawRoundedRectangle(rr.X0, rr.Y0, rr.W(), rr.H(), e.Radius*short)
		} else {
			dc.DrawRectangle(rr.X0, rr.Y0, rr.W(), rr.H())
		}
		dc.Fill()
	}
	return nil
}
