//go:build unix

package campaign

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

// withImages is base with a logo, a portrait and two story cards sharing a
// photo.
var withImages = strings.NewReplacer(
	"theme: un-blue\n", "theme: un-blue\nlogo: logo.png\n",
	"    role: {en: Host, ar: مضيفة}\n", `    role: {en: Host, ar: مضيفة}
    portrait: portrait.png
  - id: story-a
    kind: story
    quote: {en: Hi, ar: مرحبا}
    name: {en: Ana, ar: آنا}
    photo: photos/shared.jpg
  - id: story-b
    kind: story
    quote: {en: Hi, ar: مرحبا}
    name: {en: Ben, ar: بن}
    photo: photos/shared.jpg
`).Replace(base)

// lineOf is the line of src where s first stands.
func lineOf(t *testing.T, src, s string) int {
	t.Helper()
	return lineAt(t, src, s, strings.Index(src, s))
}

// lastLineOf is the line of src where s last stands.
func lastLineOf(t *testing.T, src, s string) int {
	t.Helper()
	return lineAt(t, src, s, strings.LastIndex(src, s))
}

// lineAt is the line of src holding offset i, where s was found.
func lineAt(t *testing.T, src, s string, i int) int {
	t.Helper()
	if i < 0 {
		t.Fatalf("test setup: %q not in the campaign", s)
	}
	return strings.Count(src[:i], "\n") + 1
}

func testImage() image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, 200, 150))
	for y := 0; y < 150; y++ {
		for x := 0; x < 200; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 4), uint8(y * 5), uint8(x ^ y), 255})
		}
	}
	return img
}

func pngBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, testImage()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// badIDAT is a PNG whose header is sound and whose IDAT chunk carries
// damaged compressed data under a correct checksum, so that only decoding
// the pixels finds it.
func badIDAT(t *testing.T) []byte {
	data := pngBytes(t)
	i := bytes.Index(data, []byte("IDAT"))
	if i < 4 {
		t.Fatal("test setup: no IDAT chunk")
	}
	n := int(binary.BigEndian.Uint32(data[i-4:]))
	chunk := data[i+4 : i+4+n]
	for k := 2; k < len(chunk); k += 3 { // keep the zlib header
		chunk[k] ^= 0x5a
	}
	binary.BigEndian.PutUint32(data[i+4+n:], crc32.ChecksumIEEE(data[i:i+4+n]))
	return data
}

// countingFS counts the opens of each name.
type countingFS struct {
	fs.FS
	mu    sync.Mutex
	opens map[string]int
}

// Stat looks without opening.
func (c *countingFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(c.FS, name) }

func (c *countingFS) Open(name string) (fs.File, error) {
	c.mu.Lock()
	c.opens[name]++
	c.mu.Unlock()
	return c.FS.Open(name)
}

