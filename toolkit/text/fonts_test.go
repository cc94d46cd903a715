package text

import "testing"

// TestEmbeddedFontsParse: every embedded face parses, though the library
// parses the non-Latin ones only when a text needs them.
func TestEmbeddedFontsParse(t *testing.T) {
	lib, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for fam := range famCount {
		for _, w := range []Weight{Regular, Bold, Italic} {
			if _, err := lib.font(fam, w); err != nil {
				t.Errorf("family %d, %s: %v", fam, w, err)
			}
		}
	}
}
