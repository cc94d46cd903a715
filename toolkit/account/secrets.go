package account

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/campaignkit/campaignkit/toolkit"
	"gopkg.in/yaml.v3"
)

// secretKeys are keys whose value is a secret whatever it looks like.
var secretKeys = []string{"secret", "token", "password", "passwd", "api_key", "apikey", "private_key", "client_secret", "access_token", "refresh_token", "app_password", "bearer"}

// findSecrets adds a problem for every value under n that is, or looks
// like, a secret. The accounts file sits beside the campaign, is copied,
// mailed and committed: a token in it is a leaked token.
func findSecrets(ps *toolkit.Problems, n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			findSecrets(ps, c, path)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			findSecrets(ps, c, fmt.Sprintf("%s[%d]", path, i))
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			fp := k.Value
			if path != "" {
				fp = path + "." + k.Value
			}
			if v.Kind == yaml.ScalarNode && v.Value != "" && isSecretKey(k.Value) {
				ps.Add(v.Line, fp, "a secret must not be written in this file: put it in an environment variable or a file only you can read (chmod 600) and give its name with %s_env or %s_file", k.Value, k.Value)
				continue
			}
			if strings.HasSuffix(k.Value, "_env") || strings.HasSuffix(k.Value, "_file") {
				if v.Kind == yaml.ScalarNode && looksSecret(v.Value) && !looksLikePath(v.Value) {
					ps.Add(v.Line, fp, "this looks like a secret, not the name of a variable or a file: put the secret there and name it here")
				}
				continue
			}
			findSecrets(ps, v, fp)
		}
	case yaml.ScalarNode:
		if looksSecret(n.Value) {
			ps.Add(n.Line, path, "this value looks like a token or a password: keep secrets out of this file (use an environment variable or a 0600 file and give its name)")
		}
	}
}

func isSecretKey(k string) bool {
	k = strings.ToLower(k)
	if strings.HasSuffix(k, "_env") || strings.HasSuffix(k, "_file") {
		return false
	}
	for _, s := range secretKeys {
		if k == s || strings.HasSuffix(k, "_"+s) {
			return true
		}
	}
	return false
}

// looksSecret reports whether s has the shape of a credential: a known
// token prefix, a bearer header, a JWT, or a long run of letters and
// digits mixing cases, as random tokens do and names and handles do not.
func looksSecret(s string) bool {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(strings.ToLower(s), "bearer ") || strings.HasPrefix(strings.ToLower(s), "basic ") {
		return true
	}
	for _, p := range []string{"eyJ", "AAAAAAAAAAAAAAAAAAAA", "xoxb-", "xoxp-", "ghp_", "github_pat_", "sk-", "EAA"} {
		if strings.HasPrefix(s, p) && len(s) >= 20 {
			return true
		}
	}
	if len(s) < 20 || strings.ContainsAny(s, " \t\n") || looksLikePath(s) || strings.Contains(s, "://") {
		return false
	}
	var upper, lower, digit int
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		case unicode.IsDigit(r):
			digit++
		case strings.ContainsRune("-_.~+/=:", r):
		default:
			return false // not a token alphabet
		}
	}
	return upper > 0 && lower > 0 && digit > 0
}

func looksLikePath(s string) bool {
	return strings.HasPrefix(s, "/") || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || strings.HasPrefix(s, "~/") ||
		strings.HasSuffix(s, ".txt") || strings.HasSuffix(s, ".secret") || strings.HasSuffix(s, ".key")
}
