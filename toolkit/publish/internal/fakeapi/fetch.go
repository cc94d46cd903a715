package fakeapi

import (
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Fetch gets url with c as Threads and Instagram get an image_url from
// its public server, reading at most max+1 bytes so that the caller can
// tell an image over its limit. Anything but an http(s) URL answered 200
// is an error.
func Fetch(c *http.Client, url string, max int64) ([]byte, error) {
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return nil, fmt.Errorf("fetch %q: not an http URL", url)
	}
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %q: %s", url, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, max+1))
}
