package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/toolkit/account"
)

// writeAccounts writes yaml as the accounts file of a new campaign
// folder and returns its path and the state folder the account commands
// keep tokens in. CAMPAIGNKIT_ACCOUNTS is cleared, so that only --accounts
// names the file.
func writeAccounts(t *testing.T, yaml string) (path, state string) {
	t.Helper()
	t.Setenv(envAccounts, "")
	dir := t.TempDir()
	path = filepath.Join(dir, "accounts.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, filepath.Join(dir, ".campaignkit")
}

// storedToken loads the token a sign-in left for account id in state.
func storedToken(state, id string) (account.Token, error) {
	return account.NewStore(filepath.Join(state, "tokens")).Load(id)
}

// loginThroughBrowser runs `campaignkit accounts login` with args, the
// test playing the browser: it follows the printed link, the fake
// consents and redirects to the loopback server, whose page must say the
// sign-in worked. It returns what the command printed.
func loginThroughBrowser(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- run(context.Background(), append([]string{"campaignkit", "accounts", "login"}, args...), pw, &errb)
		pw.Close()
	}()
	var out strings.Builder
	sc := bufio.NewScanner(pr)
	browsed := false
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		if u := strings.TrimSpace(line); !browsed && strings.HasPrefix(u, "http") {
			browsed = true
			resp, err := http.Get(u)
			if err != nil {
				t.Errorf("browser: %v", err)
				continue
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Signed in") {
				t.Errorf("loopback page: HTTP %d %q, want 200 saying signed in", resp.StatusCode, page)
			}
		}
	}
	if c := <-code; c != 0 {
		t.Fatalf("login %v: exit %d\nstdout:\n%s\nstderr:\n%s", args, c, out.String(), errb.String())
	}
	return out.String(), errb.String()
}
