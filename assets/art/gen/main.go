// Command gen writes the demo campaign's artwork into assets/demo. Run it
// from the repository root after changing package art:
//
//	go run ./assets/art/gen
package main

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"sort"

	"github.com/campaignkit/campaignkit/assets/art"
)

func main() {
	if err := run(filepath.Join("assets", "demo")); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	names := make([]string, 0, len(art.Files))
	for n := range art.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		img, err := art.Files[n]()
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		var buf bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		if err := enc.Encode(&buf, img); err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, p); err != nil {
			return err
		}
		fmt.Printf("%s %d bytes\n", p, buf.Len())
	}
	return nil
}
