// Package pdstest runs a real Bluesky PDS (@atproto/pds from the npm
// registry, versions pinned by package-lock.json) on loopback for tests.
//
// Tests never install it: `go test` must not download anything. Install
// it once, ahead of the tests, with
//
//	go run ./toolkit/publish/internal/pdstest/install
//
// which runs `npm ci` into the install folder (about ten minutes:
// better-sqlite3 is compiled from source; needs node, npm, build-essential
// and python3). .ci/run does this before `go test ./...`.
//
// Start then starts the installed server with an in-memory did:plc
// directory on a free 127.0.0.1 port, creates an account and stops
// everything when the test ends. When node or the installed server is
// missing the test is skipped with a message saying how to install it,
// unless the CI environment variable is set: then it fails, so CI cannot
// pass by skipping.
//
// The install folder is $CAMPAIGNKIT_PDS_DIR, else <user cache dir>/
// campaignkit/pds-<hash of package.json and package-lock.json>.
package pdstest

import (
	"bufio"
	"bytes"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	//go:embed package.json
	packageJSON []byte
	//go:embed package-lock.json
	packageLock []byte
	//go:embed launch.js
	launchJS []byte
)

// Handle, Email and Password are those of the account Start creates.
const (
	Handle   = "poster.test"
	Email    = "poster@example.org"
	Password = "pdstest-Passw0rd"
)

// Server is a running PDS with one account.
type Server struct {
	URL       string // base URL, http://127.0.0.1:<port>
	Handle    string
	DID       string
	Password  string // the account password (works as an app password)
	AccessJwt string
}

// InstallCommand installs the PDS the tests use; messages name it.
const InstallCommand = "go run ./toolkit/publish/internal/pdstest/install"

// Start returns a running PDS with one account; it stops with the test.
// It skips the test (fails it when CI is set) as Require does.
func Start(t testing.TB) *Server {
	t.Helper()
	dir := Require(t)
	s, err := start(t, dir)
	if err != nil {
		t.Fatalf("pdstest: %v", err)
	}
	return s
}

// Require returns the folder of the installed PDS. When node is not on
// PATH or the PDS is not installed, it skips the test with a message
// saying how to install it, or fails it when CI is set. It never installs
// anything.
func Require(t testing.TB) string {
	t.Helper()
	dir, why := find()
	if why != "" {
		if os.Getenv("CI") != "" {
			t.Fatal("pdstest: " + why + " (CI is set: not skipping)")
		}
		t.Skip("pdstest: " + why)
	}
	if err := writeLauncher(dir); err != nil {
		t.Fatalf("pdstest: %v", err)
	}
	return dir
}

// StartIfInstalled is Start for a test that covers more than Bluesky: when
// the PDS cannot run here it returns nil and why, for the test to log and
// go on without it, instead of skipping the whole test. With CI set a
// missing PDS still fails the test.
func StartIfInstalled(t testing.TB) (*Server, string) {
	t.Helper()
	if _, why := find(); why != "" && os.Getenv("CI") == "" {
		return nil, "pdstest: " + why
	}
	return Start(t), ""
}

// find returns the folder of the installed PDS, or why it cannot run.
func find() (dir, why string) {
	if _, err := exec.LookPath("node"); err != nil {
		return "", fmt.Sprintf("the real Bluesky PDS test needs node on PATH (apt-get install nodejs npm build-essential python3, then %s): %v", InstallCommand, err)
	}
	dir, err := Dir()
	if err != nil {
		return "", err.Error()
	}
	if !Installed(dir) {
		return "", fmt.Sprintf("the real Bluesky PDS is not installed in %s: run %s (about ten minutes, once)", dir, InstallCommand)
	}
	return dir, ""
}

