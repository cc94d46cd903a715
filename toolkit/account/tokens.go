package account

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// Token is what a sign-in gives: an access token, the refresh token that
// renews it, when it expires and what it allows.
type Token struct {
	Access  publish.Secret
	Refresh publish.Secret // zero when the network gave none (no offline.access)
	Expiry  time.Time      // zero when the token does not expire
	Scopes  []string
	// UserID and Username are the network's own names for the signed-in
	// account, learned at sign-in: a publisher needs the id to read the
	// account's recent posts.
	UserID   string
	Username string
	Saved    time.Time // when it was written
}

// ExpiresWithin reports whether t expires less than d after now.
func (t Token) ExpiresWithin(now time.Time, d time.Duration) bool {
	return !t.Expiry.IsZero() && t.Expiry.Sub(now) < d
}

// HasScopes reports the scopes of want that t lacks.
func (t Token) Missing(want []string) []string {
	var out []string
	for _, w := range want {
		found := false
		for _, s := range t.Scopes {
			if s == w {
				found = true
				break
			}
		}
		if !found {
			out = append(out, w)
		}
	}
	return out
}

// tokenFile is a Token as stored on disk. The values are written as they
// are: the file's mode, not its content, protects them.
type tokenFile struct {
	Access   string    `json:"access_token"`
	Refresh  string    `json:"refresh_token,omitempty"`
	Expiry   time.Time `json:"expiry,omitzero"`
	Scopes   []string  `json:"scopes"`
	UserID   string    `json:"user_id,omitempty"`
	Username string    `json:"username,omitempty"`
	Saved    time.Time `json:"saved"`
}

// ErrNoToken is returned by Store.Load for an account nobody signed in.
var ErrNoToken = errors.New("not signed in")

// maxTokenFile bounds a token file; real ones are under 2 kB.
const maxTokenFile = 64 << 10

// Store keeps one token file per account in a folder of the state folder
// (<state>/tokens/<id>.json). Files are written atomically with mode 0600
// in a 0700 folder, and a file anyone else may read is refused rather than
// used: the token in it must be considered leaked.
type Store struct {
	dir string
}

// NewStore returns the store in dir; the folder is made on the first Save.
func NewStore(dir string) *Store { return &Store{dir: dir} }

// Dir returns the store's folder.
func (s *Store) Dir() string { return s.dir }

// Path returns the token file of account id.
func (s *Store) Path(id string) string { return filepath.Join(s.dir, id+".json") }

// Load returns the token of account id, or an error wrapping ErrNoToken.
func (s *Store) Load(id string) (Token, error) {
	if !idRe.MatchString(id) {
		return Token{}, fmt.Errorf("account id %q: not a valid id", id)
	}
	path := s.Path(id)
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Token{}, fmt.Errorf("account %s: %w (run: campaignkit accounts login NETWORK --account %s)", id, ErrNoToken, id)
	}
	if err != nil {
		return Token{}, fmt.Errorf("token file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return Token{}, fmt.Errorf("token file %s is a %s, not a file: refusing to read it", path, toolkit.KindOf(path))
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return Token{}, fmt.Errorf("token file %s has mode %#o: group and others must have no access; the tokens in it may have been read, so sign in again after fixing it (chmod 600 %s)", path, uint32(perm), path)
	}
	f, err := os.Open(path)
	if err != nil {
		return Token{}, fmt.Errorf("token file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTokenFile+1))
	if err != nil {
		return Token{}, fmt.Errorf("token file: %w", err)
	}
	if len(data) > maxTokenFile {
		return Token{}, fmt.Errorf("token file %s is over %d bytes: not a token file", path, maxTokenFile)
	}
	var tf tokenFile
	if err := json.Unmarshal(data, &tf); err != nil {
		return Token{}, fmt.Errorf("token file %s: %w", path, err)
	}
	if tf.Access == "" {
		return Token{}, fmt.Errorf("token file %s has no access token: %w", path, ErrNoToken)
	}
	return Token{
		Access: publish.NewSecret(tf.Access), Refresh: publish.NewSecret(tf.Refresh),
		Expiry: tf.Expiry, Scopes: tf.Scopes, UserID: tf.UserID, Username: tf.Username, Saved: tf.Saved,
	}, nil
}

// Save writes the token of account id, replacing the old one atomically.
func (s *Store) Save(id string, t Token) error {
	if !idRe.MatchString(id) {
		return fmt.Errorf("account id %q: not a valid id", id)
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("token store: %w", err)
	}
	if st, err := os.Stat(s.dir); err == nil && st.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(s.dir, 0o700); err != nil {
			return fmt.Errorf("token store: %w", err)
		}
	}
	tf := tokenFile{Access: t.Access.Reveal(), Refresh: t.Refresh.Reveal(), Expiry: t.Expiry.UTC(),
		Scopes: t.Scopes, UserID: t.UserID, Username: t.Username, Saved: t.Saved.UTC()}
	data, err := json.MarshalIndent(tf, "", "  ")
	if err != nil {
		return err
	}
	if err := toolkit.WriteFileBytes(s.Path(id), 0o600, append(data, '\n')); err != nil {
		return fmt.Errorf("token store: %w", err)
	}
	return nil
}

// Delete removes the token of account id (sign-out); no token is no error.
func (s *Store) Delete(id string) error {
	err := os.Remove(s.Path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// scopeList splits an OAuth scope string: space-separated (RFC 6749), or
// comma-separated as LinkedIn answers it.
func scopeList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}
