package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeFlags runs serve with and without --trust-proxy: behind the
// proxy (the test, on loopback) saying the client used HTTPS the dashboard
// cookie is Secure, and without the flag it is not; an uploaded logo is
// kept under the state folder.
func TestServeFlags(t *testing.T) {
	t.Setenv(adminTokenEnv, "tok-proxy")
	cases := []struct {
		name       string
		args       []string
		wantSecure bool
	}{
		{"trust-proxy", []string{"--trust-proxy"}, true},
		{"no trust", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			state := t.TempDir()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := startCommand(t, nil, append([]string{"serve", "--state", state, "--addr", "127.0.0.1:0", "--cobrand-cache-mb", "16"}, c.args...)...)
			base := cmd.baseURL(t, ctx)
			req, _ := http.NewRequest("GET", base+"/admin", nil)
			req.Header.Set("X-Forwarded-Proto", "https")
			req.Header.Set("X-Forwarded-For", "203.0.113.5")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if got := strings.Contains(res.Header.Get("Set-Cookie"), "; Secure"); got != c.wantSecure {
				t.Errorf("Set-Cookie %q: Secure %v, want %v", res.Header.Get("Set-Cookie"), got, c.wantSecure)
			}

			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			mw.WriteField("name", "Partner")
			fw, _ := mw.CreateFormFile("logo", "logo.png")
			img := image.NewNRGBA(image.Rect(0, 0, 40, 20))
			img.Set(3, 3, color.Black)
			png.Encode(fw, img)
			mw.Close()
			noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			res, err = noRedirect.Post(base+"/cobrand", mw.FormDataContentType(), &body)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			kept, _ := filepath.Glob(filepath.Join(state, "cobrand", "*.logo"))
			if res.StatusCode != 303 || len(kept) != 1 {
				t.Errorf("upload: status %d, %d logos kept in the state folder; want 303 and 1", res.StatusCode, len(kept))
			}
			cmd.stop(t, 15*time.Second)
		})
	}
	if code, _, errs := runCLI(t, "serve", "--state", t.TempDir(), "--cobrand-cache-mb", "0"); code != 2 || !strings.Contains(errs, "--cobrand-cache-mb") {
		t.Errorf("--cobrand-cache-mb 0: exit %d, %q; want 2 naming the flag", code, errs)
	}
}
