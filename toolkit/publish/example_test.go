package publish_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// A partner's receiver checks each request's signature before trusting it,
// and keeps one post per Idempotency-Key.
func ExampleVerifyWebhook() {
	secret := []byte("shared-webhook-key")
	seen := map[string]bool{}
	receiver := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
		err := publish.VerifyWebhook(secret, r.Header.Get(publish.SignatureHeader), body, time.Now(), 5*time.Minute)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		key := r.Header.Get("Idempotency-Key")
		if !seen[key] {
			seen[key] = true // act on the post here, once
		}
		w.WriteHeader(http.StatusOK)
	})

	body := `{"id":"p1","text":"hello"}`
	for _, sig := range []string{
		publish.SignWebhook(secret, time.Now(), []byte(body)),
		publish.SignWebhook([]byte("wrong key"), time.Now(), []byte(body)),
	} {
		req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
		req.Header.Set(publish.SignatureHeader, sig)
		req.Header.Set("Idempotency-Key", "p1")
		rec := httptest.NewRecorder()
		receiver.ServeHTTP(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// 200
	// 401
}
