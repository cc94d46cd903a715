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
	"strings"
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

// Placed is an element as drawn, for layout checks: a text (with its
// Block) or a picture (logo, partner, panel: Block is nil).
type Placed struct {
	Name   string
	Region text.Rect
	Block  *text.Block
	// Decorative marks ornaments exempt from the type floor.
	Decorative bool
}

// Ink is what the element covers: its glyphs' ink, or its region for a
// picture.
func (p Placed) Ink() text.Rect {
	if p.Block != nil {
		return p.Block.Ink
	}
	return p.Region
}

// Result is a rendered card.
type Result struct {
	Image *image.RGBA
	Safe  text.Rect // the safe area every text region lies in
	// Focus is the photo's focus box on the canvas (see
	// campaign.Card.FocusBox), empty on cards without a photo.
	Focus text.Rect
	// Floor is the smallest readable text size on this preset, px.
	Floor    float64
	Text     []Placed
	Pictures []Placed // logos and panels as drawn
}

// Renderer draws cards. It holds a text shaper, so it is not safe for
// concurrent use: make one per goroutine, sharing the Library and Images.
type Renderer struct {
	shaper *text.Shaper
	images *Images
	spare  []byte // a canvas given back by Recycle, drawn over next
}

// New returns a renderer drawing text from lib and pictures through images.
func New(lib *text.Library, images *Images) *Renderer {
	return &Renderer{shaper: lib.NewShaper(), images: images}
}

// textOrder is the order text elements are fitted in: a headline before
// the lines that must stay smaller than it.
var textOrder = []string{"number", "tag", "figure", "quote", "mark", "text", "label", "speaker", "name", "role", "source", "title"}

// Render draws one card. Text that cannot fit or characters no font has are
// reported as *toolkit.InvalidError naming the card, language, preset and
// the line of the campaign file the text is on.
func (r *Renderer) Render(ctx context.Context, j Job) (*Result, error) {
	return r.render(ctx, j, true)
}

// Layout places everything on the card as Render does, with the same
// problems, and draws nothing: the Result has no Image. Pictures are only
// measured (their headers read), not decoded. For checks of the layout
// (lint), at a fraction of the cost of drawing.
func (r *Renderer) Layout(ctx context.Context, j Job) (*Result, error) {
	return r.render(ctx, j, false)
}

