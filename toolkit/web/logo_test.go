package web

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// procStatus reads a figure in kB from /proc/self/status, in bytes.
func procStatus(t *testing.T, field string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("memory test skipped: %v (it needs Linux's /proc)", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("/proc/self/status %s: %v", field, err)
			}
			return kb << 10
		}
	}
	t.Skipf("memory test skipped: /proc/self/status has no %s", field)
	return 0
}

// big16BitPNG is a 4000x4000 16-bit RGBA PNG, a gradient that compresses
// well under the 2 MB upload limit but decodes to 128 MB.
func big16BitPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA64(image.Rect(0, 0, maxLogoSide, maxLogoSide))
	for y := range maxLogoSide {
		for x := range maxLogoSide {
			p := img.Pix[img.PixOffset(x, y):][:8]
			v := uint16(x * 16)
			p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7] = byte(v>>8), byte(v), 0, byte(y), 0xff, 0xff, 0xff, 0xff
		}
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if b.Len() > maxLogoBytes {
		t.Fatalf("the test logo is %d bytes, over the upload limit", b.Len())
	}
	return b.Bytes()
}

// TestUploadMemory has 20 partners upload a 4000x4000 16-bit PNG at once.
// Each would decode to 128 MB (2.5 GB together) if the request goroutines
// decoded them; decoded in the pool within the decode budget and scaled to
// the partner slot at once, the process's peak memory grows by far less
// than 1 GiB. The peak is the kernel's VmHWM, reset before the uploads.
func TestUploadMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("memory test: skipped with -short")
	}
	ts := newTestServer(t, func(o *Options) { o.RateBurst = 100; o.Workers = 2; o.QueueWait = time.Minute })
	file := big16BitPNG(t)
	bodies := make([][]byte, 20)
	ctypes := make([]string, 20)
	for i := range bodies {
		bodies[i], ctypes[i] = multipartBody(t, file, fmt.Sprintf("Partner %d", i))
	}
	runtime.GC()
	debug.FreeOSMemory()
	before := procStatus(t, "VmRSS")
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Logf("could not reset the peak (%v): the growth reported includes the test logo's making", err)
	}
	start := time.Now()
	statuses := make([]int, len(bodies))
	var wg sync.WaitGroup
	for i, body := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := mustRequest(t, "POST", ts.url+"/cobrand", string(body), "Content-Type", ctypes[i])
			res := ts.do(t, req)
			statuses[i] = res.status
			if res.status != 303 {
				t.Logf("upload %d: %s", i, res.body)
			}
		}()
	}
	wg.Wait()
	peak := procStatus(t, "VmHWM")
	growth := peak - before
	t.Logf("20 uploads of a 4000x4000 16-bit PNG (%d kB) in %v: peak RSS %d MB, %d MB over the %d MB before", len(file)>>10, time.Since(start).Round(time.Millisecond), peak>>20, growth>>20, before>>20)
	for i, st := range statuses {
		if st != 303 {
			t.Errorf("upload %d: status %d, want 303", i, st)
		}
	}
	if growth > 1<<30 {
		t.Errorf("memory grew by %d MB during the uploads, want under 1024 MB", growth>>20)
	}
	// what is kept is the logo at the partner slot's size, in 8 bits
	lg, ok := ts.logos.get(logoID(file, "Partner 0"), ts.clock.Now())
	if !ok {
		t.Fatal("the first partner's logo is not kept")
	}
	img, err := lg.image()
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() > ts.slot.X || b.Dy() > ts.slot.Y || (b.Dx() != ts.slot.X && b.Dy() != ts.slot.Y) {
		t.Errorf("kept logo is %dx%d, want it to fit the partner slot %v exactly on one side", b.Dx(), b.Dy(), ts.slot)
	}
	if _, is16 := img.(*image.NRGBA64); is16 {
		t.Errorf("kept logo is %T, want 8 bits per channel", img)
	}
}

// TestFitLogo scales pictures of every kind an upload decodes to down to
// a box, in 8 bits, keeping colour and aspect.
func TestFitLogo(t *testing.T) {
	box := image.Pt(300, 100)
	cases := []struct {
		name string
		img  image.Image
		w, h int
	}{
		{"16-bit, wide", image.NewNRGBA64(image.Rect(0, 0, 3000, 600)), 300, 60},
		{"8-bit, tall", image.NewNRGBA(image.Rect(0, 0, 400, 2000)), 20, 100},
		{"gray, a little too big", image.NewGray(image.Rect(0, 0, 450, 100)), 300, 67},
		{"already small", image.NewRGBA(image.Rect(0, 0, 120, 40)), 120, 40},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fill(c.img)
			got := fitLogo(c.img, box)
			if b := got.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
				t.Fatalf("got %dx%d, want %dx%d", b.Dx(), b.Dy(), c.w, c.h)
			}
			want := c.img.At(c.img.Bounds().Dx()/2, c.img.Bounds().Dy()/2)
			wr, wg, wb, wa := want.RGBA()
			gr, gg, gb, ga := got.At(c.w/2, c.h/2).RGBA()
			for i, d := range []int64{int64(gr) - int64(wr), int64(gg) - int64(wg), int64(gb) - int64(wb), int64(ga) - int64(wa)} {
				if d > 0x300 || d < -0x300 {
					t.Errorf("channel %d: got %x, want about %x", i, []uint32{gr, gg, gb, ga}[i], []uint32{wr, wg, wb, wa}[i])
				}
			}
		})
	}
}

