package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/urfave/cli/v2"
)

type accountsOptions struct {
	campaign, state, file string
	network, id           string
	organization          string
	open                  bool
	port                  int
	timeout               time.Duration
}

func accountsCommand() *cli.Command {
	common := []cli.Flag{
		campaignFlag, stateFlag,
		&cli.StringFlag{Name: "accounts", Usage: "accounts `FILE` (default: accounts.yaml beside the campaign, else in the state folder)", EnvVars: []string{envAccounts}},
	}
	opts := func(cc *cli.Context) accountsOptions {
		return accountsOptions{campaign: cc.String("campaign"), state: cc.String("state"), file: cc.String("accounts"),
			network: cc.Args().First(), id: cc.String("account"), organization: cc.String("organization"), open: cc.Bool("open"), port: cc.Int("port"), timeout: cc.Duration("timeout")}
	}
	accountFlag := &cli.StringFlag{Name: "account", Usage: "the account's `ID` in the accounts file (needed when the network has several)"}
	return &cli.Command{
		Name:  "accounts",
		Usage: "the social-network accounts posts go out through: list, check, sign in",
		Description: "Accounts are listed in accounts.yaml: id, network, handle, the languages each serves, and where\n" +
			"the app's credentials come from (environment variable names or 0600 files, never the secrets).\n" +
			"`login` signs an account in with OAuth 2.0 (PKCE) and keeps its token in <state>/tokens (0600);\n" +
			"`campaignkit run` publishes through every signed-in account and renews tokens itself.",
		Subcommands: []*cli.Command{
			{
				Name:   "list",
				Usage:  "list the accounts, the languages they serve and whether they are signed in",
				Flags:  common,
				Action: func(cc *cli.Context) error { return accountsList(cc, opts(cc)) },
			},
			{
				Name:      "check",
				Usage:     "ask each network who the stored token belongs to (read-only), and show its scopes and expiry",
				ArgsUsage: "[NETWORK]",
				Flags:     append(common, accountFlag),
				Action:    func(cc *cli.Context) error { return accountsCheck(cc, opts(cc)) },
			},
			{
				Name:      "login",
				Usage:     "sign an account in: prints the link to open, waits for the browser to come back",
				ArgsUsage: "NETWORK",
				Flags: append(common, accountFlag,
					&cli.BoolFlag{Name: "open", Usage: "also open the link in the default browser"},
					&cli.StringFlag{Name: "organization", Usage: "LinkedIn: the `ID` of the page to post as, when the member administers several and none is named as the account's handle"},
					&cli.IntFlag{Name: "port", Usage: "`PORT` of the loopback redirect http://127.0.0.1:PORT/callback (default: any free one; X needs the one registered as the app's callback URI)"},
					&cli.DurationFlag{Name: "timeout", Value: 5 * time.Minute, Usage: "how long to wait for the browser"}),
				Action: func(cc *cli.Context) error { return accountsLogin(cc, opts(cc)) },
			},
		},
	}
}

// stateDir is the state folder the way stateDir decides it, without
// loading the campaign.
func (o accountsOptions) stateDir() string {
	if o.state != "" {
		return o.state
	}
	if o.campaign != "" {
		return filepath.Join(filepath.Dir(o.campaign), ".campaignkit")
	}
	return ".campaignkit"
}

func (o accountsOptions) load() (*account.File, error) {
	dir := ""
	if o.campaign != "" {
		dir = filepath.Dir(o.campaign)
	}
	path := findAccounts(o.file, dir, o.stateDir())
	if path == "" {
		return nil, usagef("no %s beside the campaign or in %s: write one (see the README, section X) or give --accounts FILE", account.FileName, o.stateDir())
	}
	return loadAccounts(path)
}

// pick returns the accounts a command acts on: --account, else every
// account of the network argument, else all.
func (o accountsOptions) pick(f *account.File, needOne bool) ([]*account.Account, error) {
	if o.id != "" {
		a, err := f.Find(o.id)
		if err != nil {
			return nil, usagef("%v", err)
		}
		if o.network != "" && a.Network != o.network {
			return nil, usagef("account %s is on %s, not %s", a.ID, a.Network, o.network)
		}
		return []*account.Account{a}, nil
	}
	var out []*account.Account
	for i := range f.Accounts {
		if o.network == "" || f.Accounts[i].Network == o.network {
			out = append(out, &f.Accounts[i])
		}
	}
	switch {
	case len(out) == 0 && o.network != "":
		return nil, usagef("%s has no %s account", f.Name, o.network)
	case needOne && len(out) > 1:
		var ids []string
		for _, a := range out {
			ids = append(ids, a.ID)
		}
		return nil, usagef("%s has several %s accounts: choose one with --account (%s)", f.Name, o.network, strings.Join(ids, ", "))
	}
	return out, nil
}