func (r *Renderer) render(ctx context.Context, j Job, paint bool) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := j.Preset
	W, H := p.Width, p.Height
	var img *image.RGBA
	var dc *gg.Context
	if paint {
		img = r.canvas(W, H, j.Theme.Background.Kind)
		if err := r.background(img, j); err != nil {
			return nil, err
		}
		dc = gg.NewContextForRGBA(img)
	} else if err := r.checkBackground(j); err != nil {
		return nil, err
	}
	short := float64(min(W, H))
	margin := j.Theme.Margin * short
	safe := text.Rect{
		X0: float64(p.Safe.Left) + margin, Y0: float64(p.Safe.Top) + margin,
		X1: float64(W-p.Safe.Right) - margin, Y1: float64(H-p.Safe.Bottom) - margin,
	}
	res := &Result{Image: img, Safe: safe, Floor: p.TextFloor()}
	els := j.Theme.ForCanvas(string(j.Card.Kind), W, H)
	scale := typeScale(p)
	rtl := i18n.IsRTL(j.Lang)
	// region places an element; in right-to-left languages the layout is
	// mirrored, so what leads in reading order stays on the leading side.
	// The unmirrored region comes second, for elements that the photo's
	// focus keeps from flipping.
	region := func(e *theme.Element) (text.Rect, text.Rect) {
		base := safe
		if e.Bleed {
			base = text.Rect{X1: float64(W), Y1: float64(H)}
		}
		x0 := base.X0 + e.Region[0]*base.W()
		y0 := base.Y0 + e.Region[1]*base.H()
		r := text.Rect{X0: x0, Y0: y0, X1: x0 + e.Region[2]*base.W(), Y1: y0 + e.Region[3]*base.H()}
		if rtl {
			return mirror(r, base), r
		}
		return r, r
	}
	// the photo first: where it lands decides what the rest must keep clear of
	if e := els["photo"]; e != nil && j.Card.Photo != "" {
		rr, _ := region(e)
		focus, err := r.photo(img, j, rr, paint)
		if err != nil {
			return nil, err
		}
		res.Focus = focus
	}
	// clear is the focus box with a breathing space around it
	clear := res.Focus
	if !clear.Empty() {
		clear = clear.Inset(-0.02 * short)
	}
	// pictures and panels, bottom to top
	var taken []text.Rect // logos placed so far, which the next must not cover
	for _, name := range []string{"scrim", "panel", "accent", "portrait", "logo", "partner"} {
		e := els[name]
		if e == nil {
			continue
		}
		rr, unmirrored := region(e)
		if name != "logo" && name != "partner" {
			rr = avoid(rr, unmirrored, clear)
		}
		drawn, err := r.picture(dc, img, j, name, e, rr, unmirrored, short, append(taken, clear), safe, paint)
		if err != nil {
			return nil, err
		}
		if !drawn.Empty() {
			res.Pictures = append(res.Pictures, Placed{Name: name, Region: drawn})
			if name == "logo" || name == "partner" {
				taken = append(taken, drawn.Inset(-0.01*short))
			}
		}
	}
	var problems []toolkit.Problem
	var quoteSize float64
	for _, name := range textOrder {
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
		rr, unmirrored := region(e)
		rr = avoid(rr, unmirrored, clear)
		pad := e.Padding * short
		box := text.Rect{X0: rr.X0 + pad, Y0: rr.Y0 + pad, X1: rr.X1 - pad, Y1: rr.Y1 - pad}
		spec := text.Spec{
			Text: content, Lang: j.Lang, Weight: j.Theme.Weight(e.Font),
			MinSize: e.Size[0] * scale, MaxSize: e.Size[1] * scale,
			LineHeight: e.LineHeight, MaxLines: e.MaxLines,
			Align: align(e.Align), VAlign: valign(e.VAlign),
		}
		if !e.Decorative {
			// no readable text under the preset's floor
			spec.MinSize = max(spec.MinSize, res.Floor)
			spec.MaxSize = max(spec.MaxSize, spec.MinSize)
		}
		if name == "mark" && quoteSize > 0 {
			// a quote mark about two and a half times the quote's size
			spec.MaxSize = min(spec.MaxSize, 2.5*quoteSize)
			spec.MinSize = min(spec.MinSize, spec.MaxSize)
		}
		if name == "role" && quoteSize > 0 {
			// a role reads as a caption to the quote: at most half its size
			spec.MaxSize = max(min(spec.MaxSize, quoteSize/2), spec.MinSize)
		}
		if name == "number" && j.Card.Kind == campaign.Countdown && j.Card.Days == 0 {
			// the day's date, "18" over "December": a word, not a numeral,
			// so it may need a third of the numeral's smallest size
			spec.MaxLines = 2
			spec.MinSize = max(spec.MinSize/3, res.Floor)
		}
		if spec.Font = j.Theme.Font(e.Font); spec.Font != nil {
			if miss, _ := r.shaper.Uncovered(spec); len(miss) > 0 {
				problems = append(problems, fontProblem(j, name, field, e.Font, spec.Font, miss))
			}
		}
		b, err := r.shaper.Fit(spec, box)
		if err != nil {
			problems = append(problems, problem(j, name, field, err, spec.MinSize == res.Floor))
			continue
		}
		if name == "quote" {
			quoteSize = b.Size
		}
		res.Text = append(res.Text, Placed{Name: name, Region: box, Block: b, Decorative: e.Decorative})
	}
	if len(problems) > 0 {
		return nil, &toolkit.InvalidError{Problems: problems}
	}
	compose(res, els, j, float64(H), clear)
	if !paint {
		return res, nil
	}
	for _, pl := range res.Text {
		e := els[pl.Name]
		if e.Fill != "" {
			pad := e.Padding * short
			dc.SetColor(j.Theme.ColorOf(e.Fill))
			dc.DrawRoundedRectangle(pl.Region.X0-pad, pl.Region.Y0-pad, pl.Region.W()+2*pad, pl.Region.H()+2*pad, e.Radius*short)
			dc.Fill()
		}
		col := j.Theme.ColorOf(e.Color)
		if e.Opacity > 0 && e.Opacity < 1 {
			col.A = uint8(float64(col.A) * e.Opacity)
		}
		r.shaper.Draw(dc, pl.Block, col)
	}
	return res, nil
}

// Recycle gives back the image of a Result the caller is done with: the
// next Render draws over its memory instead of allocating a canvas (a
// build renders hundreds, each megabytes, which otherwise keep the
// garbage collector busy and the process large).
func (r *Renderer) Recycle(img *image.RGBA) {
	if img != nil && cap(img.Pix) > cap(r.spare) {
		r.spare = img.Pix[:0]
	}
}