func start(t testing.TB, dir string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	data := t.TempDir()
	env := append(os.Environ(),
		"PDS_HOSTNAME=localhost",
		"PDS_PORT="+strconv.Itoa(port),
		"PDS_DEV_MODE=true",
		"PDS_INVITE_REQUIRED=false",
		"PDS_SERVICE_HANDLE_DOMAINS=.test",
		"PDS_DATA_DIRECTORY="+data,
		"PDS_BLOBSTORE_DISK_LOCATION="+filepath.Join(data, "blobs"),
		"PDS_JWT_SECRET="+randomHex(16),
		"PDS_ADMIN_PASSWORD="+randomHex(16),
		"PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX="+randomHex(32),
		"LOG_ENABLED=false",
	)
	cmd := exec.Command("node", "launch.js")
	cmd.Dir = dir
	cmd.Env = env
	stdin, err := cmd.StdinPipe() // closing it tells launch.js to stop
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting node: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }() // ends when the process does
	stop := func() {
		stdin.Close()
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	ready := make(chan string, 1)
	go func() { // ends at EOF, when the process exits
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "{") {
				select {
				case ready <- line:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-ready:
		var got struct{ PDS string }
		if err := json.Unmarshal([]byte(line), &got); err != nil || got.PDS == "" {
			stop()
			return nil, fmt.Errorf("launch.js said %q", line)
		}
	case err := <-exited:
		return nil, fmt.Errorf("PDS exited before it was ready: %v\n%s", err, tail(stderr.Bytes(), 4000))
	case <-time.After(2 * time.Minute):
		stop()
		return nil, fmt.Errorf("PDS not ready after 2 minutes\n%s", tail(stderr.Bytes(), 4000))
	}
	t.Cleanup(stop)

	s := &Server{URL: "http://127.0.0.1:" + strconv.Itoa(port), Handle: Handle, Password: Password}
	body, _ := json.Marshal(map[string]string{"handle": Handle, "email": Email, "password": Password})
	resp, err := http.Post(s.URL+"/xrpc/com.atproto.server.createAccount", "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("createAccount: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("createAccount: HTTP %d: %s", resp.StatusCode, b)
	}
	var acct struct {
		DID       string `json:"did"`
		AccessJwt string `json:"accessJwt"`
	}
	if err := json.Unmarshal(b, &acct); err != nil {
		return nil, fmt.Errorf("createAccount: %w", err)
	}
	s.DID, s.AccessJwt = acct.DID, acct.AccessJwt
	return s, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// lockedBuffer collects the server's stderr for error messages.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 {
		b.buf.Reset()
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]byte(nil), b.buf.Bytes()...)
}

// Post is an app.bsky.feed.post record in the account's repository, as
// the PDS keeps it.
type Post struct {
	URI       string // at://<did>/app.bsky.feed.post/<rkey>
	Text      string
	Langs     []string
	CreatedAt string
	Alts      []string // alt text of each image of an app.bsky.embed.images embed, in order
}

// Posts returns every post record in the account's repository, read from
// the PDS (com.atproto.repo.listRecords, page by page), so that a test
// can count the copies of a post.
func (s *Server) Posts() ([]Post, error) {
	var out []Post
	cursor := ""
	for {
		u := s.URL + "/xrpc/com.atproto.repo.listRecords?repo=" + url.QueryEscape(s.DID) + "&collection=app.bsky.feed.post&limit=100"
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		resp, err := http.Get(u)
		if err != nil {
			return nil, fmt.Errorf("listRecords: %w", err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("listRecords: %w", err)
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("listRecords: HTTP %d: %s", resp.StatusCode, b)
		}
		var page struct {
			Cursor  string `json:"cursor"`
			Records []struct {
				URI   string `json:"uri"`
				Value struct {
					Text      string   `json:"text"`
					Langs     []string `json:"langs"`
					CreatedAt string   `json:"createdAt"`
					Embed     struct {
						Images []struct {
							Alt string `json:"alt"`
						} `json:"images"`
					} `json:"embed"`
				} `json:"value"`
			} `json:"records"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return nil, fmt.Errorf("listRecords: %w", err)
		}
		for _, r := range page.Records {
			p := Post{URI: r.URI, Text: r.Value.Text, Langs: r.Value.Langs, CreatedAt: r.Value.CreatedAt}
			for _, img := range r.Value.Embed.Images {
				p.Alts = append(p.Alts, img.Alt)
			}
			out = append(out, p)
		}
		if page.Cursor == "" || len(page.Records) == 0 {
			return out, nil
		}
		cursor = page.Cursor
	}
}
