package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestTranslationsRoundTrip exports the French of a copy of the demo in
// each format, imports it unchanged (the campaign file stays byte for
// byte), then imports an edit and a broken file.
func TestTranslationsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../assets/demo")); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "campaign.yaml")
	before, _ := os.ReadFile(file)
	for _, format := range []string{"xliff", "po", "csv"} {
		out := filepath.Join(dir, "fr."+format)
		if code, _, errs := runCLI(t, "translations", "export", "--campaign", file, "--lang", "fr", "--format", format, "-o", out); code != 0 {
			t.Fatalf("export %s: exit %d: %s", format, code, errs)
		}
		code, stdout, errs := runCLI(t, "translations", "import", "--campaign", file, out)
		if code != 0 || !strings.Contains(stdout, "merged 0 translations") {
			t.Fatalf("import %s: exit %d: %s%s", format, code, stdout, errs)
		}
		if after, _ := os.ReadFile(file); !bytes.Equal(after, before) {
			t.Fatalf("import %s of an unedited export changed the campaign file", format)
		}
	}
	po, _ := os.ReadFile(filepath.Join(dir, "fr.po"))
	edited := strings.Replace(string(po), `msgstr "Ensemble, en communauté"`, `msgstr "Tous ensemble"`, 1)
	os.WriteFile(filepath.Join(dir, "fr.po"), []byte(edited), 0o644)
	if code, stdout, errs := runCLI(t, "translations", "import", "--campaign", file, filepath.Join(dir, "fr.po")); code != 0 || !strings.Contains(stdout, "merged 1 translation ") {
		t.Fatalf("import of an edit: exit %d: %s%s", code, stdout, errs)
	}
	after, _ := os.ReadFile(file)
	if want := strings.Replace(string(before), "fr: Ensemble, en communauté\n", "fr: \"Tous ensemble\"\n", 1); string(after) != want {
		t.Errorf("the edit did not replace just the one value")
	}
	// a lost {n} is refused at its line in the import file; nothing is written
	broken := strings.Replace(edited, `msgstr "Plus que {n} jours avant la Journée internationale des migrants"`, `msgstr "Plus que quelques jours"`, 1)
	os.WriteFile(filepath.Join(dir, "fr.po"), []byte(broken), 0o644)
	line := 1 + strings.Count(broken[:strings.Index(broken, `msgstr "Plus que quelques jours"`)], "\n")
	code, _, errs := runCLI(t, "translations", "import", "--campaign", file, filepath.Join(dir, "fr.po"))
	if want := filepath.Join(dir, "fr.po") + ":" + itoa(line) + ": cards.countdown.phrase.other"; code != 2 || !strings.Contains(errs, want) {
		t.Errorf("import of a lost {n}: exit %d, %s; want 2 and %q", code, errs, want)
	}
	if now, _ := os.ReadFile(file); !bytes.Equal(now, after) {
		t.Error("a refused import changed the campaign file")
	}
	if code, _, errs := runCLI(t, "translations", "import", filepath.Join(dir, "fr.po")); code != 2 || !strings.Contains(errs, "--campaign") {
		t.Errorf("import into the embedded demo: exit %d, %s; want 2", code, errs)
	}
	if code, _, errs := runCLI(t, "translations", "export", "--lang", "de"); code != 2 || !strings.Contains(errs, "not one of the campaign's languages") {
		t.Errorf("export of a language the demo lacks: exit %d, %s; want 2", code, errs)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
