package campaign

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"path"

	"github.com/campaignkit/campaignkit/toolkit"
)

// checkImage checks an image the campaign names at field (the logo, a
// card's photo or portrait). Its path must stay inside the campaign's
// folder; the file must be a regular file there, symbolic links resolved,
// of at most toolkit.MaxImageBytes; and it must decode completely, so that
// a cut-short JPEG or a PNG with damaged data is reported now, at its line,
// rather than while cards are drawn. Each file is decoded once however many
// cards use it, and its pixels are let go at once: this only verifies.
// The images of cards LoadOptions.Decode leaves out are checked as far as
// their headers.
func (c *Campaign) checkImage(ps *toolkit.Problems, field, name string, fsys fs.FS, dir string) {
	line := c.Pos.Line(field)
	if !toolkit.LocalPath(name) || !fs.ValidPath(path.Join(dir, name)) {
		ps.Add(line, field, "image path %q must be relative to the campaign file and stay inside its folder", name)
		return
	}
	if fsys == nil {
		return
	}
	file := path.Join(dir, name)
	card := ""
	var i int
	if _, err := fmt.Sscanf(field, "cards[%d]", &i); err == nil && i < len(c.Cards) {
		card = c.Cards[i].ID
	}
	deep := c.load.Decode == nil || field == "logo" || c.load.Decode(card)
	key := file
	if !deep {
		key = "header:" + file
	}
	msg, done := c.imageChecks[key]
	if !done {
		msg = verifyImage(fsys, file, name, deep, c.load)
		if c.imageChecks == nil {
			c.imageChecks = map[string]string{}
		}
		c.imageChecks[key] = msg
	}
	if msg == "" {
		return
	}
	if card != "" {
		msg = fmt.Sprintf("card %q: %s", card, msg)
	}
	ps.Add(line, field, "%s", msg)
}

// verifyImage reads file, named name in the campaign, decodes it (and
// hands it to o.Pictures) unless deep is false or o.Decoded knows these
// very bytes (then it checks the header only), and says what is wrong with
// it, "" when nothing is.
func verifyImage(fsys fs.FS, file, name string, deep bool, o LoadOptions) string {
	data, err := toolkit.ReadFile(fsys, file, toolkit.MaxImageBytes)
	if err != nil {
		return fmt.Sprintf("cannot read image %q: %s", name, toolkit.Reason(err))
	}
	if deep && o.Decoded != nil {
		sum := sha256.Sum256(data)
		deep = !o.Decoded(hex.EncodeToString(sum[:]))
	}
	lim := toolkit.ImageLimits{MaxBytes: toolkit.MaxImageBytes}
	if deep {
		var img image.Image
		if img, _, err = toolkit.DecodeImage(data, lim); err == nil && o.Pictures != nil {
			o.Pictures(file, img)
		}
	} else {
		_, _, err = toolkit.CheckImage(data, lim)
	}
	if err != nil {
		return fmt.Sprintf("image %q: %v", name, err)
	}
	return ""
}

// unusable reports whether err says a file the user named is something
// that can never be read as one (not a regular file, outside the folder,
// too big): invalid input, not a failure to retry.
func unusable(err error) bool {
	return errors.Is(err, toolkit.ErrNotRegular) || errors.Is(err, toolkit.ErrOutside) || errors.Is(err, toolkit.ErrTooBig)
}

// imageField reports whether field names an image file of the campaign.
func imageField(field string) bool {
	if field == "logo" {
		return true
	}
	var i int
	var rest string
	if _, err := fmt.Sscanf(field, "cards[%d].%s", &i, &rest); err != nil {
		return false
	}
	return rest == "photo" || rest == "portrait"
}

// DropImages clears the image fields that problems name (the logo, a
// card's photo or portrait), so that a campaign returned with problems in
// its images can still have its cards laid out and checked, drawn without
// those images. Only lint does that; nothing is built from such a campaign.
func (c *Campaign) DropImages(problems []toolkit.Problem) {
	for _, p := range problems {
		if !imageField(p.Field) {
			continue
		}
		if p.Field == "logo" {
			c.Logo = ""
			continue
		}
		var i int
		var rest string
		fmt.Sscanf(p.Field, "cards[%d].%s", &i, &rest)
		if i < 0 || i >= len(c.Cards) {
			continue
		}
		switch rest {
		case "photo":
			c.Cards[i].Photo = ""
		case "portrait":
			c.Cards[i].Portrait = ""
		}
	}
}
