package toolkit

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes a file so that whoever opens path, even after a
// crash or a power cut, sees either what was there before or all of the new
// content: the bytes go to a temporary file in the same folder, which is
// synced to disk and then renamed over path, and the folder is synced so the
// rename itself is durable. On any error the temporary file is removed and
// path is left as it was.
func WriteFileAtomic(path string, perm fs.FileMode, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("%s is a %s, not a file: refusing to replace it", path, modeName(st.Mode()))
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	_ = SyncDir(dir) // the file is in place; a folder that cannot sync is no reason to fail
	return nil
}

// WriteFileBytes is WriteFileAtomic for data already in memory.
func WriteFileBytes(path string, perm fs.FileMode, data []byte) error {
	return WriteFileAtomic(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// SyncDir asks the file system to make a folder's entries (renames, new
// files) durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// modeName says in words what kind of file a mode is, for messages.
func modeName(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "folder"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	case m.IsRegular():
		return "file"
	}
	return "special file"
}

// KindOf says in words what is at path ("folder", "file", "named pipe
// (FIFO)", ...), without following a final symbolic link, or "nothing".
func KindOf(path string) string {
	st, err := os.Lstat(path)
	if err != nil {
		return "nothing"
	}
	return modeName(st.Mode())
}
