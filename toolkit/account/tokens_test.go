package account

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
)

func TestStoreRoundTrip(t *testing.T) {
	s := NewStore(filepath.Join(t.TempDir(), "tokens"))
	exp := time.Date(2026, 12, 18, 11, 0, 0, 0, time.UTC)
	in := Token{Access: publish.NewSecret("at-1"), Refresh: publish.NewSecret("rt-1"), Expiry: exp,
		Scopes: []string{"tweet.read", "tweet.write"}, UserID: "42", Username: "UNmigration", Saved: exp.Add(-2 * time.Hour)}
	if err := s.Save("un-x-en", in); err != nil {
		t.Fatalf("Save: %v", err)
	}
	st, err := os.Stat(s.Path("un-x-en"))
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != 0o600 {
		t.Errorf("token file mode: got %#o, want 0600", got)
	}
	dst, _ := os.Stat(s.Dir())
	if got := dst.Mode().Perm(); got != 0o700 {
		t.Errorf("token folder mode: got %#o, want 0700", got)
	}
	out, err := s.Load("un-x-en")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if out.Access.Reveal() != "at-1" || out.Refresh.Reveal() != "rt-1" || !out.Expiry.Equal(exp) || out.UserID != "42" || strings.Join(out.Scopes, " ") != "tweet.read tweet.write" {
		t.Errorf("Load: got %+v (access %q), want what was saved", out, out.Access.Reveal())
	}
	// a token printed by accident shows nothing
	if s := fmt.Sprintf("%v %+v", out, out); strings.Contains(s, "at-1") || strings.Contains(s, "rt-1") {
		t.Errorf("printing a Token leaks it: %s", s)
	}
	if got := out.Missing([]string{"tweet.write", "media.write"}); len(got) != 1 || got[0] != "media.write" {
		t.Errorf("Missing: got %v, want [media.write]", got)
	}
}

func TestStoreRefuses(t *testing.T) {
	s := NewStore(t.TempDir())
	if _, err := s.Load("nobody"); !errors.Is(err, ErrNoToken) {
		t.Errorf("Load of an account never signed in: got %v, want ErrNoToken", err)
	}
	if err := s.Save("../escape", Token{Access: publish.NewSecret("x")}); err == nil {
		t.Errorf("Save with a path in the id: got no error")
	}
	if err := s.Save("open", Token{Access: publish.NewSecret("x")}); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(s.Path("open"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := s.Load("open")
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("Load of a group/other-readable token file: got %v, want a refusal saying chmod 600", err)
	}
	if err := os.Symlink(s.Path("open"), s.Path("link")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("link"); err == nil {
		t.Errorf("Load through a symbolic link: got no error")
	}
}

// TestTokenError: a token only a new sign-in can fix is a permanent 401
// that says how to sign in; any other failure to get one is retried.
func TestTokenError(t *testing.T) {
	err := TokenError("linkedin", fmt.Errorf("refresh refused: %w", ErrSignIn), "sign in again: campaignkit accounts login linkedin --account un")
	var perm *publish.PermanentError
	if !errors.As(err, &perm) || perm.Status != 401 || !strings.Contains(perm.Msg, "accounts login linkedin --account un") || !strings.HasPrefix(perm.Msg, "linkedin: ") {
		t.Errorf("sign-in needed: got %v", err)
	}
	disk := errors.New("token file: permission denied")
	if err := TokenError("x", disk, "hint"); publish.IsPermanent(err) || !errors.Is(err, disk) {
		t.Errorf("a store error: got %v, want a retried error wrapping it", err)
	}
}