var magenta16 = color.NRGBA64{0xffff, 0, 0xffff, 0x8000}

// fill paints img in one colour (half transparent where it can be).
func fill(img image.Image) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			switch m := img.(type) {
			case *image.NRGBA64:
				m.Set(x, y, magenta16)
			case *image.NRGBA:
				m.Set(x, y, color.NRGBA{255, 0, 255, 128})
			case *image.Gray:
				m.Set(x, y, magenta)
			case *image.RGBA:
				m.Set(x, y, magenta)
			}
		}
	}
}

// TestLogoStoreKeepsByBytes keeps more logos than the old count of 64
// while they fit the byte budget, evicts the least recently used once they
// do not, finds the kept ones again after a restart, and never lets an id
// name a path outside its folder.
func TestLogoStoreKeepsByBytes(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC)
	logoPNG := solidPNG(t, 30, 10, magenta)
	id := func(i int) string { return logoID(logoPNG, fmt.Sprintf("partner %03d", i)) }
	s, err := openLogoStore(dir, 1<<20, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if err := s.put(id(i), fmt.Sprintf("partner %03d", i), logoPNG, now); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 100 {
		if _, ok := s.get(id(i), now.Add(59*time.Minute)); !ok {
			t.Fatalf("logo %d of 100 is not kept within its hour though they fit the budget", i)
		}
	}
	each := s.bytes() / 100
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 100 {
		t.Errorf("%d files in the folder, want 100", len(files))
	}
	s.close()

	// restart with room for 10: the 10 most recently used are kept; using
	// logo 0 makes it the most recent
	s, err = openLogoStore(dir, 10*each, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	var kept []int
	for i := range 100 {
		if _, ok := s.get(id(i), now); ok {
			kept = append(kept, i)
		}
	}
	if len(kept) != 10 {
		t.Fatalf("after a restart with room for 10: %d kept (%v)", len(kept), kept)
	}
	if _, ok := s.get(id(kept[0]), now); !ok {
		t.Fatal("lost a kept logo")
	}
	for i := range 5 {
		if err := s.put(id(100+i), fmt.Sprintf("partner %03d", 100+i), logoPNG, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := s.get(id(kept[0]), now); !ok {
		t.Errorf("the most recently used logo was evicted before older ones")
	}
	if got := s.bytes(); got > 10*each {
		t.Errorf("kept %d bytes, over the %d budget", got, 10*each)
	}
	files, _ = filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 10 {
		t.Errorf("%d files in the folder, want the 10 kept", len(files))
	}
	for _, bad := range []string{"../../etc/passwd", "..", "", id(0) + "/../x", strings.ToUpper(id(1))} {
		if _, ok := s.get(bad, now); ok {
			t.Errorf("get(%q) found something", bad)
		}
		if err := s.put(bad, "x", logoPNG, now); err == nil {
			t.Errorf("put(%q) was accepted", bad)
		}
	}
	// expired logos are forgotten, files and all
	if _, ok := s.get(id(kept[0]), now.Add(time.Hour)); ok {
		t.Errorf("a logo is still served after its hour")
	}
}

// TestCobrandOutlivesSixtyFour uploads 70 logos: every co-branded set is
// still there, as the page promises, until its hour is up.
func TestCobrandOutlivesSixtyFour(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.RateBurst = 1000; o.CobrandDir = t.TempDir() })
	var locs []string
	for i := range 70 {
		res := ts.upload(t, solidPNG(t, 60, 20, magenta), fmt.Sprint("Partner ", i))
		if res.status != 303 {
			t.Fatalf("upload %d: status %d", i, res.status)
		}
		locs = append(locs, res.header.Get("Location"))
	}
	ts.clock.Advance(59 * time.Minute)
	for i, loc := range locs {
		if res := ts.get(t, loc); res.status != 200 {
			t.Errorf("set %d of 70: status %d after 59 minutes, want 200", i, res.status)
		}
	}
	ts.clock.Advance(time.Minute)
	if res := ts.get(t, locs[69]); res.status != 404 {
		t.Errorf("after the hour: status %d, want 404", res.status)
	}
}