// loadDir writes the campaign and its files into a folder, with setup
// adding anything special, and loads it through a toolkit.Folder. A load
// that does not return within 10s fails the test.
func loadDir(t *testing.T, src string, files map[string][]byte, setup func(dir string) error) (*Campaign, []toolkit.Problem, *countingFS) {
	t.Helper()
	top := t.TempDir()
	dir := filepath.Join(top, "c")
	if err := os.MkdirAll(filepath.Join(dir, "photos"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(top, "outside.png"), pngBytes(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if files != nil {
		files["campaign.yaml"] = []byte(src)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if setup != nil {
		if err := setup(dir); err != nil {
			t.Fatal(err)
		}
	}
	f, err := toolkit.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	cfs := &countingFS{FS: f, opens: map[string]int{}}
	var r struct {
		c   *Campaign
		err error
	}
	r.err = toolkittest.Returns(t, 10*time.Second, "Load", func() error {
		var err error
		r.c, err = Load(cfs, "campaign.yaml")
		return err
	})
	if r.err == nil {
		return r.c, nil, cfs
	}
	var ie *toolkit.InvalidError
	if !errors.As(r.err, &ie) {
		t.Fatalf("want an *InvalidError, got %T: %v", r.err, r.err)
	}
	return r.c, ie.Problems, cfs
}

func sound(t *testing.T) map[string][]byte {
	return map[string][]byte{"logo.png": pngBytes(t), "portrait.png": pngBytes(t), "photos/shared.jpg": jpegBytes(t)}
}

func TestLoadImagesSound(t *testing.T) {
	_, ps, cfs := loadDir(t, withImages, sound(t), nil)
	if ps != nil {
		t.Fatalf("sound images refused:\n%s", list(ps))
	}
	if got := cfs.opens["photos/shared.jpg"]; got != 1 {
		t.Errorf("the photo two cards share was opened %d times, want once", got)
	}
}

// TestLoadFindsDamagedImages: images with a sound header and damaged data
// are found when the campaign is loaded, each at the line naming it, along
// with every other problem in the file.
func TestLoadFindsDamagedImages(t *testing.T) {
	files := sound(t)
	jpg := files["photos/shared.jpg"]
	files["photos/shared.jpg"] = jpg[:len(jpg)*2/3]
	files["logo.png"] = badIDAT(t)
	src := strings.Replace(withImages, "Europe/London", "Europe/Lundon", 1)
	_, ps, _ := loadDir(t, src, files, nil)
	want := []struct {
		line       int
		field, msg string
	}{
		{lineOf(t, src, "logo: logo.png"), "logo", `image "logo.png": the png data is damaged or cut short`},
		{lineOf(t, src, "timezone:"), "timezone", "unknown time zone"},
		{lineOf(t, src, "photo: photos/shared.jpg"), "cards[1].photo", `card "story-a": image "photos/shared.jpg": the jpeg data is damaged or cut short`},
		{lastLineOf(t, src, "photo: photos/shared.jpg"), "cards[2].photo", `card "story-b": image "photos/shared.jpg": the jpeg data is damaged or cut short`},
	}
	for _, w := range want {
		found := false
		for _, p := range ps {
			if p.Field == w.field && strings.Contains(p.Msg, w.msg) {
				found = true
				if p.Line != w.line {
					t.Errorf("%s: line %d, want %d", w.field, p.Line, w.line)
				}
			}
		}
		if !found {
			t.Errorf("no problem at %s saying %q; got:\n%s", w.field, w.msg, list(ps))
		}
	}
}

// TestLoadRefusesWhatIsNotAnImageFile names, as the logo, things that are
// not a regular file inside the campaign folder. Each is a problem at the
// logo's line; none hangs (a named pipe with no writer would block a
// plain open forever).
func TestLoadRefusesWhatIsNotAnImageFile(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(dir string) error
		msg   string // "" when the logo is fine
	}{
		{"named pipe", func(dir string) error { return syscall.Mkfifo(filepath.Join(dir, "logo.png"), 0o644) }, "named pipe"},
		{"device", func(dir string) error { return os.Symlink("/dev/zero", filepath.Join(dir, "logo.png")) }, "leads outside the folder"},
		{"folder", func(dir string) error { return os.Mkdir(filepath.Join(dir, "logo.png"), 0o755) }, "a folder"},
		{"link out", func(dir string) error { return os.Symlink("../outside.png", filepath.Join(dir, "logo.png")) }, "leads outside the folder"},
		{"link in", func(dir string) error { return os.Symlink("portrait.png", filepath.Join(dir, "logo.png")) }, ""},
		{"huge", func(dir string) error {
			f, err := os.Create(filepath.Join(dir, "logo.png"))
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Truncate(toolkit.MaxImageBytes + 1)
		}, "more than the 52428800 (50 MiB) allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := sound(t)
			delete(files, "logo.png")
			_, ps, _ := loadDir(t, withImages, files, tc.setup)
			if tc.msg == "" {
				if ps != nil {
					t.Fatalf("refused:\n%s", list(ps))
				}
				return
			}
			if len(ps) != 1 {
				t.Fatalf("got %d problems, want 1:\n%s", len(ps), list(ps))
			}
			p := ps[0]
			if p.File != "campaign.yaml" || p.Line != lineOf(t, withImages, "logo: logo.png") || p.Field != "logo" || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("got %s, want campaign.yaml:%d: logo: ...%s...", p, lineOf(t, withImages, "logo:"), tc.msg)
			}
		})
	}
}

func TestLoadRefusesACampaignFileThatIsAPipe(t *testing.T) {
	_, ps, _ := loadDir(t, "", nil, func(dir string) error { return syscall.Mkfifo(filepath.Join(dir, "campaign.yaml"), 0o644) })
	if len(ps) != 1 || ps[0].File != "campaign.yaml" || !strings.Contains(ps[0].Msg, "named pipe") {
		t.Errorf("got %s, want one problem: campaign.yaml is a named pipe", list(ps))
	}
}

// TestDamagedImagesLeaveACampaignToLint: when only images are wrong the
// campaign comes back with the problems, and DropImages clears exactly
// the images named in them.
func TestDamagedImagesLeaveACampaignToLint(t *testing.T) {
	files := sound(t)
	files["portrait.png"] = badIDAT(t)
	files["logo.png"] = []byte("not an image")
	c, ps, _ := loadDir(t, withImages, files, nil)
	if c == nil || len(ps) != 2 {
		t.Fatalf("got campaign %v and problems:\n%s\nwant the campaign and 2 problems", c != nil, list(ps))
	}
	c.DropImages(ps)
	if c.Logo != "" || c.Cards[0].Portrait != "" || c.Cards[1].Photo != "photos/shared.jpg" {
		t.Errorf("after DropImages: logo %q, portrait %q, photo %q; want only the bad two cleared", c.Logo, c.Cards[0].Portrait, c.Cards[1].Photo)
	}
}

// TestLoadWithDecodesOnlyTheCardsAsked: with LoadOptions.Decode, the logo
// and the pictures of the cards it names are decoded in full; the others
// only have their headers checked, so damage behind a sound header is
// found for the cards drawn and left to lint for the rest, while a broken
// header is found for every card.
func TestLoadWithDecodesOnlyTheCardsAsked(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "photos"), 0o755); err != nil {
		t.Fatal(err)
	}
	jpg := jpegBytes(t)
	files := map[string][]byte{
		"campaign.yaml":     []byte(withImages),
		"logo.png":          badIDAT(t),
		"portrait.png":      []byte("not an image at all"),
		"photos/shared.jpg": jpg[:len(jpg)*2/3],
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		decode []string
		want   []string // fields with a problem, sorted
	}{
		{nil, []string{"cards[0].portrait", "cards[1].photo", "cards[2].photo", "logo"}},
		{[]string{"story-b"}, []string{"cards[0].portrait", "cards[2].photo", "logo"}},
		{[]string{"q"}, []string{"cards[0].portrait", "logo"}},
	} {
		var o LoadOptions
		if tc.decode != nil {
			o.Decode = func(id string) bool { return slices.Contains(tc.decode, id) }
		}
		_, err := LoadWith(os.DirFS(dir), "campaign.yaml", o)
		var ie *toolkit.InvalidError
		if !errors.As(err, &ie) {
			t.Fatalf("decode %v: want an *InvalidError, got %v", tc.decode, err)
		}
		var got []string
		for _, p := range ie.Problems {
			got = append(got, p.Field)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("decode %v: problems at %v, want %v\n%v", tc.decode, got, tc.want, err)
		}
	}
}

