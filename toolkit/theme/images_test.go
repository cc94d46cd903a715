//go:build unix

package theme_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

// imageTheme is un-blue with an image background, and the background's line.
func imageTheme(t *testing.T) (string, int) {
	t.Helper()
	data, err := fs.ReadFile(assets.Themes, "un-blue.yaml")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^background:.*$`)
	loc := re.FindIndex(data)
	if loc == nil {
		t.Fatal("test setup: no background line in un-blue.yaml")
	}
	src := string(data[:loc[0]]) + "background: {kind: image, image: bg.png}" + string(data[loc[1]:])
	return src, strings.Count(src[:loc[0]], "\n") + 1
}

func TestLoadChecksBackgroundImages(t *testing.T) {
	src, line := imageTheme(t)
	var good bytes.Buffer
	if err := png.Encode(&good, image.NewGray(image.Rect(0, 0, 40, 30))); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		setup func(dir string) error
		msg   string // "" when the theme loads
	}{
		{"sound", func(dir string) error { return os.WriteFile(filepath.Join(dir, "bg.png"), good.Bytes(), 0o644) }, ""},
		{"cut short", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "bg.png"), good.Bytes()[:good.Len()-20], 0o644)
		}, "damaged or cut short"},
		{"named pipe", func(dir string) error { return syscall.Mkfifo(filepath.Join(dir, "bg.png"), 0o644) }, "named pipe"},
		{"link out", func(dir string) error { return os.Symlink("../../outside.png", filepath.Join(dir, "bg.png")) }, "leads outside the folder"},
		{"folder", func(dir string) error { return os.Mkdir(filepath.Join(dir, "bg.png"), 0o755) }, "a folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			top := t.TempDir()
			dir := filepath.Join(top, "campaign", "themes")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(top, "outside.png"), good.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "mine.yaml"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := tc.setup(dir); err != nil {
				t.Fatal(err)
			}
			f, err := toolkit.OpenFolder(filepath.Join(top, "campaign"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			themes, err := fs.Sub(f, "themes")
			if err != nil {
				t.Fatal(err)
			}
			_, err = loadWithin(t, themes, "mine")
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ie *toolkit.InvalidError
			if !errors.As(err, &ie) || len(ie.Problems) != 1 {
				t.Fatalf("got %v, want one problem", err)
			}
			p := ie.Problems[0]
			if p.File != "themes/mine.yaml" || p.Line != line || p.Field != "background.image" || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("got %s, want themes/mine.yaml:%d: background.image: ...%s...", p, line, tc.msg)
			}
		})
	}
}

func TestLoadRefusesAThemeFileThatIsAPipe(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "mine.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := toolkit.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = loadWithin(t, f, "mine")
	if !theme.IsUnreadable(err) || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("got %v, want the theme file refused as a named pipe", err)
	}
}

func loadWithin(t *testing.T, fsys fs.FS, name string) (*theme.Theme, error) {
	t.Helper()
	var th *theme.Theme
	err := toolkittest.Returns(t, 10*time.Second, "theme.Load("+name+")", func() error {
		var err error
		th, err = theme.Load(fsys, name)
		return err
	})
	return th, err
}
