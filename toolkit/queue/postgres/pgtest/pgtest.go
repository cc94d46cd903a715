//go:build unix

// Package pgtest runs a throwaway PostgreSQL server for tests: its own
// cluster, made by initdb in a temporary folder, listening on a free
// loopback port and on a unix socket in that folder, with fsync off. It
// never touches a cluster the machine already has (Debian's "main"
// cluster on 5432 may be running or not; it does not matter).
//
// One server serves a whole test binary: a package's TestMain calls Main,
// and each test asks URL for a new, empty database. The server starts on
// the first URL and stops when the tests end.
//
// It is used by the store's own tests and by cmd/campaignkit's tests of
// several runners and servers sharing a store, which is why it is not under
// an internal folder: Go lets only the tree above internal/ import it, and
// cmd is not under toolkit. Like queuetest and the networks' fakes
// (x/xtest), it is for tests only.
//
// The PostgreSQL server binaries come from the system, never from a
// download: `apt-get install postgresql` (.ci/run does it). They are
// looked for in $CAMPAIGNKIT_PG_BIN, then on PATH, then in Debian's
// /usr/lib/postgresql/<version>/bin, newest version first. When they are
// missing the test is skipped with a message saying how to install them,
// unless the CI environment variable is set: then it fails, so CI cannot
// pass by skipping.
//
// initdb and postgres refuse to run as root. When the tests run as root
// (as CI does), both run as the "postgres" user that the Debian package
// creates, through the process credentials, in a temporary folder handed
// to that user; the tests themselves stay root and reach the server over
// TCP with trust authentication, which is safe on loopback for a cluster
// that lives as long as the test binary. Run as any other user, they run
// as that user.
package pgtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// InstallCommand installs what the tests need; messages name it.
const InstallCommand = "apt-get install postgresql"

var (
	once    sync.Once
	srv     *Server
	srvErr  error
	missing string // why the binaries cannot be used, "" when they can
	dbs     atomic.Int64
)

// Main runs the tests of m, then stops the server if a test started it.
// Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if srv != nil {
		if err := srv.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		}
	}
	os.Exit(code)
}

// URL returns the URL of a new, empty database on the test binary's
// server, starting the server on first use. The database is dropped when
// the test ends. It skips the test when PostgreSQL is not installed (fails
// it when CI is set).
func URL(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		var bin string
		bin, missing = findBin()
		if missing == "" {
			srv, srvErr = Start(bin)
		}
	})
	if missing != "" {
		msg := fmt.Sprintf("pgtest: %s: install it (%s) or set CAMPAIGNKIT_PG_BIN to its bin folder", missing, InstallCommand)
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set: not skipping)")
		}
		t.Skip(msg)
	}
	if srvErr != nil {
		t.Fatalf("pgtest: %v", srvErr)
	}
	name := fmt.Sprintf("test_%d", dbs.Add(1))
	ctx := context.Background()
	if err := srv.exec(ctx, `CREATE DATABASE `+name+srv.strategy); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		// The test's own cleanups, registered later, have closed its
		// connections by now; FORCE ends any it leaked.
		if err := srv.exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Logf("pgtest: %v", err)
		}
	})
	return srv.URL(name)
}

