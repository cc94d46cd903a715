package text

import "testing"

// A glyph that overhangs its advance (Noto Sans's J hooks left of its
// origin) must not poke out of a start- or end-aligned region.
func TestFitOverhangStaysInside(t *testing.T) {
	lib, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	s := lib.NewShaper()
	box := Rect{X0: 10, Y0: 0, X1: 903, Y1: 76}
	for _, a := range []Align{Start, End} {
		for _, str := range []string{"Journée internationale des migrants", "Jeu J", "fjord f"} {
			b, err := s.Fit(Spec{Text: str, Lang: "fr", Weight: Regular, MinSize: 18, MaxSize: 26, MaxLines: 1, Align: a}, box)
			if err != nil {
				t.Errorf("align %v, %q: %v", a, str, err)
				continue
			}
			if !box.Contains(b.Ink, 0.01) {
				t.Errorf("align %v, %q: ink %+v outside %+v", a, str, b.Ink, box)
			}
			if a == Start && b.Ink.X0-box.X0 > 3 {
				t.Errorf("align start, %q: ink starts %.1f px in, want it at the edge", str, b.Ink.X0-box.X0)
			}
		}
	}
}