func languages(a *account.Account) string {
	if len(a.Languages) == 0 {
		return "every other"
	}
	return strings.Join(a.Languages, ",")
}

func accountsList(cc *cli.Context, o accountsOptions) error {
	f, err := o.load()
	if err != nil {
		return err
	}
	store := tokenStore(o.stateDir())
	w := tabwriter.NewWriter(cc.App.Writer, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNETWORK\tHANDLE\tLANGUAGES\tSIGNED IN")
	for i := range f.Accounts {
		a := &f.Accounts[i]
		signed := "no (campaignkit accounts login " + a.Network + " --account " + a.ID + ")"
		if t, err := store.Load(a.ID); err == nil {
			signed = "yes, as @" + t.Username
			if t.Username == "" {
				signed = "yes"
			}
		} else if !strings.Contains(err.Error(), account.ErrNoToken.Error()) {
			signed = "error: " + err.Error()
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", a.ID, a.Network, a.Handle, languages(a), signed)
	}
	return w.Flush()
}

func accountsCheck(cc *cli.Context, o accountsOptions) error {
	f, err := o.load()
	if err != nil {
		return err
	}
	accts, err := o.pick(f, false)
	if err != nil {
		return err
	}
	out := cc.App.Writer
	failed := 0
	for _, a := range accts {
		if err := checkAccount(cc.Context, out, a, o.stateDir()); err != nil {
			fmt.Fprintf(out, "%s (%s %s): %v\n", a.ID, a.Network, a.Handle, err)
			failed++
		}
	}
	if failed > 0 {
		return cli.Exit(fmt.Sprintf("%d of %d accounts failed the check", failed, len(accts)), 1)
	}
	return nil
}

func checkAccount(ctx context.Context, out io.Writer, a *account.Account, state string) error {
	switch {
	case a.Network == "x":
	case isMeta(a.Network):
		return checkMeta(ctx, out, a, state)
	case a.Network == "linkedin":
		return linkedinCheck(ctx, out, a, state, os.LookupEnv)
	case a.Network == "threads":
		return threadsCheck(ctx, out, a, state, os.LookupEnv)
	default:
		return fmt.Errorf("no check for %s yet", a.Network)
	}
	p, src, err := xPublisher(a, state, os.LookupEnv)
	if err != nil {
		return err
	}
	before, err := src.Current()
	if err != nil {
		return err
	}
	me, err := p.Me(ctx) // renews the token first when it is about to expire
	if err != nil {
		return err
	}
	t, _ := src.Current()
	printSignedIn(out, a, me.Username, me.ID)
	fmt.Fprintf(out, "  scopes: %s\n", strings.Join(t.Scopes, " "))
	if missing := t.Missing(account.XScopes); len(missing) > 0 {
		fmt.Fprintf(out, "  missing scopes: %s (publishing needs them: sign in again after giving the app Read and write permission)\n", strings.Join(missing, " "))
	}
	printExpiry(out, before, t, "")
	if t.Refresh.IsZero() {
		fmt.Fprintln(out, "  refresh token: none (offline.access not granted): sign in again before it expires")
	} else {
		fmt.Fprintln(out, "  refresh token: yes (renewed automatically)")
	}
	if missing := t.Missing(account.XScopes); len(missing) > 0 {
		return fmt.Errorf("missing scopes %s", strings.Join(missing, " "))
	}
	return nil
}

func accountsLogin(cc *cli.Context, o accountsOptions) error {
	if o.network == "" {
		return usagef("accounts login: name the network, e.g. campaignkit accounts login x")
	}
	f, err := o.load()
	if err != nil {
		return err
	}
	accts, err := o.pick(f, true)
	if err != nil {
		return err
	}
	a := accts[0]
	if isMeta(a.Network) {
		return metaLogin(cc, o, a)
	}
	c, err := oauthClient(a, os.LookupEnv)
	if err != nil {
		return err
	}
	out := cc.App.Writer
	tok, err := c.Login(cc.Context, account.LoginOptions{Port: o.port, Timeout: o.timeout,
		Show: showLink(cc, o, fmt.Sprintf("Sign in to %s as %s (account %s): open this link in a browser where that account is logged in:", networkTitle(a.Network), a.Handle, a.ID))})
	if err != nil {
		return fmt.Errorf("account %s: sign-in: %w", a.ID, err)
	}
	store := tokenStore(o.stateDir())
	if err := store.Save(a.ID, tok); err != nil {
		return err
	}
	switch a.Network {
	case "linkedin":
		return linkedinAfterLogin(cc.Context, out, a, o.stateDir(), o.organization, os.LookupEnv)
	case "threads":
		return threadsAfterLogin(cc.Context, out, a, o.stateDir(), os.LookupEnv)
	}
	// Learn whose token it is (and the user id the publisher needs),
	// through the same path publishing takes.
	p, _, err := xPublisher(a, o.stateDir(), os.LookupEnv)
	if err != nil {
		return err
	}
	me, err := p.Me(cc.Context)
	if err != nil {
		return fmt.Errorf("account %s: signed in, but X does not answer GET /2/users/me: %w", a.ID, err)
	}
	tok, err = store.Load(a.ID)
	if err != nil {
		return err
	}
	tok.UserID, tok.Username = me.ID, me.Username
	if err := store.Save(a.ID, tok); err != nil {
		return err
	}
	fmt.Fprintf(out, "Signed in as @%s. Token saved in %s (readable by you only).\n", me.Username, store.Path(a.ID))
	warnOtherUser(out, a, me.Username)
	if missing := tok.Missing(account.XScopes); len(missing) > 0 {
		fmt.Fprintf(out, "Warning: X did not grant %s: give the app Read and write permission and sign in again.\n", strings.Join(missing, " "))
	}
	return nil
}

// showLink is a sign-in's Show: it prints intro, the link and how long
// the sign-in waits, and with --open opens the link.
func showLink(cc *cli.Context, o accountsOptions, intro string) func(string) error {
	return func(u string) error {
		fmt.Fprintf(cc.App.Writer, "%s\n\n  %s\n\nWaiting for the browser (at most %s)...\n", intro, u, o.timeout)
		if o.open {
			if err := openBrowser(u); err != nil {
				fmt.Fprintf(cc.App.ErrWriter, "could not open a browser (%v): open the link yourself\n", err)
			}
		}
		return nil
	}
}

// otherUser reports whether the accounts file's handle (with or without
// its @) names another user than the one the token is for.
// printSignedIn writes, for accounts check, whose token a holds, with a
// warning when that is not the handle the accounts file gives.
func printSignedIn(out io.Writer, a *account.Account, username, userID string) {
	fmt.Fprintf(out, "%s (%s %s): signed in as @%s (user id %s)\n", a.ID, a.Network, a.Handle, username, userID)
	if otherUser(a.Handle, username) {
		fmt.Fprintf(out, "  warning: the accounts file says %s, but the token is @%s's\n", a.Handle, username)
	}
}

// warnOtherUser warns, after signing in, when the person signed in as
// someone else than the handle the accounts file gives.
func warnOtherUser(out io.Writer, a *account.Account, username string) {
	if otherUser(a.Handle, username) {
		fmt.Fprintf(out, "Warning: the accounts file says %s, but you signed in as @%s: posts for %s will go out as @%s.\n", a.Handle, username, a.ID, username)
	}
}

func otherUser(handle, username string) bool {
	h := strings.TrimPrefix(handle, "@")
	return h != "" && !strings.EqualFold(h, username)
}

// printExpiry writes when the token t expires, saying whether checking
// it just renewed it (before is the token as it was), and note after.
func printExpiry(out io.Writer, before, t account.Token, note string) {
	if t.Expiry.IsZero() {
		fmt.Fprintln(out, "  expires: never")
		return
	}
	renewed := ""
	if t.Access.Reveal() != before.Access.Reveal() {
		renewed = " (just renewed)"
	}
	fmt.Fprintf(out, "  expires: %s, in %s%s%s\n", t.Expiry.UTC().Format(time.RFC3339), time.Until(t.Expiry).Round(time.Minute), renewed, note)
}

// openBrowser asks the desktop to open u; only with --open.
func openBrowser(u string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", u)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", u)
	default:
		cmd = exec.Command("xdg-open", u)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reaps the opener; it exits once the browser has the link
	return nil
}
