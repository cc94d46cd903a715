package account

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
	"gopkg.in/yaml.v3"
)

// FileName is the accounts file's name, beside the campaign file or in the
// state folder.
const FileName = "accounts.yaml"

// Networks an account may belong to.
var Networks = []string{"x", "linkedin", "facebook", "instagram", "threads", "mastodon", "bluesky"}

// File is a decoded, checked accounts file.
type File struct {
	Name     string    `yaml:"-"` // as it was named, for messages
	Accounts []Account `yaml:"accounts"`
}

// Account is one account on one network.
type Account struct {
	// ID names the account in commands (--account) and is the name of its
	// token file: lowercase letters, digits and dashes.
	ID      string `yaml:"id"`
	Network string `yaml:"network"`
	// Handle is how people know the account (@UNmigration, a page name);
	// it is shown, never used to route.
	Handle string `yaml:"handle"`
	// Languages are the BCP 47 tags of the posts this account publishes;
	// empty means every language the network's other accounts do not
	// claim.
	Languages   []string    `yaml:"languages"`
	Credentials Credentials `yaml:"credentials"`

	Line int `yaml:"-"` // where the account starts in the file
}

// Credentials say where the account's app credentials come from: the
// names of environment variables, or a file only its owner can read. The
// user's own tokens are not here: they are in the token store, put there
// by `campaignkit accounts login`.
type Credentials struct {
	ClientIDEnv      string `yaml:"client_id_env"`      // default CAMPAIGNKIT_<NETWORK>_CLIENT_ID
	ClientIDFile     string `yaml:"client_id_file"`     // a file holding the client ID
	ClientSecretEnv  string `yaml:"client_secret_env"`  // default CAMPAIGNKIT_<NETWORK>_CLIENT_SECRET
	ClientSecretFile string `yaml:"client_secret_file"` // mode 0600
}

// ClientIDVar returns the environment variable that holds the client ID.
func (c Credentials) ClientIDVar(network string) string {
	if c.ClientIDEnv != "" {
		return c.ClientIDEnv
	}
	return "CAMPAIGNKIT_" + strings.ToUpper(network) + "_CLIENT_ID"
}

// ClientSecretVar returns the environment variable that holds the client
// secret.
func (c Credentials) ClientSecretVar(network string) string {
	if c.ClientSecretEnv != "" {
		return c.ClientSecretEnv
	}
	return "CAMPAIGNKIT_" + strings.ToUpper(network) + "_CLIENT_SECRET"
}

var (
	idRe   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	envRe  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	langRe = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)
)

// Load reads the accounts file name from fsys through the bounded reader
// and checks it. Every problem is reported at once, with file:line, as a
// *toolkit.InvalidError.
func Load(fsys fs.FS, name string) (*File, error) {
	data, err := toolkit.ReadFile(fsys, name, toolkit.MaxYAMLBytes)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, toolkit.Invalid(name, 0, "", "no such file")
		}
		return nil, toolkit.Invalid(name, 0, "", "cannot read the accounts file: %s", toolkit.Reason(err))
	}
	return Parse(name, data)
}

