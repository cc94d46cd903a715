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

// fontsHash is the hash of every embedded font file, by name and bytes.
const fontsHash = "1e138e69a07bedad06a5baed0cdf8dd7211e051cdc2132644863c114261fb7a4"

// FontsFingerprint identifies the embedded fonts in cache keys, so a
// changed font changes the key of every cached card. It is a constant:
// hashing the 52 MB of font files cost every build and rebuild some 20 ms
// and the reading of them all; TestFontsFingerprint hashes the files and
// fails, giving the new value, whenever a font changes without it.
func FontsFingerprint() string { return fontsHash }

// hashFonts hashes every embedded font file by streaming it.
var hashFonts = sync.OnceValue(func() string {
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
