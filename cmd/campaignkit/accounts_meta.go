package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/facebook"
	"github.com/campaignkit/campaignkit/toolkit/publish/instagram"
	"github.com/urfave/cli/v2"
)

// Environment variables of the Meta networks (Facebook Pages, Instagram).
const (
	// envMetaAPI and envMetaDialog point campaignkit at Meta's servers;
	// only a proxy or a test changes them.
	envMetaAPI    = "CAMPAIGNKIT_META_GRAPH_API"  // default https://graph.facebook.com
	envMetaDialog = "CAMPAIGNKIT_META_DIALOG_URL" // default https://www.facebook.com/<version>/dialog/oauth
	// envPublicBaseURL is where <state>/public/ is reachable from the
	// internet: Instagram and Threads fetch each image from there.
	envPublicBaseURL = "CAMPAIGNKIT_PUBLIC_BASE_URL"
)

func isMeta(network string) bool { return network == "facebook" || network == "instagram" }

func metaAPI(env func(string) (string, bool)) string {
	return strings.TrimRight(envOr(env, envMetaAPI, "https://graph.facebook.com"), "/")
}

// metaClient is the Meta app an account signs in through: its app id and
// app secret, read from where the accounts file says.
func metaClient(a *account.Account, env func(string) (string, bool)) (*account.MetaClient, error) {
	cr := a.Credentials
	idVar, secretVar := cr.ClientIDVar(a.Network), cr.ClientSecretVar(a.Network)
	id, err := publish.LoadSecret(env, idVar, cr.ClientIDFile)
	if err != nil {
		return nil, usagef("account %s: app id: %v (set %s to the App ID from the Meta app's Basic settings)", a.ID, err, idVar)
	}
	secret, err := publish.LoadSecret(env, secretVar, cr.ClientSecretFile)
	if err != nil {
		return nil, usagef("account %s: app secret: %v (set %s, or client_secret_file, to the App Secret from the same page: Facebook Login exchanges the code with it)", a.ID, err, secretVar)
	}
	scopes := account.FacebookScopes
	if a.Network == "instagram" {
		scopes = account.InstagramScopes
	}
	return &account.MetaClient{AppID: id.Reveal(), Secret: secret, Scopes: scopes,
		DialogURL: envOr(env, envMetaDialog, account.MetaEndpoint.AuthURL), GraphURL: metaAPI(env) + "/" + account.GraphVersion}, nil
}

// mediaHost is the public folder Instagram fetches images from; nil when
// no public base URL is set, and the Instagram publisher then refuses
// every post saying so.
func mediaHost(state string, env func(string) (string, bool)) (publish.MediaHost, error) {
	base, _ := env(envPublicBaseURL)
	if strings.TrimSpace(base) == "" {
		return nil, nil
	}
	h, err := publish.NewPublicFolder(filepath.Join(state, "public"), base)
	if err != nil {
		return nil, usagef("%s: %v", envPublicBaseURL, err)
	}
	return h, nil
}

// notSignedIn stands for an account that has no token yet: each post is
// refused saying how to sign in, and the other accounts go on.
type notSignedIn struct {
	network string
	err     error
}

func (n notSignedIn) Name() string { return n.network }

func (n notSignedIn) Publish(context.Context, publish.Post) (publish.Result, error) {
	return publish.Result{}, &publish.PermanentError{Msg: fmt.Sprintf("%s: %v", n.network, n.err)}
}

