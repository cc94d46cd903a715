package text

import "testing"

// TestFontsFingerprint: the constant cache keys use is the hash of the
// embedded fonts as they are.
func TestFontsFingerprint(t *testing.T) {
	if got := hashFonts(); got != FontsFingerprint() {
		t.Fatalf("the embedded fonts changed: set fontsHash in fingerprint.go to %q (and bump render.Version if cards look different)", got)
	}
}
