package pdstest

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
)

// recorder is a testing.TB whose Skip and Fatal record the message and
// stop the function under test by panicking.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Skip(args ...any)             { r.skipped = fmt.Sprint(args...); panic(r) }
func (r *recorder) Fatal(args ...any)            { r.failed = fmt.Sprint(args...); panic(r) }
func (r *recorder) Fatalf(f string, args ...any) { r.failed = fmt.Sprintf(f, args...); panic(r) }

// require runs Require, returning how it stopped.
func require(t *testing.T) (r *recorder) {
	r = &recorder{TB: t}
	defer func() {
		if v := recover(); v != nil && v != r {
			panic(v)
		}
	}()
	Require(r)
	return r
}

// TestRequireNeverInstalls: without an installed PDS, Require skips the
// test saying which command installs it (fails it when CI is set), and
// installs nothing itself.
func TestRequireNeverInstalls(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CAMPAIGNKIT_PDS_DIR", dir)
	t.Setenv("CI", "")
	r := require(t)
	if !strings.Contains(r.skipped, InstallCommand) || r.failed != "" {
		t.Errorf("without CI: skipped %q, failed %q; want a skip naming %q", r.skipped, r.failed, InstallCommand)
	}
	t.Setenv("CI", "true")
	r = require(t)
	if !strings.Contains(r.failed, InstallCommand) || !strings.Contains(r.failed, "CI is set") || r.skipped != "" {
		t.Errorf("with CI: skipped %q, failed %q; want a failure naming %q", r.skipped, r.failed, InstallCommand)
	}
	// StartIfInstalled says why instead of skipping; with CI it fails.
	t.Setenv("CI", "")
	if s, why := StartIfInstalled(t); s != nil || !strings.Contains(why, InstallCommand) {
		t.Errorf("StartIfInstalled without CI: got %v, %q; want nil and why, naming %q", s, why, InstallCommand)
	}
	t.Setenv("CI", "true")
	r = &recorder{TB: t}
	func() {
		defer func() {
			if v := recover(); v != nil && v != r {
				panic(v)
			}
		}()
		StartIfInstalled(r)
	}()
	if !strings.Contains(r.failed, "CI is set") || r.skipped != "" {
		t.Errorf("StartIfInstalled with CI: skipped %q, failed %q; want a failure", r.skipped, r.failed)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("Require wrote %d files into the install folder, want none", len(entries))
	}
}

// TestStart starts the installed server and checks the account works.
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
	if posts, err := s.Posts(); err != nil || len(posts) != 0 {
		t.Errorf("Posts of a new account: got %v, %v; want none", posts, err)
	}
}
