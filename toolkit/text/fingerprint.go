package text

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"sync"

	"github.com/campaignkit/campaignkit/fonts"
)

// FontsFingerprint is the hash of every embedded font file, computed once
// per process by streaming the files (they are never copied whole), so a
// changed font changes the key of every cached card.
var FontsFingerprint = sync.OnceValue(func() string {
	h := sha256.New()
	err := fs.WalkDir(fonts.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := fonts.FS.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(h, "%s\n", p)
		_, err = io.Copy(h, f)
		return err
	})
	if err != nil {
		return "unreadable: " + err.Error() // never matches a real hash
	}
	return hex.EncodeToString(h.Sum(nil))
})