// metaPublisher is the publisher of one Facebook Page or Instagram
// account, its token read from the store and its intents journaled in the
// state folder.
func metaPublisher(a *account.Account, state string, env func(string) (string, bool)) (publish.Publisher, error) {
	store := tokenStore(state)
	t, err := store.Load(a.ID)
	if err != nil {
		if errors.Is(err, account.ErrNoToken) {
			return notSignedIn{network: a.Network, err: err}, nil
		}
		return nil, err
	}
	src := &account.Stored{ID: a.ID, Network: a.Network, Store: store}
	journal := filepath.Join(state, "journal", a.Network, a.ID)
	if a.Network == "facebook" {
		return facebook.New(facebook.Config{API: metaAPI(env), Account: a.ID, Page: t.Username, PageID: t.UserID, Tokens: src, Journal: journal})
	}
	host, err := mediaHost(state, env)
	if err != nil {
		return nil, err
	}
	cfg := instagram.Config{API: metaAPI(env), Account: a.ID, Handle: t.Username, UserID: t.UserID, Tokens: src, Journal: journal,
		TempDir: filepath.Join(state, "tmp")}
	if host != nil {
		cfg.Host = host
	}
	return instagram.New(cfg)
}

// metaPublishers adds the channel of network to pubs when accounts.yaml
// has accounts on it, routing each post by language.
func metaPublishers(f *account.File, network, state string, env func(string) (string, bool), logger *slog.Logger, pubs map[string]publish.Publisher) error {
	byID := map[string]publish.Publisher{}
	for _, a := range f.OnNetwork(network) {
		p, err := metaPublisher(a, state, env)
		if err != nil {
			return err
		}
		byID[a.ID] = p
	}
	if len(byID) == 0 {
		return nil
	}
	pubs[network] = &publish.ByLanguage{Channel: network, Pick: func(lang string) (publish.Publisher, error) {
		a, err := f.Route(network, lang)
		if err != nil {
			return nil, err
		}
		return byID[a.ID], nil
	}}
	if network == "instagram" {
		if h, _ := mediaHost(state, env); h == nil {
			logger.Warn("instagram posts will be refused: Instagram fetches each image from a public URL; set " + envPublicBaseURL + " to where <state>/public/ is served")
		}
	}
	logger.Info("accounts", "network", network, "accounts", len(byID))
	return nil
}

// metaLogin signs a Facebook Page or Instagram account in with Facebook
// Login and stores its token: the Page token for a Page (it does not
// expire), the long-lived user token for Instagram (about 60 days).
func metaLogin(cc *cli.Context, o accountsOptions, a *account.Account) error {
	c, err := metaClient(a, os.LookupEnv)
	if err != nil {
		return err
	}
	out := cc.App.Writer
	what := "the Facebook Page " + a.Handle
	if a.Network == "instagram" {
		what = "the Instagram account " + a.Handle + " (through the Facebook Page it is linked to)"
	}
	tok, err := c.Login(cc.Context, account.LoginOptions{Port: o.port, Timeout: o.timeout,
		Show: showLink(cc, o, fmt.Sprintf("Sign in with Facebook for %s (account %s): open this link in a browser where a person who manages it is logged in to Facebook:", what, a.ID))})
	if err != nil {
		return fmt.Errorf("account %s: sign-in: %w", a.ID, err)
	}
	pages, err := c.Pages(cc.Context, tok.Access)
	if err != nil {
		return fmt.Errorf("account %s: signed in, but %w", a.ID, err)
	}
	page, err := account.PickPage(pages, a.Handle, a.Network == "instagram")
	if err != nil {
		return fmt.Errorf("account %s: %w", a.ID, err)
	}
	info, err := c.Debug(cc.Context, tok.Access)
	if err != nil {
		return fmt.Errorf("account %s: signed in, but %w", a.ID, err)
	}
	stored := account.Token{Scopes: info.Scopes, Saved: time.Now()}
	switch a.Network {
	case "facebook":
		stored.Access, stored.UserID, stored.Username = page.Access, page.ID, page.Name
		if pi, err := c.Debug(cc.Context, page.Access); err == nil {
			stored.Expiry = pi.Expires
		}
	default:
		stored.Access, stored.Expiry, stored.UserID, stored.Username = tok.Access, tok.Expiry, page.InstagramID, page.InstagramUsername
	}
	store := tokenStore(o.stateDir())
	if err := store.Save(a.ID, stored); err != nil {
		return err
	}
	if a.Network == "facebook" {
		fmt.Fprintf(out, "Signed in to the Page %s (id %s). Token saved in %s (readable by you only).\n", page.Name, page.ID, store.Path(a.ID))
	} else {
		fmt.Fprintf(out, "Signed in to @%s (Instagram account %s, linked to the Page %s). Token saved in %s (readable by you only).\n", page.InstagramUsername, page.InstagramID, page.Name, store.Path(a.ID))
	}
	if stored.Expiry.IsZero() {
		fmt.Fprintln(out, "The token does not expire; it stops working if the person's password changes or the app is removed.")
	} else {
		fmt.Fprintf(out, "The token lasts until %s: Meta gives no refresh token, so sign in again before then (`campaignkit accounts check` warns %d days ahead).\n",
			stored.Expiry.UTC().Format("2006-01-02 15:04 UTC"), int(account.WarnBefore/(24*time.Hour)))
	}
	if missing := stored.Missing(c.Scopes); len(missing) > 0 {
		fmt.Fprintf(out, "Warning: Meta did not grant %s: add them to the app (App Review for people without a role on it) and sign in again, granting them.\n", strings.Join(missing, " "))
	}
	return nil
}