// TestLoadWithSkipsDecodedPictures: a picture whose bytes LoadOptions.Decoded
// knows is checked as far as its header, so damage behind a sound header
// goes unseen (the bytes are the ones a build decoded, so there is none);
// the same damage under another hash is found, and a broken header always is.
func TestLoadWithSkipsDecodedPictures(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "photos"), 0o755); err != nil {
		t.Fatal(err)
	}
	jpg := jpegBytes(t)
	logo := badIDAT(t)
	files := map[string][]byte{
		"campaign.yaml":     []byte(withImages),
		"logo.png":          logo,
		"portrait.png":      []byte("not an image at all"),
		"photos/shared.jpg": jpg[:len(jpg)*2/3],
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	known := map[string]bool{sum(logo): true, sum(files["portrait.png"]): true}
	_, err := LoadWith(os.DirFS(dir), "campaign.yaml", LoadOptions{Decoded: func(s string) bool { return known[s] }})
	var ie *toolkit.InvalidError
	if !errors.As(err, &ie) {
		t.Fatalf("want an *InvalidError, got %v", err)
	}
	var got []string
	for _, p := range ie.Problems {
		got = append(got, p.Field)
	}
	slices.Sort(got)
	if want := []string{"cards[0].portrait", "cards[1].photo", "cards[2].photo"}; !slices.Equal(got, want) {
		t.Errorf("problems at %v, want %v\n%v", got, want, err)
	}
}

// TestLoadWithHandsOverPictures: LoadOptions.Pictures gets each picture
// Load decoded whole, by its path, once however many cards name it; a
// picture only checked as far as its header is not handed over.
func TestLoadWithHandsOverPictures(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "photos"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"campaign.yaml": []byte(withImages), "logo.png": pngBytes(t), "portrait.png": pngBytes(t), "photos/shared.jpg": jpegBytes(t),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]int{}
	_, err := LoadWith(os.DirFS(dir), "campaign.yaml", LoadOptions{
		Decode: func(id string) bool { return id == "story-a" || id == "story-b" },
		Pictures: func(file string, img image.Image) {
			if img == nil || img.Bounds().Dx() != 200 {
				t.Errorf("%s: handed over %v", file, img)
			}
			got[file]++
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"logo.png": 1, "photos/shared.jpg": 1}; !maps.Equal(got, want) {
		t.Errorf("pictures handed over %v, want %v (the portrait's card is not decoded)", got, want)
	}
}