// Parse is Load for data already read; name is used in messages.
func Parse(name string, data []byte) (*File, error) {
	ps := &toolkit.Problems{File: name}
	// The secret check comes first and works on the YAML tree, so that a
	// token under a key the decoder does not know is still named as a
	// token, not merely as an unknown key.
	var root yaml.Node
	if yaml.Unmarshal(data, &root) == nil {
		findSecrets(ps, &root, "")
	}
	f := &File{Name: name}
	pos, err := toolkit.DecodeYAML(name, data, f)
	if err != nil {
		var ie *toolkit.InvalidError
		if !errors.As(err, &ie) {
			return nil, err
		}
		ps.Append(ie.Problems...)
	}
	if pos == nil {
		return nil, ps.Err()
	}
	f.check(ps, pos)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *File) check(ps *toolkit.Problems, pos toolkit.Positions) {
	if len(f.Accounts) == 0 {
		ps.Add(pos.Line("accounts"), "accounts", "no accounts: list at least one, with id, network and handle")
	}
	ids := map[string]string{}
	// network -> language ("" for every other language) -> account path
	claims := map[string]map[string]string{}
	for i := range f.Accounts {
		a := &f.Accounts[i]
		at := fmt.Sprintf("accounts[%d]", i)
		a.Line = pos.Line(at)
		line := func(field string) int { return pos.Line(at + field) }
		switch {
		case a.ID == "":
			ps.Add(line(""), at+".id", "missing: name the account, e.g. un-x-en")
		case !idRe.MatchString(a.ID):
			ps.Add(line(".id"), at+".id", "%q: use lowercase letters, digits and single dashes, e.g. un-x-en", a.ID)
		case ids[a.ID] != "":
			ps.Add(line(".id"), at+".id", "%q is already the id of %s", a.ID, ids[a.ID])
		default:
			ids[a.ID] = at
		}
		if a.Network == "" {
			ps.Add(line(""), at+".network", "missing: choose from %s", strings.Join(Networks, ", "))
		} else if !slices.Contains(Networks, a.Network) {
			ps.Add(line(".network"), at+".network", "unknown network %q: choose from %s", a.Network, strings.Join(Networks, ", "))
		}
		if strings.TrimSpace(a.Handle) == "" {
			ps.Add(line(""), at+".handle", "missing: the account's name as people see it, e.g. @UNmigration")
		}
		c := claims[a.Network]
		if c == nil {
			c = map[string]string{}
			claims[a.Network] = c
		}
		if len(a.Languages) == 0 {
			if other := c[""]; other != "" {
				ps.Add(line(""), at+".languages", "both this account and %s serve every language on %s: give one of them its languages", other, a.Network)
			} else {
				c[""] = at
			}
		}
		for k, l := range a.Languages {
			lp := fmt.Sprintf("%s.languages[%d]", at, k)
			if !langRe.MatchString(l) {
				ps.Add(pos.Line(lp), lp, "%q is not a language tag such as en, es or pt-BR", l)
				continue
			}
			key := strings.ToLower(l)
			if other := c[key]; other != "" {
				ps.Add(pos.Line(lp), lp, "%s is already served on %s by %s: a post must have one account to go to", l, a.Network, other)
				continue
			}
			c[key] = at
		}
		cr := a.Credentials
		for _, v := range []struct{ field, value string }{{"client_id_env", cr.ClientIDEnv}, {"client_secret_env", cr.ClientSecretEnv}} {
			if v.value != "" && !envRe.MatchString(v.value) {
				fp := at + ".credentials." + v.field
				ps.Add(pos.Line(fp), fp, "want the name of an environment variable, such as CAMPAIGNKIT_X_CLIENT_SECRET, got %q", v.value)
			}
		}
	}
}

// Find returns the account with id, or an error listing the known ones.
func (f *File) Find(id string) (*Account, error) {
	var known []string
	for i := range f.Accounts {
		if f.Accounts[i].ID == id {
			return &f.Accounts[i], nil
		}
		known = append(known, f.Accounts[i].ID)
	}
	return nil, fmt.Errorf("%s: no account %q (accounts: %s)", f.Name, id, strings.Join(known, ", "))
}

// OnNetwork returns the accounts of network, in file order.
func (f *File) OnNetwork(network string) []*Account {
	var out []*Account
	for i := range f.Accounts {
		if f.Accounts[i].Network == network {
			out = append(out, &f.Accounts[i])
		}
	}
	return out
}

// Route returns the account of network that publishes posts in lang: the
// one listing lang itself, else the one listing its primary language ("es"
// for "es-419"), else the network's account with no languages.
func (f *File) Route(network, lang string) (*Account, error) {
	accts := f.OnNetwork(network)
	if len(accts) == 0 {
		return nil, fmt.Errorf("%s: no %s account", f.Name, network)
	}
	want := strings.ToLower(lang)
	primary, _, _ := strings.Cut(want, "-")
	var byPrimary, catchAll *Account
	for _, a := range accts {
		if len(a.Languages) == 0 {
			catchAll = a
		}
		for _, l := range a.Languages {
			switch strings.ToLower(l) {
			case want:
				return a, nil
			case primary:
				byPrimary = a
			}
		}
	}
	if byPrimary != nil {
		return byPrimary, nil
	}
	if catchAll != nil {
		return catchAll, nil
	}
	return nil, fmt.Errorf("%s: no %s account serves language %q: add it to an account's languages, or add an account with no languages", f.Name, network, lang)
}
