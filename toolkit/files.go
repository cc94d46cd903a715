package toolkit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Limits on the files a campaign names. Each is checked against the file's
// size before anything is read, and the read itself stops one byte past it,
// so a file that grows while it is read is refused too.
const (
	// MaxYAMLBytes bounds campaign, theme and schedule files (1 MiB). The
	// demo campaign, with six languages, is 31 kB.
	MaxYAMLBytes = 1 << 20
	// MaxImageBytes bounds photos, portraits, logos and theme backgrounds
	// (50 MiB); MaxImagePixels bounds what they decode to.
	MaxImageBytes = 50 << 20
	// MaxFontBytes bounds a font file (30 MiB); the embedded CJK font
	// collections are 20 MB each.
	MaxFontBytes = 30 << 20
)

// The reasons ReadFile and Folder refuse a file; test with errors.Is.
var (
	// ErrNotRegular: a folder, named pipe, device or socket where a file was
	// expected.
	ErrNotRegular = errors.New("not a regular file")
	// ErrOutside: the name, or a symbolic link on the way, leads out of the
	// folder.
	ErrOutside = errors.New("outside the folder")
	// ErrTooBig: the file is over the limit for its kind.
	ErrTooBig = errors.New("file too big")
)

// FileError is a file that cannot be used, and why, in words for the person
// who named it. It wraps ErrNotRegular, ErrOutside, ErrTooBig or the
// underlying fs error (fs.ErrNotExist, fs.ErrPermission, ...).
type FileError struct {
	Name   string // as it was named
	Reason string // e.g. "it is a named pipe (FIFO), not a regular file"
	Err    error
}

func (e *FileError) Error() string { return fmt.Sprintf("%q: %s", e.Name, e.Reason) }

func (e *FileError) Unwrap() error { return e.Err }

// Reason returns why err stopped a file being read, without the file name:
// a FileError's reason, the bare cause of an *fs.PathError, else err itself.
// Messages that already name the file use it.
func Reason(err error) string {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe.Reason
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Folder is a folder on disk as an fs.FS that nothing can be read out of:
// names are resolved by os.Root, so neither ".." nor a symbolic link can
// lead outside it, and only regular files and folders are opened. Opening
// never blocks, not even on a named pipe (the open is non-blocking and the
// file is checked with fstat before it is handed out).
//
// Campaign folders are opened through it; embedded folders need no such
// care and are used as they are.
type Folder struct {
	root *os.Root
}

var (
	_ fs.StatFS     = (*Folder)(nil)
	_ fs.ReadFileFS = (*Folder)(nil)
)

// OpenFolder opens dir. The folder stays open until Close.
func OpenFolder(dir string) (*Folder, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &Folder{root: r}, nil
}

// Close releases the folder.
func (f *Folder) Close() error { return f.root.Close() }

// Dir is the path the folder was opened with.
func (f *Folder) Dir() string { return f.root.Name() }

// Open opens a regular file or a folder. Anything else is refused with a
// *FileError wrapping ErrNotRegular, and a name leading outside the folder
// with one wrapping ErrOutside.
func (f *Folder) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	file, err := f.root.OpenFile(name, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, fileError(name, err)
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, fileError(name, err)
	}
	if !st.Mode().IsRegular() && !st.IsDir() {
		file.Close()
		return nil, notRegular(name, st.Mode())
	}
	return file, nil
}

// Stat describes name, following symbolic links that stay inside the folder.
func (f *Folder) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	st, err := f.root.Stat(name)
	if err != nil {
		return nil, fileError(name, err)
	}
	return st, nil
}

// ReadFile reads a regular file of at most MaxImageBytes, the largest limit
// (fs.ReadFile and fs.Sub come here); callers that know what kind of file
// they read use the package's ReadFile with its own limit.
func (f *Folder) ReadFile(name string) ([]byte, error) {
	return ReadFile(f, name, MaxImageBytes)
}

