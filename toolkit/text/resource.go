package text

import "bytes"

// bytesResource lets go-text read a font from memory.
func bytesResource(b []byte) *bytes.Reader { return bytes.NewReader(b) }
