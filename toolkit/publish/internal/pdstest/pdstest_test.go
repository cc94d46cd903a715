package pdstest

import (
	"net/http"
	"testing"
)

// TestInstall installs the pinned PDS into the cache folder. CI runs it
// ahead of the other tests to warm the cache.
func TestInstall(t *testing.T) {
	if _, err := Install(t); err != nil {
		t.Fatal(err)
	}
}

// TestStart starts the server and checks the account works.
func TestStart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PDS; skipped with -short")
	}
	s := Start(t)
	req, err := http.NewRequest(http.MethodGet, s.URL+"/xrpc/com.atproto.server.getSession", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.AccessJwt)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusOK; got != want {
		t.Errorf("getSession: got HTTP %d, want %d", got, want)
	}
	if s.DID == "" {
		t.Errorf("got empty DID, want did:plc:...")
	}
}
