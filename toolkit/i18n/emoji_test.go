package i18n

import "testing"

func TestEmojiCharacters(t *testing.T) {
	for _, tc := range []struct {
		r                               rune
		pictograph, regional, tone, tag bool
	}{
		{'a', false, false, false, false},
		{'©', true, false, false, false},
		{'↔', true, false, false, false},
		{'🎉', true, false, false, false},
		{'🇪', true, true, false, false},     // so is a regional indicator
		{0x1F3FD, true, false, true, false}, // a skin tone is in the pictographic blocks too
		{0xE0067, false, false, false, true},
		{0x200D, false, false, false, false},
	} {
		got := [4]bool{Pictograph(tc.r), RegionalIndicator(tc.r), SkinTone(tc.r), EmojiTag(tc.r)}
		if want := [4]bool{tc.pictograph, tc.regional, tc.tone, tc.tag}; got != want {
			t.Errorf("%U: got pictograph, regional, tone, tag %v, want %v", tc.r, got, want)
		}
	}
}