// checkMeta asks Meta whose token is stored (GET /me, or GET
// /{ig-user-id}) and what it allows and until when (GET /debug_token).
func checkMeta(ctx context.Context, out io.Writer, a *account.Account, state string) error {
	env := os.LookupEnv
	c, err := metaClient(a, env)
	if err != nil {
		return err
	}
	t, err := tokenStore(state).Load(a.ID)
	if err != nil {
		return err
	}
	p, err := metaPublisher(a, state, env)
	if err != nil {
		return err
	}
	switch pub := p.(type) {
	case *facebook.Publisher:
		id, name, err := pub.Me(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s (facebook %s): signed in to the Page %s (id %s)\n", a.ID, a.Handle, name, id)
	case *instagram.Publisher:
		id, username, err := pub.Me(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s (instagram %s): signed in as @%s (Instagram account %s)\n", a.ID, a.Handle, username, id)
		if h, _ := mediaHost(state, env); h == nil {
			fmt.Fprintf(out, "  warning: %s is not set: Instagram posts will be refused until it is\n", envPublicBaseURL)
		}
	}
	info, err := c.Debug(ctx, t.Access)
	if err != nil {
		return err
	}
	if !info.Valid {
		return fmt.Errorf("Meta says the token is no longer valid: sign in again: campaignkit accounts login %s --account %s", a.Network, a.ID)
	}
	fmt.Fprintf(out, "  permissions: %s\n", strings.Join(info.Scopes, " "))
	now := time.Now()
	var problems []string
	want := account.FacebookScopes
	if a.Network == "instagram" {
		want = account.InstagramScopes
	}
	if missing := (account.Token{Scopes: info.Scopes}).Missing(want); len(missing) > 0 {
		fmt.Fprintf(out, "  missing permissions: %s (publishing needs them: add them to the app and sign in again)\n", strings.Join(missing, " "))
		problems = append(problems, "missing permissions "+strings.Join(missing, " "))
	}
	expiry := func(label string, at time.Time) {
		switch {
		case at.IsZero():
			fmt.Fprintf(out, "  %s: never\n", label)
		case at.Sub(now) < account.WarnBefore:
			fmt.Fprintf(out, "  %s: %s, in %s: sign in again before then: campaignkit accounts login %s --account %s\n", label, at.UTC().Format(time.RFC3339), at.Sub(now).Round(time.Hour), a.Network, a.ID)
			problems = append(problems, label+" within "+at.Sub(now).Round(time.Hour).String())
		default:
			fmt.Fprintf(out, "  %s: %s, in %d days\n", label, at.UTC().Format(time.RFC3339), int(at.Sub(now).Hours()/24))
		}
	}
	expiry("expires", info.Expires)
	expiry("data access expires", info.DataAccessExpires)
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}
