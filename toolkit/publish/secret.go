package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
)

// redacted is what a Secret prints as, whatever the verb or encoder.
const redacted = "[redacted]"

// Secret holds a token, an app password or a signing key. It prints as
// "[redacted]" through fmt (every verb), encoding/json, encoding (text) and
// log/slog, so a Secret that reaches a log line, an error or a JSON document
// by accident does not leak. Reveal returns the value for the one place that
// must send it.
type Secret struct {
	value  string
	source string // where it came from, for error messages: "env FOO", "file /x"
}

// NewSecret wraps a value obtained some other way (tests, a key store).
func NewSecret(value string) Secret { return Secret{value: value, source: "value"} }

// Reveal returns the secret's value. Call it only where the value is sent.
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.value == "" }

// Source says where the secret was loaded from ("env NAME" or "file PATH"),
// never what it is.
func (s Secret) Source() string { return s.source }

// String returns "[redacted]".
func (s Secret) String() string { return redacted }

// GoString returns "[redacted]", so %#v does not leak either.
func (s Secret) GoString() string { return redacted }

// Format prints "[redacted]" for every verb and flag.
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(redacted)) }

// MarshalJSON encodes the secret as the string "[redacted]".
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText encodes the secret as "[redacted]" (YAML, XML, map keys).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue makes slog print "[redacted]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

var (
	_ fmt.Formatter                              = Secret{}
	_ fmt.GoStringer                             = Secret{}
	_ slog.LogValuer                             = Secret{}
	_ interface{ MarshalJSON() ([]byte, error) } = Secret{}
)

// ErrNoSecret is returned by LoadSecret when neither the environment
// variable nor the file is given.
var ErrNoSecret = errors.New("no secret configured")

// LoadSecret reads a secret from the environment variable envName (looked up
// with lookupEnv, normally os.LookupEnv: the library does not read the
// environment itself) or, when that is unset or empty, from the file at
// filePath. The file must be a regular file that only its owner can read or
// write (mode 0600 or 0400): a file with any group or other permission bit is
// refused, because anyone else on the machine could read the token. One
// trailing newline is removed from the file's content.
//
// Either name may be empty. With neither set it returns an error wrapping
// ErrNoSecret that names both.
func LoadSecret(lookupEnv func(string) (string, bool), envName, filePath string) (Secret, error) {
	if envName != "" && lookupEnv != nil {
		if v, ok := lookupEnv(envName); ok && v != "" {
			return Secret{value: strings.TrimRight(v, "\r\n"), source: "env " + envName}, nil
		}
	}
	if filePath == "" {
		if envName == "" {
			return Secret{}, ErrNoSecret
		}
		return Secret{}, fmt.Errorf("environment variable %s is not set and no secret file is given: %w", envName, ErrNoSecret)
	}
	fi, err := os.Stat(filePath)
	if err != nil {
		return Secret{}, fmt.Errorf("secret file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return Secret{}, fmt.Errorf("secret file %s: not a regular file (%s)", filePath, fi.Mode().Type())
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return Secret{}, &insecureFileError{path: filePath, perm: perm}
	}
	b, err := os.ReadFile(filePath)
	if err != nil {
		return Secret{}, fmt.Errorf("secret file: %w", err)
	}
	v := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if v == "" {
		return Secret{}, fmt.Errorf("secret file %s is empty", filePath)
	}
	return Secret{value: v, source: "file " + filePath}, nil
}

// insecureFileError is returned for a secret file others can read.
type insecureFileError struct {
	path string
	perm fs.FileMode
}

func (e *insecureFileError) Error() string {
	return fmt.Sprintf("secret file %s has mode %#o: group and others must have no access (run: chmod 600 %s)", e.path, uint32(e.perm), e.path)
}
