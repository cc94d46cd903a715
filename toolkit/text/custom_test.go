package text

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/fonts"
)

func dejaVu(t *testing.T) *Font {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "theme", "testdata", "fonts", "DejaVuSansMono.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFont("fonts/Brand.ttf", data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Uncovered names what a brand font lacks in the scripts it draws, and
// nothing for scripts it has none of, nor for emoji.
func TestUncovered(t *testing.T) {
	s := shaper(t)
	f := dejaVu(t)
	for _, tc := range []struct {
		text, lang string
		want       []rune
	}{
		{"Welcome, Ǻsa 🌍🤝", "en", []rune{'Ǻ'}},
		{"Ǥunnar and Ǥunnar", "en", []rune{'Ǥ'}},
		{"欢迎你，邻居 🤝", "zh", nil},
		{"Hello 你好", "en", nil},
		{"2026", "en", nil},
	} {
		got, _ := s.Uncovered(Spec{Text: tc.text, Lang: tc.lang, Font: f})
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.text, got, tc.want)
		}
	}
	// drawn with the brand font first: the Latin glyphs come from it, the
	// Chinese and the emoji from the embedded fonts
	b, err := s.Fit(Spec{Text: "Hi 你好 🌍", Lang: "en", MinSize: 40, MaxSize: 40, Font: f}, Rect{X1: 1000, Y1: 200})
	if err != nil {
		t.Fatal(err)
	}
	runes := []rune(b.Spec.Text)
	for _, g := range b.Glyphs() {
		r := runes[g.Index]
		if r == ' ' {
			continue
		}
		if brand, want := g.Face.Font == f.font, r < 0x80; brand != want {
			t.Errorf("%q drawn with the brand font: %v, want %v", r, brand, want)
		}
	}
}

func TestParseFontRefusesCollections(t *testing.T) {
	data, err := fonts.FS.ReadFile("NotoSansCJK-Regular.ttc")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseFont("cjk.ttc", data); err == nil || !strings.Contains(err.Error(), "collection") {
		t.Errorf("got %v, want a collection refused", err)
	}
}