// ReadFile reads name from fsys whole, refusing anything but a regular file
// and a file over max bytes before it reads or allocates it. The error is a
// *FileError; Reason gives its words.
//
// On a Folder the checks are made on the open file (fstat); on other file
// systems the file is also looked at before it is opened, since os.DirFS
// would block opening a named pipe.
func ReadFile(fsys fs.FS, name string, max int64) ([]byte, error) {
	if _, ok := fsys.(*Folder); !ok {
		if st, err := fs.Stat(fsys, name); err == nil && !st.Mode().IsRegular() {
			return nil, notRegular(name, st.Mode())
		}
	}
	file, err := fsys.Open(name)
	if err != nil {
		return nil, fileError(name, err)
	}
	defer file.Close()
	return readOpened(file, name, max)
}

// readOpened makes ReadFile's and ReadPath's checks on the file opened,
// not on its name, so that what is read is what was checked.
func readOpened(file fs.File, name string, max int64) ([]byte, error) {
	st, err := file.Stat()
	if err != nil {
		return nil, fileError(name, err)
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular(name, st.Mode())
	}
	if st.Size() > max {
		return nil, tooBig(name, st.Size(), max)
	}
	return readBounded(file, name, st.Size(), max)
}

// readBounded reads r, of size bytes when it was looked at, stopping one
// byte past max.
func readBounded(r io.Reader, name string, size, max int64) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(int(size) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(r, max+1)); err != nil {
		return nil, fileError(name, err)
	}
	if int64(buf.Len()) > max { // it grew after fstat
		return nil, tooBig(name, int64(buf.Len()), max)
	}
	return buf.Bytes(), nil
}

func tooBig(name string, size, max int64) error {
	return &FileError{Name: name, Err: ErrTooBig,
		Reason: fmt.Sprintf("it has %d bytes, more than the %d (%s) allowed for this kind of file", size, max, mib(max))}
}

func mib(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d kiB", n>>10)
}

func notRegular(name string, m fs.FileMode) error {
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "a folder, not a file"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO), not a regular file"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		what = "a device, not a regular file"
	case m&fs.ModeSocket != 0:
		what = "a socket, not a regular file"
	case m&fs.ModeSymlink != 0:
		what = "a symbolic link that cannot be followed"
	}
	return &FileError{Name: name, Err: ErrNotRegular, Reason: "it is " + what}
}

// fileError turns an error from os.Root or an fs.FS into a *FileError.
func fileError(name string, err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return err
	}
	switch {
	case isEscape(err):
		return &FileError{Name: name, Err: ErrOutside,
			Reason: "it leads outside the folder (through .. or a symbolic link); keep the files the campaign names inside its folder"}
	case errors.Is(err, fs.ErrNotExist):
		return &FileError{Name: name, Err: err, Reason: "file does not exist"}
	case errors.Is(err, fs.ErrPermission):
		return &FileError{Name: name, Err: err, Reason: "permission denied"}
	}
	return &FileError{Name: name, Err: err, Reason: Reason(err)}
}

// isEscape reports whether err is os.Root refusing a path that leaves the
// root. The os package does not export that error, so its text is matched.
func isEscape(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && pe.Err != nil && pe.Err.Error() == "path escapes from parent"
}

// ReadPath reads the file at name, a path on disk the user gave (a command
// line argument, or one recorded from it), with the checks ReadFile makes:
// only a regular file, of at most max bytes, refused before it is read.
// Symbolic links are followed, since the user named the file directly, but
// the checks are made on the file that was opened (fstat), and the open does
// not block, so a link swapped for a named pipe is refused rather than
// waited on. The error is a *FileError; Reason gives its words.
func ReadPath(name string, max int64) ([]byte, error) {
	file, err := os.OpenFile(name, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, fileError(name, err)
	}
	defer file.Close()
	return readOpened(file, name, max)
}
