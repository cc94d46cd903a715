// Package pdstest runs a real Bluesky PDS (@atproto/pds from the npm
// registry, versions pinned by package-lock.json) on loopback for tests.
//
// Start installs the server with `npm ci` into a cache folder on first use
// (about two minutes: better-sqlite3 is compiled from source), starts it with
// an in-memory did:plc directory on a free 127.0.0.1 port, creates an account
// and stops everything when the test ends. Without node and npm the test is
// skipped, unless the CI environment variable is set: then it fails, so CI
// cannot pass by skipping.
//
// The cache folder is $CAMPAIGNKIT_PDS_DIR, else <user cache dir>/campaignkit/
// pds-<hash of package-lock.json>. To install ahead of the tests (CI image):
//
//	go test ./toolkit/publish/internal/pdstest -run TestInstall -v
package pdstest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
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

// Start returns a running PDS with one account; it stops with the test.
func Start(t testing.TB) *Server {
	t.Helper()
	dir, err := Install(t)
	if err != nil {
		t.Fatalf("pdstest: %v", err)
	}
	s, err := start(t, dir)
	if err != nil {
		t.Fatalf("pdstest: %v", err)
	}
	return s
}

// Require skips the test when node or npm is missing, and fails it instead
// when CI is set.
func Require(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := fmt.Sprintf("real Bluesky PDS test needs %s on PATH (apt-get install nodejs npm build-essential python3): %v", tool, err)
			if os.Getenv("CI") != "" {
				t.Fatal(msg + " (CI is set: not skipping)")
			}
			t.Skip(msg)
		}
	}
}

var installMu sync.Mutex

// Install makes sure the pinned PDS is installed and returns its folder.
func Install(t testing.TB) (string, error) {
	t.Helper()
	Require(t)
	installMu.Lock()
	defer installMu.Unlock()
	dir, err := cacheDir()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return "", fmt.Errorf("locking %s: %w", dir, err)
	}
	defer unlock()
	done := filepath.Join(dir, ".installed")
	if b, err := os.ReadFile(done); err == nil && bytes.Equal(b, lockSum()) {
		return dir, writeLauncher(dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for name, data := range map[string][]byte{"package.json": packageJSON, "package-lock.json": packageLock} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return "", err
		}
	}
	t.Logf("pdstest: installing @atproto/pds into %s with npm ci (first run only; a few minutes)", dir)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	if err := npm(ctx, dir, "ci", "--no-audit", "--no-fund", "--loglevel=error"); err != nil {
		return "", err
	}
	// Some npm versions skip dependencies' install scripts: build the one
	// native module explicitly when it is missing.
	native := filepath.Join(dir, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node")
	if _, err := os.Stat(native); err != nil {
		if err := npm(ctx, dir, "rebuild", "better-sqlite3", "--loglevel=error"); err != nil {
			return "", err
		}
		if _, err := os.Stat(native); err != nil {
			return "", fmt.Errorf("better-sqlite3 did not build (needs build-essential and python3): %w", err)
		}
	}
	if err := os.WriteFile(done, lockSum(), 0o644); err != nil {
		return "", err
	}
	return dir, writeLauncher(dir)
}

func lockSum() []byte {
	sum := sha256.Sum256(append(append([]byte{}, packageJSON...), packageLock...))
	return []byte(hex.EncodeToString(sum[:]))
}

func cacheDir() (string, error) {
	if d := os.Getenv("CAMPAIGNKIT_PDS_DIR"); d != "" {
		return filepath.Abs(d)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder (set CAMPAIGNKIT_PDS_DIR): %w", err)
	}
	return filepath.Join(base, "campaignkit", "pds-"+string(lockSum()[:12])), nil
}

func writeLauncher(dir string) error {
	return os.WriteFile(filepath.Join(dir, "launch.js"), launchJS, 0o644)
}

func npm(ctx context.Context, dir string, args ...string) error {
	cmd := exec.CommandContext(ctx, "npm", args...)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	// Compile native modules against the installed node headers instead of
	// downloading prebuilt binaries or headers from outside the registry.
	if _, err := os.Stat("/usr/include/node/node.h"); err == nil && os.Getenv("npm_config_nodedir") == "" {
		cmd.Env = append(cmd.Env, "npm_config_nodedir=/usr")
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("npm %s in %s: %w\n%s", strings.Join(args, " "), dir, err, tail(out, 4000))
	}
	return nil
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
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