// canvas returns a W x H canvas, in the recycled memory when it is large
// enough. The backgrounds Render knows paint every pixel; any other is
// given a cleared canvas, as a new one would be.
func (r *Renderer) canvas(W, H int, background string) *image.RGBA {
	n := W * H * 4
	if cap(r.spare) < n {
		return image.NewRGBA(image.Rect(0, 0, W, H))
	}
	img := &image.RGBA{Pix: r.spare[:n], Stride: W * 4, Rect: image.Rect(0, 0, W, H)}
	r.spare = nil
	switch background {
	case "solid", "gradient", "image":
	default:
		clear(img.Pix)
	}
	return img
}

// typeScale converts a theme's sizes (px on a 1080 px square) to p: the
// mean (geometric) of two scales, the canvas's short side, which keeps
// text in proportion to the regions it fills, and the size the platform
// shows the image at next to a square shown across a phone, which keeps
// it as readable. Squares and stories, shown across the phone, keep the
// short side's; wide images, shown as wide as a square but less tall,
// get larger type than their short side alone would give (0.8 of the
// square's on LinkedIn, not 0.58).
func typeScale(p toolkit.Preset) float64 {
	short := float64(min(p.Width, p.Height)) / 1080
	view := p.View
	if view <= 0 {
		view = 390
	}
	shown := float64(p.Width) / float64(view) / (1080.0 / 390)
	return math.Sqrt(short * shown)
}

// avoid returns the region of an element clear of the photo's focus box:
// rr as placed; else, in a mirrored layout, the unmirrored region; else
// the largest part of rr beside, above or below the box.
func avoid(rr, unmirrored, clear text.Rect) text.Rect {
	if clear.Empty() || !rr.Intersects(clear) {
		return rr
	}
	if !unmirrored.Intersects(clear) {
		return unmirrored
	}
	parts := []text.Rect{
		{X0: rr.X0, Y0: rr.Y0, X1: min(rr.X1, clear.X0), Y1: rr.Y1},
		{X0: max(rr.X0, clear.X1), Y0: rr.Y0, X1: rr.X1, Y1: rr.Y1},
		{X0: rr.X0, Y0: rr.Y0, X1: rr.X1, Y1: min(rr.Y1, clear.Y0)},
		{X0: rr.X0, Y0: max(rr.Y0, clear.Y1), X1: rr.X1, Y1: rr.Y1},
	}
	best := text.Rect{}
	for _, p := range parts {
		if !p.Empty() && p.W()*p.H() > best.W()*best.H() {
			best = p
		}
	}
	if best.Empty() {
		return rr // nowhere clear: lint reports the overlap
	}
	return best
}

func problem(j Job, element, field string, err error, atFloor bool) toolkit.Problem {
	c := j.Campaign
	where := fmt.Sprintf("card %s, language %s, preset %s, %s", j.Card.ID, j.Lang, j.Preset.Name, element)
	var fe *text.FitError
	var me *text.MissingGlyphsError
	msg := err.Error()
	switch {
	case errors.As(err, &fe):
		msg = fe.Error()
		if atFloor {
			msg += fmt.Sprintf(" (%.0f px is the smallest readable size on %s, which shows it %d px wide)", fe.MinSize, j.Preset.Name, j.Preset.View)
		}
	case errors.As(err, &me):
		msg = me.Error()
	}
	return toolkit.Problem{File: c.File, Line: c.Pos.Line(field), Field: field, Msg: where + ": " + msg}
}