// findBin returns the folder holding initdb and postgres, or why none was
// found.
func findBin() (dir, missing string) {
	has := func(d string) bool {
		for _, name := range []string{"initdb", "postgres"} {
			if fi, err := os.Stat(filepath.Join(d, name)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if d := os.Getenv("CAMPAIGNKIT_PG_BIN"); d != "" {
		if has(d) {
			return d, ""
		}
		return "", fmt.Sprintf("CAMPAIGNKIT_PG_BIN=%s has no initdb and postgres", d)
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		if resolved, err := filepath.EvalSymlinks(p); err == nil && has(filepath.Dir(resolved)) {
			return filepath.Dir(resolved), ""
		}
		if has(filepath.Dir(p)) {
			return filepath.Dir(p), ""
		}
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(d string) int {
		v, _ := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		return v
	}
	slices.SortFunc(found, func(a, b string) int { return version(b) - version(a) })
	for _, d := range found {
		if has(d) {
			return d, ""
		}
	}
	return "", "the PostgreSQL server (initdb, postgres) is not installed"
}

// Server is a running throwaway PostgreSQL server.
type Server struct {
	Port int
	dir  string // the temporary folder: data/, the socket, owned by the server's user
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	log  *logBuffer

	mu       sync.Mutex
	admin    *pgx.Conn // to the postgres database, for CREATE DATABASE
	strategy string    // how CREATE DATABASE copies the template
}

// URL returns the URL of database name on the server.
func (s *Server) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, name)
}

func (s *Server) exec(ctx context.Context, sql string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.admin.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

// Start makes a cluster with the initdb and postgres of bin in a new
// temporary folder and starts it; Stop stops it and removes the folder.
func Start(bin string) (*Server, error) {
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "campaignkit-pgtest-")
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Server, error) {
		os.RemoveAll(dir)
		return nil, err
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return fail(fmt.Errorf("hand %s to the postgres user: %w", dir, err))
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.Dir = dir
	initdb.SysProcAttr = sysProcAttr(cred)
	if out, err := initdb.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("initdb: %w\n%s", err, out))
	}
	var s *Server
	for range 3 { // the free port may be taken between finding it and binding it
		s, err = startServer(bin, dir, cred)
		if err == nil || !strings.Contains(err.Error(), "could not bind") {
			break
		}
	}
	if err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.admin, err = pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		s.Stop()
		return nil, fmt.Errorf("connect to the test server: %w", err)
	}
	// From PostgreSQL 15 on, CREATE DATABASE copies the template through
	// the WAL unless told to copy its files, which is twice as fast here.
	var version int
	if err := s.admin.QueryRow(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&version); err != nil {
		s.Stop()
		return nil, err
	}
	if version >= 150000 {
		s.strategy = " STRATEGY FILE_COPY"
	}
	return s, nil
}

func startServer(bin, dir string, cred *syscall.Credential) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", filepath.Join(dir, "data"), "-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200", "-c", "shared_buffers=32MB")
	cmd.Dir = dir
	cmd.SysProcAttr = sysProcAttr(cred)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	s := &Server{Port: port, dir: dir, cmd: cmd, done: make(chan struct{}), log: &logBuffer{}}
	ready := make(chan struct{})
	go func() { // reads the server's log until it exits, which ends this goroutine
		var once sync.Once
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.log.add(line)
			if strings.Contains(line, "ready to accept connections") {
				once.Do(func() { close(ready) })
			}
		}
		_ = cmd.Wait()
		close(s.done)
	}()
	timer := time.NewTimer(60 * time.Second)
	defer timer.Stop()
	select {
	case <-ready:
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("postgres exited before it was ready:\n%s", s.log.String())
	case <-timer.C:
		_ = cmd.Process.Kill()
		<-s.done
		return nil, fmt.Errorf("postgres was not ready within 60s:\n%s", s.log.String())
	}
}

// Stop shuts the server down (fast shutdown, then a kill after 10s) and
// removes its folder.
func (s *Server) Stop() error {
	if s.admin != nil {
		_ = s.admin.Close(context.Background())
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case <-s.done:
	case <-timer.C:
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	return os.RemoveAll(s.dir)
}

// credential returns who the server runs as: nil for the current user,
// the postgres user when the tests run as root.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root, and PostgreSQL refuses to run as root: it runs as the postgres user, which is missing (the postgresql package makes it)")
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("postgres user: uid %q gid %q", u.Uid, u.Gid)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// logBuffer keeps the server's last log lines for error messages.
type logBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (b *logBuffer) add(line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lines = append(b.lines, line)
	if len(b.lines) > 50 {
		b.lines = b.lines[len(b.lines)-50:]
	}
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.lines, "\n")
}
