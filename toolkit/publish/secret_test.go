package publish

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testSecretValue = "s3cr3t-t0ken-value"

func TestSecretNeverPrints(t *testing.T) {
	s := NewSecret(testSecretValue)
	type config struct {
		Server string
		Token  Secret
		Ptr    *Secret
	}
	cfg := config{Server: "https://example.org", Token: s, Ptr: &s}

	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("publishing", "token", s, "cfg", cfg)
	var jsonLogged bytes.Buffer
	slog.New(slog.NewJSONHandler(&jsonLogged, nil)).Info("publishing", "token", s, "ptr", &s)
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	txt, err := s.MarshalText()
	if err != nil {
		t.Fatal(err)
	}

	outputs := map[string]string{
		"%v":         fmt.Sprintf("%v", s),
		"%s":         fmt.Sprintf("%s", s),
		"%q":         fmt.Sprintf("%q", s),
		"%x":         fmt.Sprintf("%x", s),
		"%+v struct": fmt.Sprintf("%+v", cfg),
		"%#v struct": fmt.Sprintf("%#v", cfg),
		"%v pointer": fmt.Sprintf("%v", &s),
		"Sprint":     fmt.Sprint(s),
		"String":     s.String(),
		"error wrap": fmt.Errorf("login with %v failed", s).Error(),
		"json":       string(js),
		"text":       string(txt),
		"slog text":  logged.String(),
		"slog json":  jsonLogged.String(),
	}
	for name, got := range outputs {
		if strings.Contains(got, testSecretValue) {
			t.Errorf("%s: got %q, which leaks the secret", name, got)
		}
		if !strings.Contains(got, "[redacted]") {
			t.Errorf("%s: got %q, want it to say [redacted]", name, got)
		}
	}
	if got := s.Reveal(); got != testSecretValue {
		t.Errorf("Reveal() = %q, want %q", got, testSecretValue)
	}
}

func TestLoadSecret(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good", testSecretValue+"\n", 0o600)
	readOnly := write("readonly", testSecretValue, 0o400)
	groupRead := write("group", testSecretValue, 0o640)
	worldRead := write("world", testSecretValue, 0o644)
	empty := write("empty", "\n", 0o600)
	env := map[string]string{"CK_TOKEN": testSecretValue, "CK_EMPTY": ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }

	tests := []struct {
		name    string
		env     string
		file    string
		want    string
		source  string
		wantErr string
	}{
		{"env", "CK_TOKEN", "", testSecretValue, "env CK_TOKEN", ""},
		{"env wins over file", "CK_TOKEN", worldRead, testSecretValue, "env CK_TOKEN", ""},
		{"file 0600, newline trimmed", "CK_UNSET", good, testSecretValue, "file " + good, ""},
		{"file 0400", "", readOnly, testSecretValue, "file " + readOnly, ""},
		{"empty env falls back to file", "CK_EMPTY", good, testSecretValue, "file " + good, ""},
		{"group-readable file", "", groupRead, "", "", "has mode 0640: group and others must have no access (run: chmod 600"},
		{"world-readable file", "CK_UNSET", worldRead, "", "", "has mode 0644"},
		{"empty file", "", empty, "", "", "is empty"},
		{"missing file", "", filepath.Join(dir, "nope"), "", "", "no such file"},
		{"a folder", "", dir, "", "", "not a regular file"},
		{"nothing set", "CK_UNSET", "", "", "", "CK_UNSET is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadSecret(lookup, tt.env, tt.file)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), testSecretValue) {
					t.Errorf("error %q leaks the secret", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v, want nil", err)
			}
			if got.Reveal() != tt.want || got.Source() != tt.source {
				t.Errorf("got %q from %q, want %q from %q", got.Reveal(), got.Source(), tt.want, tt.source)
			}
		})
	}
	if _, err := LoadSecret(lookup, "", ""); !errors.Is(err, ErrNoSecret) {
		t.Errorf("no names: err = %v, want ErrNoSecret", err)
	}
}