// fontProblem says that the theme's font file for role lacks characters
// a text needs, at the line of the text. It names no preset: it is the
// same in all of them.
func fontProblem(j Job, element, field, role string, f *text.Font, miss []rune) toolkit.Problem {
	list := make([]string, len(miss))
	for i, r := range miss {
		list[i] = fmt.Sprintf("%q U+%04X", r, r)
	}
	c := j.Campaign
	return toolkit.Problem{File: c.File, Line: c.Pos.Line(field), Field: field, Msg: fmt.Sprintf(
		"card %s, language %s, %s: the font %s (theme %s, role %s) has no %s, so the text would mix two typefaces; use a font file that has them, or write the text without them",
		j.Card.ID, j.Lang, element, f.Name, j.Theme.Name, role, strings.Join(list, ", "))}
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
		// a title wrapped in a narrow column breaks after the dot, never
		// before it nor inside the date
		return c.Title[lang] + "  \u2060·  " + keepTogether(i18n.DayMonth(lang, c.Day.Time.Month(), c.Day.Day())), "title." + lang
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
		return KeepNumbers(card.Figure[lang]), f("figure")
	case "label":
		return card.Label[lang], f("label")
	case "source":
		return card.Source[lang], f("source")
	case "name":
		return card.Name[lang], f("name")
	case "number":
		if card.Days == 0 {
			// the day itself: its date is the hero
			return i18n.DayMonth(lang, c.Day.Time.Month(), c.Day.Day()), f("today")
		}
		return i18n.Digits(lang, card.Days), f("phrase")
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

// checkBackground finds the errors background would meet, without drawing.
func (r *Renderer) checkBackground(j Job) error {
	if bg := j.Theme.Background; bg.Kind == "image" {
		if _, err := r.images.Bounds(j.ThemeFS, "theme:"+j.Theme.Name, bg.Image); err != nil {
			return fmt.Errorf("theme %s: %w", j.Theme.Name, err)
		}
	}
	return nil
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

// photo draws the card's photo into rr (when paint), cropped around its
// focus box, and returns where the box lands on the canvas.
func (r *Renderer) photo(img *image.RGBA, j Job, rr text.Rect, paint bool) (text.Rect, error) {
	rect := pixels(rr)
	if rect.Empty() {
		return text.Rect{}, nil
	}
	f := j.Card.FocusBox()
	fx, fy := (f[0]+f[2])/2, (f[1]+f[3])/2
	var b image.Rectangle
	if paint {
		src, err := r.images.Load(j.CampaignFS, "campaign", j.Card.Photo)
		if err != nil {
			return text.Rect{}, err
		}
		draw.Draw(img, rect, r.images.Cover(src, rect.Dx(), rect.Dy(), fx, fy), image.Point{}, draw.Src)
		b = src.Bounds()
	} else {
		var err error
		if b, err = r.images.Bounds(j.CampaignFS, "campaign", j.Card.Photo); err != nil {
			return text.Rect{}, err
		}
	}
	sw, sh := float64(b.Dx()), float64(b.Dy())
	x0, y0, k := coverCrop(sw, sh, rect.Dx(), rect.Dy(), fx, fy)
	at := func(u, v float64) (float64, float64) {
		return float64(rect.Min.X) + (u*sw-x0)*k, float64(rect.Min.Y) + (v*sh-y0)*k
	}
	fr := text.Rect{}
	fr.X0, fr.Y0 = at(f[0], f[1])
	fr.X1, fr.Y1 = at(f[2], f[3])
	// only the part of the box that the crop shows
	fr = text.Rect{X0: max(fr.X0, rr.X0), Y0: max(fr.Y0, rr.Y0), X1: min(fr.X1, rr.X1), Y1: min(fr.Y1, rr.Y1)}
	if fr.Empty() {
		return text.Rect{}, nil
	}
	return fr, nil
}

func pixels(rr text.Rect) image.Rectangle {
	return image.Rect(int(math.Round(rr.X0)), int(math.Round(rr.Y0)), int(math.Round(rr.X1)), int(math.Round(rr.Y1)))
}

// picture draws an image slot or panel (when paint) and returns the box it
// covers. Logos go where the layout puts them unless that covers something
// in keep (the photo's focus, a logo already placed): then where the
// unmirrored layout puts them, else the nearest clear spot in safe.
func (r *Renderer) picture(dc *gg.Context, img *image.RGBA, j Job, name string, e *theme.Element, rr, unmirrored text.Rect, short float64, keep []text.Rect, safe text.Rect, paint bool) (text.Rect, error) {
	rect := pixels(rr)
	if rect.Empty() {
		return text.Rect{}, nil
	}
	switch name {
	case "portrait":
		if j.Card.Portrait == "" {
			return text.Rect{}, nil
		}
		d := min(rect.Dx(), rect.Dy())
		cx, cy := float64(rect.Min.X+rect.Dx()/2), float64(rect.Min.Y+rect.Dy()/2)
		if !paint {
			if _, err := r.images.Bounds(j.CampaignFS, "campaign", j.Card.Portrait); err != nil {
				return text.Rect{}, err
			}
			return text.Rect{X0: cx - float64(d)/2, Y0: cy - float64(d)/2, X1: cx + float64(d)/2, Y1: cy + float64(d)/2}, nil
		}
		src, err := r.images.Load(j.CampaignFS, "campaign", j.Card.Portrait)
		if err != nil {
			return text.Rect{}, err
		}
		face := r.images.Cover(src, d, d, 0.5, 0.4)
		dc.Push()
		dc.DrawCircle(cx, cy, float64(d)/2)
		dc.Clip()
		dc.DrawImage(face, int(cx)-d/2, int(cy)-d/2)
		dc.ResetClip()
		dc.Pop()
		return text.Rect{X0: cx - float64(d)/2, Y0: cy - float64(d)/2, X1: cx + float64(d)/2, Y1: cy + float64(d)/2}, nil
	case "logo", "partner":
		src := j.PartnerLogo
		var srcBounds image.Rectangle
		if src != nil {
			srcBounds = src.Bounds()
		}
		if name == "logo" {
			if j.Campaign.Logo == "" {
				return text.Rect{}, nil
			}
			var err error
			if paint {
				if src, err = r.images.Load(j.CampaignFS, "campaign", j.Campaign.Logo); err != nil {
					return text.Rect{}, err
				}
				srcBounds = src.Bounds()
			} else if srcBounds, err = r.images.Bounds(j.CampaignFS, "campaign", j.Campaign.Logo); err != nil {
				return text.Rect{}, err
			}
		} else if src == nil {
			return text.Rect{}, nil
		}
		var fit image.Image
		fb := image.Rectangle{Max: containSize(srcBounds, rect.Dx(), rect.Dy())}
		if paint {
			if name == "partner" {
				fit = contain(src, rect.Dx(), rect.Dy()) // a new logo each time: never cached
			} else {
				fit = r.images.Contain(src, rect.Dx(), rect.Dy())
			}
			fb = fit.Bounds()
		}
		// the logo at the start edge of its slot, the partner at the end edge
		at := func(slot text.Rect, rtl bool) text.Rect {
			x := math.Round(slot.X0)
			if (name == "partner") != rtl {
				x = math.Round(slot.X1) - float64(fb.Dx())
			}
			y := math.Round(slot.Y0) + float64((int(math.Round(slot.H()))-fb.Dy())/2)
			return text.Rect{X0: x, Y0: y, X1: x + float64(fb.Dx()), Y1: y + float64(fb.Dy())}
		}
		rtl := i18n.IsRTL(j.Lang)
		box := spot(at(rr, rtl), at(unmirrored, false), keep, safe, short)
		if paint {
			x, y := int(box.X0), int(box.Y0)
			draw.Draw(img, image.Rect(x, y, x+fb.Dx(), y+fb.Dy()), fit, fb.Min, draw.Over)
		}
		return box, nil
	default: // panels
		if e.Fill == "" {
			return text.Rect{}, nil
		}
		if !paint {
			return rr, nil
		}
		dc.SetColor(j.Theme.ColorOf(e.Fill))
		if e.Radius > 0 {
			dc.DrawRoundedRectangle(rr.X0, rr.Y0, rr.W(), rr.H(), e.Radius*short)
		} else {
			dc.DrawRectangle(rr.X0, rr.Y0, rr.W(), rr.H())
		}
		dc.Fill()
		return rr, nil
	}
}

// spot is where a box goes: want if it covers nothing in keep, else alt,
// else the nearest position inside safe that covers nothing, searched on a
// grid of 1% of the short side, moving sideways before moving down or up
// (a logo stays in its band when it can). When nothing is clear it stays
// at want, and lint reports it.
func spot(want, alt text.Rect, keep []text.Rect, safe text.Rect, short float64) text.Rect {
	free := func(b text.Rect) bool {
		for _, k := range keep {
			if b.Intersects(k) {
				return false
			}
		}
		return true
	}
	if free(want) {
		return want
	}
	if free(alt) && safe.Contains(alt, 0.5) {
		return alt
	}
	step := math.Max(1, math.Round(0.01*short))
	best, cost := want, math.Inf(1)
	for y := safe.Y0; y+want.H() <= safe.Y1; y += step {
		for x := safe.X0; x+want.W() <= safe.X1; x += step {
			b := text.Rect{X0: math.Round(x), Y0: math.Round(y), X1: math.Round(x) + want.W(), Y1: math.Round(y) + want.H()}
			c := math.Abs(b.X0-want.X0) + 3*math.Abs(b.Y0-want.Y0)
			if c < cost && free(b) {
				best, cost = b, c
			}
		}
	}
	return best
}
