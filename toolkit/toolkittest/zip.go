package toolkittest

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
)

// Unzip reads a whole zip archive: its entry names in archive order, each
// entry's bytes and each entry's header by name. An archive that does not
// open or an entry that does not read fails the test.
func Unzip(t testing.TB, data []byte) (names []string, files map[string][]byte, headers map[string]zip.FileHeader) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("zip does not open: %v", err)
	}
	files = map[string][]byte{}
	headers = map[string]zip.FileHeader{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		names = append(names, f.Name)
		files[f.Name] = b
		headers[f.Name] = f.FileHeader
	}
	return names, files, headers
}
