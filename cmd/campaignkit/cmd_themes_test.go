package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestThemesShow(t *testing.T) {
	code, out, errs := runCLI(t, "themes", "show", "un-blue")
	want, _ := os.ReadFile("../../assets/themes/un-blue.yaml")
	if code != 0 || out != string(want) {
		t.Errorf("themes show un-blue: exit %d, %s; want the theme file as it is", code, errs)
	}
	if code, _, errs := runCLI(t, "themes", "show", "un-red"); code != 2 || !strings.Contains(errs, "un-blue") {
		t.Errorf("themes show un-red: exit %d, %s; want 2 listing the themes", code, errs)
	}
}

// TestThemesBrandKit gives a new campaign a brand kit that extends
// un-blue: it lints and builds; a colour that fails AA is refused with the
// nearest one that passes; a logo the colour of the background is a
// warning.
func TestThemesBrandKit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	if code, _, errs := runCLI(t, "init", dir, "--name", "Brand Day", "--day", "2027-03-01"); code != 0 {
		t.Fatalf("init: %d %s", code, errs)
	}
	file := filepath.Join(dir, "campaign.yaml")
	data, _ := os.ReadFile(file)
	os.WriteFile(file, bytes.Replace(data, []byte("theme: un-blue"), []byte("theme: brand"), 1), 0o644)
	os.MkdirAll(filepath.Join(dir, "themes"), 0o755)
	kit := "name: brand\nextends: un-blue\npalette:\n  accent: \"#FFCA53\"\nlogo: {region: [0.66, 0, 0.34, 0.1]}\n"
	os.WriteFile(filepath.Join(dir, "themes", "brand.yaml"), []byte(kit), 0o644)
	if code, out, errs := runCLI(t, "lint", "--campaign", file); code != 0 {
		t.Fatalf("lint with the brand kit: exit %d: %s%s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "build", "-q", "--campaign", file, "-o", filepath.Join(t.TempDir(), "dist"), "--preset", "og"); code != 0 {
		t.Fatalf("build with the brand kit: exit %d: %s", code, errs)
	}

	os.WriteFile(filepath.Join(dir, "themes", "brand.yaml"), []byte(strings.Replace(kit, "palette:\n", "palette:\n  muted: \"#4A6BA5\"\n", 1)), 0o644)
	code, _, errs := runCLI(t, "lint", "--campaign", file)
	if code != 2 || !strings.Contains(errs, "brand.yaml:4: palette.muted: text colour muted") || !strings.Contains(errs, "the nearest colour of the same hue that passes is #") {
		t.Errorf("lint of a failing colour: exit %d:\n%s", code, errs)
	}

	os.WriteFile(filepath.Join(dir, "themes", "brand.yaml"), []byte(kit), 0o644)
	img := image.NewNRGBA(image.Rect(0, 0, 300, 100))
	for y := 30; y < 70; y++ {
		for x := 20; x < 280; x++ {
			img.SetNRGBA(x, y, color.NRGBA{0x0B, 0x3D, 0x91, 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	os.WriteFile(filepath.Join(dir, "logo.png"), b.Bytes(), 0o644)
	code, out, errs := runCLI(t, "lint", "--campaign", file)
	if code != 0 || !strings.Contains(out, "warning: "+file+":") || !strings.Contains(out, "logo: logo.png is nearly invisible in theme brand's logo slot") {
		t.Errorf("lint of a navy logo on UN blue: exit %d:\n%s%s", code, out, errs)
	}
}
