package account

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/campaignkit/campaignkit/toolkit"
)

const goodFile = `# accounts of the Migrants Day campaign
accounts:
  - id: un-x-en
    network: x
    handle: "@UNmigration"
    languages: [en]
  - id: un-x-es
    network: x
    handle: "@ONUmigracion"
    languages: [es]
    credentials:
      client_id_env: UN_X_CLIENT_ID
      client_secret_file: ./secrets/x-client-secret
  - id: iom-linkedin
    network: linkedin
    handle: IOM - UN Migration
`

func TestLoadAndRoute(t *testing.T) {
	fsys := fstest.MapFS{"accounts.yaml": {Data: []byte(goodFile)}}
	f, err := Load(fsys, "accounts.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := len(f.Accounts), 3; got != want {
		t.Fatalf("got %d accounts, want %d", got, want)
	}
	if got, want := f.Accounts[1].Line, 7; got != want {
		t.Errorf("line of accounts[1]: got %d, want %d", got, want)
	}
	tests := []struct{ network, lang, want string }{
		{"x", "en", "un-x-en"},
		{"x", "es", "un-x-es"},
		{"x", "es-419", "un-x-es"}, // primary language
		{"x", "EN", "un-x-en"},
		{"linkedin", "ar", "iom-linkedin"}, // one page for every language
		{"linkedin", "en", "iom-linkedin"},
	}
	for _, tt := range tests {
		a, err := f.Route(tt.network, tt.lang)
		if err != nil {
			t.Errorf("Route(%s, %s): %v", tt.network, tt.lang, err)
			continue
		}
		if a.ID != tt.want {
			t.Errorf("Route(%s, %s): got %s, want %s", tt.network, tt.lang, a.ID, tt.want)
		}
	}
	if _, err := f.Route("x", "fr"); err == nil || !strings.Contains(err.Error(), `serves language "fr"`) {
		t.Errorf("Route(x, fr): got %v, want an error saying no account serves fr", err)
	}
	if _, err := f.Route("threads", "en"); err == nil {
		t.Errorf("Route(threads, en): got no error for a network with no account")
	}
	if got, want := f.Accounts[1].Credentials.ClientIDVar("x"), "UN_X_CLIENT_ID"; got != want {
		t.Errorf("ClientIDVar: got %s, want %s", got, want)
	}
	if got, want := f.Accounts[0].Credentials.ClientSecretVar("x"), "CAMPAIGNKIT_X_CLIENT_SECRET"; got != want {
		t.Errorf("ClientSecretVar default: got %s, want %s", got, want)
	}
}

// TestBadFiles lists bad files with every problem each must report, as
// file:line: field: message fragments.
func TestBadFiles(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"unknown key", "accounts:\n  - id: a\n    network: x\n    handle: h\n    colour: blue\n",
			[]string{`accounts.yaml:5: accounts[0].colour: unknown key "colour"`}},
		{"missing fields", "accounts:\n  - languages: [en]\n",
			[]string{"accounts.yaml:2: accounts[0].handle: missing", "accounts.yaml:2: accounts[0].id: missing", "accounts.yaml:2: accounts[0].network: missing"}},
		{"bad values", "accounts:\n  - id: UN_X\n    network: myspace\n    handle: h\n    languages: [english]\n",
			[]string{`accounts.yaml:2: accounts[0].id: "UN_X"`, `accounts.yaml:3: accounts[0].network: unknown network "myspace"`, `accounts.yaml:5: accounts[0].languages[0]: "english" is not a language tag`}},
		{"ambiguous routing", "accounts:\n  - id: a\n    network: x\n    handle: h\n    languages: [en]\n  - id: b\n    network: x\n    handle: h2\n    languages: [fr, en]\n  - id: c\n    network: x\n    handle: h3\n  - id: d\n    network: x\n    handle: h4\n",
			[]string{"accounts.yaml:9: accounts[1].languages[1]: en is already served on x by accounts[0]", "accounts.yaml:13: accounts[3].languages: both this account and accounts[2] serve every language"}},
		{"duplicate id", "accounts:\n  - id: a\n    network: x\n    handle: h\n  - id: a\n    network: linkedin\n    handle: h\n",
			[]string{`accounts.yaml:5: accounts[1].id: "a" is already the id of accounts[0]`}},
		{"secret under a secret key", "accounts:\n  - id: a\n    network: x\n    handle: h\n    credentials:\n      client_secret: hunter2\n",
			[]string{"accounts.yaml:6: accounts[0].credentials.client_secret: a secret must not be written in this file"}},
		{"token as a value", "accounts:\n  - id: a\n    network: x\n    handle: h\n    note: dGhpcyBpcyBub3QgYSByZWFsIHRva2VuMTIz\n",
			[]string{"accounts.yaml:5: accounts[0].note: this value looks like a token"}},
		{"token given where a variable name goes", "accounts:\n  - id: a\n    network: x\n    handle: h\n    credentials:\n      client_secret_env: Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5\n",
			[]string{"accounts.yaml:6: accounts[0].credentials.client_secret_env: this looks like a secret"}},
		{"bearer token", "accounts:\n  - id: a\n    network: x\n    handle: Bearer AAAAAAAAAAAAAAAAAAAAAxyz\n",
			[]string{"accounts.yaml:4: accounts[0].handle: this value looks like a token"}},
		{"no accounts", "accounts: []\n", []string{"accounts.yaml:1: accounts: no accounts"}},
		{"malformed", "accounts:\n  - id: [\n", []string{"accounts.yaml:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("accounts.yaml", []byte(tt.yaml))
			var ie *toolkit.InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want an *InvalidError", err)
			}
			var got []string
			for _, p := range ie.Problems {
				got = append(got, p.String())
			}
			for _, w := range tt.want {
				found := false
				for _, g := range got {
					if strings.HasPrefix(g, w) {
						found = true
					}
				}
				if !found {
					t.Errorf("no problem starts with %q; got:\n  %s", w, strings.Join(got, "\n  "))
				}
			}
		})
	}
}

func TestLooksSecret(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"@UNmigration", false},
		{"IOM - UN Migration", false},
		{"CAMPAIGNKIT_X_CLIENT_SECRET", false},
		{"./secrets/x-client-secret", false},
		{"un-x-en", false},
		{"https://example.org/Migrants2026Day", false},
		{"rG9n6402A3dbUJKzXTNX4oWHJ", true},
		{"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc", true},
		{"Bearer abc", true},
	}
	for _, tt := range tests {
		if got := looksSecret(tt.s); got != tt.want {
			t.Errorf("looksSecret(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
