package threads

import (
	"unicode"
	"unicode/utf8"
)

// Count returns the length of text as Threads counts it against its 500:
// characters, except that an emoji counts as many as its UTF-8 bytes (the
// Posts reference: "Emojis are counted as the number of UTF-8 bytes"), so
// 😀 counts 4 and a family emoji joined by ZWJ far more. Emoji here are
// the pictographic symbols, their modifiers, variation selectors and
// joiners; other characters count 1.
func Count(text string) int {
	n := 0
	for _, r := range text {
		if isEmojiPart(r) {
			n += utf8.RuneLen(r)
		} else {
			n++
		}
	}
	return n
}

func isEmojiPart(r rune) bool {
	switch {
	case r == 0x200D, r == 0xFE0F, r == 0x20E3: // ZWJ, VS16, keycap
		return true
	case r >= 0x1F000 && r <= 0x1FAFF: // pictographs, emoticons, flags, modifiers
		return true
	case r >= 0x2600 && r <= 0x27BF: // miscellaneous symbols, dingbats
		return true
	case r >= 0xE0020 && r <= 0xE007F: // tag sequences (subdivision flags)
		return true
	}
	// ⌚ ⏰ ⭐ ⬛ and their neighbours
	return (r >= 0x2300 && r <= 0x23FF || r >= 0x2B00 && r <= 0x2BFF) && unicode.Is(unicode.So, r)
}
