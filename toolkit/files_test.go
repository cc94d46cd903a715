//go:build unix

package toolkit

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// folderFixture makes a campaign folder holding one of each thing a
// campaign file might name, and a file outside it.
func folderFixture(t *testing.T) string {
	t.Helper()
	top := t.TempDir()
	dir := filepath.Join(top, "campaign")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "photos"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "logo.png"), []byte("logo"), 0o644))
	must(os.WriteFile(filepath.Join(top, "secret.txt"), []byte("secret"), 0o644))
	must(syscall.Mkfifo(filepath.Join(dir, "fifo.png"), 0o644))
	must(os.Symlink("/dev/zero", filepath.Join(dir, "zero.png")))
	must(os.Symlink("../secret.txt", filepath.Join(dir, "outside.png")))
	must(os.Symlink(filepath.Join(top, "secret.txt"), filepath.Join(dir, "absolute.png")))
	must(os.Symlink("logo.png", filepath.Join(dir, "inside.png")))
	must(os.Symlink("../logo.png", filepath.Join(dir, "photos", "up.png")))
	must(os.Symlink("loop.png", filepath.Join(dir, "loop.png")))
	return dir
}

func TestReadFileRefusesWhatIsNotAFileInTheFolder(t *testing.T) {
	dir := folderFixture(t)
	f, err := OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct {
		name string
		want error // nil: read "logo"
	}{
		{"logo.png", nil},
		{"inside.png", nil},    // a symbolic link inside the folder is fine
		{"photos/up.png", nil}, // and may go up, as long as it stays inside
		{"fifo.png", ErrNotRegular},
		{"photos", ErrNotRegular},
		{"zero.png", ErrOutside}, // /dev/zero: outside, and a device
		{"outside.png", ErrOutside},
		{"absolute.png", ErrOutside},
		{"../secret.txt", fs.ErrInvalid},
		{"missing.png", fs.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := readWithin(t, f, tc.name, MaxImageBytes)
			if tc.want == nil {
				if err != nil || string(data) != "logo" {
					t.Fatalf("got %q, %v; want \"logo\"", data, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %q, %v; want an error wrapping %v", data, err, tc.want)
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Reason == "" {
				t.Errorf("got %T %v, want a *FileError with a reason", err, err)
			}
		})
	}
	if _, err := readWithin(t, f, "loop.png", MaxImageBytes); err == nil {
		t.Errorf("a symbolic link to itself was read")
	}
}

// readWithin reads with a deadline: a read that blocks (a named pipe with
// no writer) fails the test instead of hanging it.
func readWithin(t *testing.T, fsys fs.FS, name string, max int64) ([]byte, error) {
	t.Helper()
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := ReadFile(fsys, name, max)
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-time.After(10 * time.Second):
		t.Fatalf("reading %s did not return in 10s", name)
		return nil, nil
	}
}

func TestReadFileThroughSubAndDirFS(t *testing.T) {
	dir := folderFixture(t)
	f, err := OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sub, err := fs.Sub(f, "photos")
	if err != nil {
		t.Fatal(err)
	}
	if data, err := readWithin(t, sub, "up.png", 100); err != nil || string(data) != "logo" {
		t.Errorf("fs.Sub of a Folder: got %q, %v", data, err)
	}
	if data, err := fs.ReadFile(f, "fifo.png"); !errors.Is(err, ErrNotRegular) {
		t.Errorf("fs.ReadFile of a named pipe in a Folder: got %q, %v; want ErrNotRegular", data, err)
	}
	// other file systems: the pipe is seen before it is opened
	if _, err := readWithin(t, os.DirFS(dir), "fifo.png", 100); !errors.Is(err, ErrNotRegular) {
		t.Errorf("os.DirFS: got %v, want ErrNotRegular", err)
	}
	mem := fstest.MapFS{"a.yaml": {Data: []byte("a: 1")}}
	if data, err := ReadFile(mem, "a.yaml", 100); err != nil || string(data) != "a: 1" {
		t.Errorf("MapFS: got %q, %v", data, err)
	}
	if _, err := ReadFile(mem, "a.yaml", 3); !errors.Is(err, ErrTooBig) {
		t.Errorf("MapFS over the limit: got %v, want ErrTooBig", err)
	}
}

// TestReadFileRefusesAHugeFileBeforeReadingIt reads a sparse file of 4 GiB:
// it is refused by its size, with next to nothing allocated.
func TestReadFileRefusesAHugeFileBeforeReadingIt(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "huge.png")
	file, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := file.Truncate(4 << 30); err != nil {
		t.Skipf("no sparse files here: %v", err)
	}
	file.Close()
	f, err := OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = ReadFile(f, "huge.png", MaxImageBytes)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooBig) {
		t.Fatalf("got %v, want ErrTooBig", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("refusing a 4 GiB file allocated %d bytes; want under 1 MiB", got)
	}
	if got, want := Reason(err), "it has 4294967296 bytes, more than the 52428800 (50 MiB) allowed for this kind of file"; got != want {
		t.Errorf("reason: got %q, want %q", got, want)
	}
}

// TestReadPath reads files named by path, as a command line names them:
// links are followed, but only to a regular file within the limit, and a
// named pipe is refused at once instead of waited on.
func TestReadPath(t *testing.T) {
	dir := folderFixture(t)
	if err := os.WriteFile(filepath.Join(dir, "big.png"), make([]byte, 101), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		data   string // what is read, when want is nil
		want   error
		reason string
	}{
		{name: "logo.png", data: "logo"},
		{name: "inside.png", data: "logo"},
		{name: "photos/up.png", data: "logo"},
		{name: "absolute.png", data: "secret"}, // named by the user: a link out of the folder is fine
		{name: "fifo.png", want: ErrNotRegular, reason: "it is a named pipe (FIFO), not a regular file"},
		{name: "photos", want: ErrNotRegular, reason: "it is a folder, not a file"},
		{name: "zero.png", want: ErrNotRegular, reason: "it is a device, not a regular file"},
		{name: "big.png", want: ErrTooBig, reason: "it has 101 bytes, more than the 100 (0 kiB) allowed for this kind of file"},
		{name: "missing.png", want: fs.ErrNotExist, reason: "file does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			type result struct {
				data []byte
				err  error
			}
			done := make(chan result, 1)
			go func() {
				data, err := ReadPath(filepath.Join(dir, tc.name), 100)
				done <- result{data, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("reading %s did not return in 10s", tc.name)
			}
			if tc.want == nil {
				if r.err != nil || string(r.data) != tc.data {
					t.Fatalf("got %q, %v; want %q", r.data, r.err, tc.data)
				}
				return
			}
			if !errors.Is(r.err, tc.want) {
				t.Fatalf("got %q, %v; want an error wrapping %v", r.data, r.err, tc.want)
			}
			if got := Reason(r.err); got != tc.reason {
				t.Errorf("reason: got %q, want %q", got, tc.reason)
			}
		})
	}
	if _, err := ReadPath(filepath.Join(dir, "loop.png"), 100); err == nil {
		t.Errorf("a symbolic link to itself was read")
	}
}
