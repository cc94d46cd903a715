package i18n

// The characters emoji sequences are made of, for the caption counter
// (what a platform counts as one emoji) and the text shaper (what is drawn
// with the emoji font): the two must agree on where an emoji is, or a card
// could draw as an emoji what its caption counted as text.

// Pictograph reports whether r may start an emoji sequence: the blocks of
// Extended_Pictographic, approximately.
func Pictograph(r rune) bool {
	switch {
	case r == 0xA9, r == 0xAE, r == 0x203C, r == 0x2049, r == 0x2122, r == 0x2139,
		r >= 0x2194 && r <= 0x21AA, r >= 0x231A && r <= 0x23FF, r == 0x24C2,
		r >= 0x25AA && r <= 0x25FE, r >= 0x2600 && r <= 0x27BF, r >= 0x2934 && r <= 0x2935,
		r >= 0x2B05 && r <= 0x2B55, r == 0x3030, r == 0x303D, r == 0x3297, r == 0x3299,
		r >= 0x1F000 && r <= 0x1FAFF, r >= 0x1FC00 && r <= 0x1FFFD:
		return true
	}
	return false
}

// RegionalIndicator reports whether r is one of the letters two of which
// make a flag.
func RegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// SkinTone reports whether r is an emoji modifier (Fitzpatrick skin tone).
func SkinTone(r rune) bool { return r >= 0x1F3FB && r <= 0x1F3FF }

// EmojiTag reports whether r is a tag character, as in subdivision flags.
func EmojiTag(r rune) bool { return r >= 0xE0020 && r <= 0xE007F }
