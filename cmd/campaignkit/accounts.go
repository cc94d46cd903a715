package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/x"
)

// Environment variables that point campaignkit at X's servers; only a
// proxy or a test changes them.
const (
	envXAPI       = "CAMPAIGNKIT_X_API"           // default https://api.x.com
	envXAuthorize = "CAMPAIGNKIT_X_AUTHORIZE_URL" // default https://x.com/i/oauth2/authorize
	envAccounts   = "CAMPAIGNKIT_ACCOUNTS"
)

// findAccounts returns the accounts file to use: the one named (flag or
// CAMPAIGNKIT_ACCOUNTS), else accounts.yaml beside the campaign, else in
// the state folder; "" when there is none.
func findAccounts(named, campaignDir, state string) string {
	if named != "" {
		return named
	}
	for _, dir := range []string{campaignDir, state} {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, account.FileName)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// loadAccounts reads the accounts file at path through the bounded reader.
func loadAccounts(path string) (*account.File, error) {
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	fsys, err := toolkit.OpenFolder(dir)
	if err != nil {
		return nil, toolkit.Invalid(path, 0, "", "cannot open its folder: %s", toolkit.Reason(err))
	}
	defer fsys.Close()
	f, err := account.Load(fsys, name)
	relabel(err, func(string) string { return path })
	if f != nil {
		f.Name = path
	}
	return f, err
}

func tokenStore(state string) *account.Store {
	return account.NewStore(filepath.Join(state, "tokens"))
}

// oauthClient is the X app an account signs in through, its credentials
// read from where the accounts file says.
func oauthClient(a *account.Account, env func(string) (string, bool)) (*account.Client, error) {
	switch a.Network {
	case "x":
	case "linkedin":
		return linkedinClient(a, env)
	case "threads":
		return threadsClient(a, env)
	default:
		return nil, fmt.Errorf("account %s: signing in to %s is not built yet", a.ID, a.Network)
	}
	cr := a.Credentials
	idVar := cr.ClientIDVar(a.Network)
	id, err := publish.LoadSecret(env, idVar, cr.ClientIDFile)
	if err != nil {
		return nil, usagef("account %s: client id: %v (set %s to the OAuth 2.0 Client ID from the app's Keys and tokens page)", a.ID, err, idVar)
	}
	secret, err := publish.LoadSecret(env, cr.ClientSecretVar(a.Network), cr.ClientSecretFile)
	if err != nil && !errors.Is(err, publish.ErrNoSecret) {
		return nil, usagef("account %s: client secret: %v", a.ID, err)
	}
	if errors.Is(err, publish.ErrNoSecret) {
		secret = publish.Secret{} // a public client: PKCE alone
	}
	api := envOr(env, envXAPI, "https://api.x.com")
	return &account.Client{
		ID: id.Reveal(), Secret: secret, Scopes: account.XScopes,
		Endpoint: account.Endpoint{AuthURL: envOr(env, envXAuthorize, account.XEndpoint.AuthURL), TokenURL: strings.TrimRight(api, "/") + "/2/oauth2/token"},
	}, nil
}

func envOr(env func(string) (string, bool), name, def string) string {
	if v, ok := env(name); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

// xPublisher is the publisher of one X account, its token renewed from the
// store and its intents journaled in the state folder.
func xPublisher(a *account.Account, state string, env func(string) (string, bool)) (*x.Publisher, *account.Source, error) {
	c, err := oauthClient(a, env)
	if err != nil {
		return nil, nil, err
	}
	src := &account.Source{ID: a.ID, Store: tokenStore(state), Client: c}
	userID := ""
	if t, err := src.Current(); err == nil {
		userID = t.UserID
	}
	p, err := x.New(x.Config{API: envOr(env, envXAPI, "https://api.x.com"), Account: a.ID, Handle: a.Handle, Tokens: src,
		UserID: userID, Journal: filepath.Join(state, "journal", "x", a.ID)})
	if err != nil {
		return nil, nil, err
	}
	return p, src, nil
}

// accountPublishers adds to pubs the channels served by accounts.yaml:
// CAMPAIGNKIT_ACCOUNTS, else accounts.yaml in the state folder, else
// beside it when the state folder is the default .campaignkit beside the
// campaign. A network with several accounts routes each post by language.
func accountPublishers(state string, env func(string) (string, bool), logger *slog.Logger, pubs map[string]publish.Publisher) error {
	named, _ := env(envAccounts)
	parent := ""
	if filepath.Base(filepath.Clean(state)) == ".campaignkit" {
		parent = filepath.Dir(filepath.Clean(state))
	}
	path := findAccounts(strings.TrimSpace(named), state, parent)
	if path == "" {
		return nil
	}
	f, err := loadAccounts(path)
	if err != nil {
		return err
	}
	// One case per network: the publisher of one of its accounts.
	build := func(a *account.Account) (publish.Publisher, error) {
		switch a.Network {
		case "x":
			p, _, err := xPublisher(a, state, env)
			return p, err
		case "linkedin":
			p, _, err := linkedinPublisher(a, state, env)
			return p, err
		case "threads":
			p, _, err := threadsPublisher(a, state, env)
			return p, err
		}
		return nil, nil
	}
	counts := []any{"file", path}
	for _, network := range account.Networks {
		if isMeta(network) {
			continue // metaPublishers, below
		}
		byID := map[string]publish.Publisher{}
		for _, a := range f.OnNetwork(network) {
			p, err := build(a)
			if err != nil {
				return err
			}
			if p == nil {
				logger.Warn("accounts.yaml lists an account on a network campaignkit cannot publish to yet; its posts go to the outbox", "account", a.ID, "network", a.Network)
				continue
			}
			byID[a.ID] = p
		}
		if len(byID) == 0 {
			continue
		}
		pubs[network] = &publish.ByLanguage{Channel: network, Pick: func(lang string) (publish.Publisher, error) {
			a, err := f.Route(network, lang)
			if err != nil {
				return nil, err
			}
			return byID[a.ID], nil
		}}
		counts = append(counts, network, len(byID))
	}
	for _, network := range []string{"facebook", "instagram"} {
		if err := metaPublishers(f, network, state, env, logger, pubs); err != nil {
			return err
		}
		counts = append(counts, network, len(f.OnNetwork(network)))
	}
	logger.Info("accounts", counts...)
	return nil
}

// networkTitle is a network's name as people write it.
func networkTitle(network string) string {
	switch network {
	case "x":
		return "X"
	case "linkedin":
		return "LinkedIn"
	case "threads":
		return "Threads"
	case "facebook":
		return "Facebook"
	case "instagram":
		return "Instagram"
	}
	return network
}

// appCredentials reads an account's client id and, when required, its
// client secret, from where the accounts file says; what names what to
// the operator ("the app's Client ID from its Auth tab").
func appCredentials(a *account.Account, env func(string) (string, bool), idWhat, secretWhat string) (string, publish.Secret, error) {
	cr := a.Credentials
	idVar, secretVar := cr.ClientIDVar(a.Network), cr.ClientSecretVar(a.Network)
	id, err := publish.LoadSecret(env, idVar, cr.ClientIDFile)
	if err != nil {
		return "", publish.Secret{}, usagef("account %s: client id: %v (set %s to %s)", a.ID, err, idVar, idWhat)
	}
	secret, err := publish.LoadSecret(env, secretVar, cr.ClientSecretFile)
	if err != nil {
		return "", publish.Secret{}, usagef("account %s: client secret: %v (set %s, or client_secret_file, to %s)", a.ID, err, secretVar, secretWhat)
	}
	return id.Reveal(), secret, nil
}
