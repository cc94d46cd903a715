package theme_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// brandFont is an embeddable TrueType font (DejaVu Sans Mono, licence in
// testdata/fonts/LICENSE).
func brandFont(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "fonts", "DejaVuSansMono.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// restricted returns a copy of font with the OS/2 fsType set to
// Restricted License embedding.
func restricted(t testing.TB, font []byte) []byte {
	t.Helper()
	out := append([]byte(nil), font...)
	n := int(binary.BigEndian.Uint16(out[4:6]))
	for i := 0; i < n; i++ {
		rec := out[12+16*i:]
		if string(rec[:4]) == "OS/2" {
			off := binary.BigEndian.Uint32(rec[8:12])
			binary.BigEndian.PutUint16(out[off+8:], 0x0002)
			return out
		}
	}
	t.Fatal("no OS/2 table")
	return nil
}

func loadKit(t *testing.T, src string, campaign fstest.MapFS) (*theme.Theme, []toolkit.Problem) {
	t.Helper()
	th, err := theme.LoadCampaignTheme(fstest.MapFS{"brand.yaml": {Data: []byte(src)}}, "brand", theme.Sources{Base: builtin, Campaign: campaign})
	return problems(t, th, err)
}

func TestKitFontFile(t *testing.T) {
	cfs := fstest.MapFS{"fonts/Brand-Bold.ttf": {Data: brandFont(t)}}
	th, ps := loadKit(t, "name: brand\nextends: un-blue\nfonts:\n  headline: {file: fonts/Brand-Bold.ttf}\n  body: {file: fonts/Brand-Bold.ttf, weight: bold}\n", cfs)
	if ps != nil {
		t.Fatal(ps)
	}
	f := th.Font("headline")
	if f == nil || f.Name != "fonts/Brand-Bold.ttf" || !f.Has('Q') || f.Has('移') {
		t.Fatalf("headline font: got %+v", f)
	}
	if th.Font("accent") != nil {
		t.Error("accent names no file, but has a font")
	}
	base, _ := builtin("un-blue")
	if got, want := th.Fonts["headline"].Weight, base.Fonts["headline"].Weight; got != want {
		t.Errorf("headline fallback weight %q, want the base's %q", got, want)
	}
	if th.Fonts["body"].Weight != "bold" {
		t.Errorf("body weight %q, want bold", th.Fonts["body"].Weight)
	}
	if h := th.FontHashes(); len(h) != 2 || h["headline"] != f.SHA256 || len(f.SHA256) != 64 {
		t.Errorf("font hashes %v", h)
	}
	// the fingerprint has the file's name; a theme naming none keeps its old one
	if th.Fingerprint() == base.Fingerprint() {
		t.Error("a font file leaves the fingerprint")
	}
}

func TestKitFontProblems(t *testing.T) {
	font := brandFont(t)
	cfs := fstest.MapFS{
		"fonts/ok.ttf":         {Data: font},
		"fonts/restricted.ttf": {Data: restricted(t, font)},
		"fonts/notes.ttf":      {Data: []byte("not a font")},
		"fonts/brand.woff2":    {Data: font},
	}
	for _, tc := range []struct{ name, role, want string }{
		{"restricted", "{file: fonts/restricted.ttf}", "brand.yaml:4: fonts.headline: fonts/restricted.ttf: its licence forbids embedding it (OS/2 fsType 0x0002 has the Restricted License bit)"},
		{"missing", "{file: fonts/gone.ttf}", `brand.yaml:4: fonts.headline: cannot read the font fonts/gone.ttf: file does not exist`},
		{"not a font", "{file: fonts/notes.ttf}", "brand.yaml:4: fonts.headline: fonts/notes.ttf is not a TrueType or OpenType font"},
		{"extension", "{file: fonts/brand.woff2}", "fonts/brand.woff2: want a TrueType (.ttf) or OpenType (.otf) font file"},
		{"outside", "{file: ../fonts/ok.ttf}", "name the file from the campaign's folder"},
		{"no file", "{weight: bold}", "file is missing"},
		{"unknown key", "{file: fonts/ok.ttf, size: 12}", `unknown key "size" (known keys: file, weight)`},
		{"bad weight", "{file: fonts/ok.ttf, weight: heavy}", `unknown font weight "heavy"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ps := loadKit(t, "name: brand\nextends: un-blue\nfonts:\n  headline: "+tc.role+"\n", cfs)
			var all []string
			for _, p := range ps {
				all = append(all, p.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Errorf("got %q, want %q", all, tc.want)
			}
		})
	}
	// a built-in theme (no campaign folder) names no files
	_, err := theme.LoadExtending(fstest.MapFS{"brand.yaml": {Data: []byte("name: brand\nextends: un-blue\nfonts: {headline: {file: fonts/ok.ttf}}\n")}}, "brand", builtin)
	if err == nil || !strings.Contains(err.Error(), "font files are for a campaign's own themes") {
		t.Errorf("got %v", err)
	}
}

// A font is read through the campaign's folder: a symbolic link out of it
// is refused.
func TestKitFontStaysInFolder(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "Brand.ttf"), brandFont(t), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(outside, "Brand.ttf"), filepath.Join(dir, "Brand.ttf")); err != nil {
		t.Skip(err)
	}
	folder, err := toolkit.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer folder.Close()
	_, err = theme.LoadCampaignTheme(fstest.MapFS{"brand.yaml": {Data: []byte("name: brand\nextends: un-blue\nfonts: {headline: {file: Brand.ttf}}\n")}}, "brand", theme.Sources{Base: builtin, Campaign: folder})
	if err == nil || !strings.Contains(err.Error(), "leads outside the folder") {
		t.Errorf("got %v, want the link refused", err)
	}
}
