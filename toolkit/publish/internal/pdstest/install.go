package pdstest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Dir is the install folder: $CAMPAIGNKIT_PDS_DIR, else a folder of the
// user's cache named by the hash of the pinned packages, so that changing
// the pins installs afresh beside the old install.
func Dir() (string, error) {
	if d := os.Getenv("CAMPAIGNKIT_PDS_DIR"); d != "" {
		return filepath.Abs(d)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder (set CAMPAIGNKIT_PDS_DIR): %w", err)
	}
	return filepath.Join(base, "campaignkit", "pds-"+string(lockSum()[:12])), nil
}

// Installed reports whether dir holds a complete install of the pinned
// packages.
func Installed(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, ".installed"))
	return err == nil && bytes.Equal(b, lockSum())
}

// Install installs the pinned PDS into Dir with `npm ci`, unless it is
// installed already, and returns the folder. It writes what it does to
// log. Only the install command calls it; tests never do.
func Install(ctx context.Context, log io.Writer) (string, error) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", fmt.Errorf("installing the PDS needs %s on PATH (apt-get install nodejs npm build-essential python3): %w", tool, err)
		}
	}
	dir, err := Dir()
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
	if Installed(dir) {
		fmt.Fprintf(log, "pdstest: @atproto/pds is installed in %s\n", dir)
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
	fmt.Fprintf(log, "pdstest: installing @atproto/pds into %s with npm ci (about ten minutes)\n", dir)
	if err := npm(ctx, dir, "ci", "--no-audit", "--no-fund", "--loglevel=error"); err != nil {
		return "", err
	}
	// Some npm versions skip dependencies' install scripts: build the one
	// native module explicitly when it is missing.
	native := filepath.Join(dir, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node")
	if _, err := os.Stat(native); err != nil {
		fmt.Fprintln(log, "pdstest: building better-sqlite3")
		if err := npm(ctx, dir, "rebuild", "better-sqlite3", "--loglevel=error"); err != nil {
			return "", err
		}
		if _, err := os.Stat(native); err != nil {
			return "", fmt.Errorf("better-sqlite3 did not build (needs build-essential and python3): %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, ".installed"), lockSum(), 0o644); err != nil {
		return "", err
	}
	fmt.Fprintf(log, "pdstest: installed @atproto/pds in %s\n", dir)
	return dir, writeLauncher(dir)
}

func lockSum() []byte {
	sum := sha256.Sum256(append(append([]byte{}, packageJSON...), packageLock...))
	return []byte(hex.EncodeToString(sum[:]))
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
