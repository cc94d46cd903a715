package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish/linkedin"
)

// Environment variables that point campaignkit at LinkedIn's servers (a
// proxy or a test changes them) or pick the API version.
const (
	envLinkedInAPI     = "CAMPAIGNKIT_LINKEDIN_API"   // default https://api.linkedin.com
	envLinkedInOAuth   = "CAMPAIGNKIT_LINKEDIN_OAUTH" // default https://www.linkedin.com/oauth/v2
	envLinkedInVersion = "CAMPAIGNKIT_LINKEDIN_VERSION"
)

// linkedinClient is the LinkedIn app an account signs in through: the
// code flow with the client secret (account.LinkedInEndpoint says why).
func linkedinClient(a *account.Account, env func(string) (string, bool)) (*account.Client, error) {
	id, secret, err := appCredentials(a, env, "the app's Client ID (LinkedIn developer portal, Auth tab)", "the app's Primary Client Secret")
	if err != nil {
		return nil, err
	}
	ep := account.LinkedInEndpoint
	if base := strings.TrimRight(envOr(env, envLinkedInOAuth, ""), "/"); base != "" {
		ep.AuthURL, ep.TokenURL = base+"/authorization", base+"/accessToken"
	}
	return &account.Client{ID: id, Secret: secret, Scopes: account.LinkedInScopes, Endpoint: ep}, nil
}

// linkedinPublisher is the publisher of one LinkedIn page account. The
// page (its organization URN) was chosen at sign-in and is kept with the
// token.
func linkedinPublisher(a *account.Account, state string, env func(string) (string, bool)) (*linkedin.Publisher, *account.Source, error) {
	c, err := linkedinClient(a, env)
	if err != nil {
		return nil, nil, err
	}
	src := &account.Source{ID: a.ID, Store: tokenStore(state), Client: c}
	org := ""
	if t, err := src.Current(); err == nil {
		org = t.UserID
	}
	p, err := linkedin.New(linkedin.Config{API: envOr(env, envLinkedInAPI, "https://api.linkedin.com"), Version: envOr(env, envLinkedInVersion, ""),
		Account: a.ID, Handle: a.Handle, Organization: org, Tokens: src, Journal: filepath.Join(state, "journal", "linkedin", a.ID)})
	if err != nil {
		return nil, nil, usagef("account %s: %v", a.ID, err)
	}
	return p, src, nil
}

// linkedinAfterLogin chooses the page the account posts as and keeps it
// with the token.
func linkedinAfterLogin(ctx context.Context, out io.Writer, a *account.Account, state, want string, env func(string) (string, bool)) error {
	p, src, err := linkedinPublisher(a, state, env)
	if err != nil {
		return err
	}
	roles, err := p.Roles(ctx)
	if err != nil {
		return fmt.Errorf("account %s: signed in, but LinkedIn does not list the member's pages (GET /rest/organizationAcls): %w", a.ID, err)
	}
	r, err := linkedin.Choose(roles, want, a.Handle)
	if err != nil {
		return fmt.Errorf("account %s: %w", a.ID, err)
	}
	tok, err := src.Current()
	if err != nil {
		return err
	}
	tok.UserID, tok.Username = r.Organization, r.Name
	store := tokenStore(state)
	if err := store.Save(a.ID, tok); err != nil {
		return err
	}
	fmt.Fprintf(out, "Signed in. Posts for %s go out as the page %q (%s, role %s). Token saved in %s (readable by you only).\n",
		a.ID, r.Name, r.Organization, r.Role, store.Path(a.ID))
	if missing := tok.Missing(account.LinkedInScopes); len(missing) > 0 {
		fmt.Fprintf(out, "Warning: LinkedIn did not grant %s: add the Community Management API product to the app and sign in again.\n", strings.Join(missing, " "))
	}
	if tok.Refresh.IsZero() {
		fmt.Fprintf(out, "Note: LinkedIn gave no refresh token (programmatic refresh tokens are for approved partners): sign in again before %s.\n", tok.Expiry.UTC().Format(time.DateOnly))
	}
	return nil
}

// linkedinCheck asks LinkedIn, read-only, whether the stored token still
// lets the member post as the page.
func linkedinCheck(ctx context.Context, out io.Writer, a *account.Account, state string, env func(string) (string, bool)) error {
	p, src, err := linkedinPublisher(a, state, env)
	if err != nil {
		return err
	}
	before, err := src.Current()
	if err != nil {
		return err
	}
	roles, err := p.Roles(ctx) // renews the token first when it is about to expire
	if err != nil {
		return err
	}
	t, _ := src.Current()
	var role *linkedin.Role
	for i := range roles {
		if roles[i].Organization == t.UserID {
			role = &roles[i]
		}
	}
	switch {
	case t.UserID == "":
		return fmt.Errorf("no page chosen: campaignkit accounts login linkedin --account %s", a.ID)
	case role == nil:
		return fmt.Errorf("the member who signed in no longer has a role on %s (%s): sign in as one who does", t.UserID, t.Username)
	}
	fmt.Fprintf(out, "%s (linkedin %s): posts as %q (%s), role %s %s\n", a.ID, a.Handle, role.Name, role.Organization, role.State, role.Role)
	fmt.Fprintf(out, "  scopes: %s\n", strings.Join(t.Scopes, " "))
	printExpiry(out, before, t, "")
	if t.Refresh.IsZero() {
		fmt.Fprintln(out, "  refresh token: none (LinkedIn gives them to approved partners only): sign in again before it expires")
	} else {
		fmt.Fprintln(out, "  refresh token: yes (renewed automatically)")
	}
	if !role.CanPost() {
		return fmt.Errorf("role %s cannot post as the page: an administrator must make the member a content administrator or administrator", role.Role)
	}
	if missing := t.Missing(account.LinkedInScopes); len(missing) > 0 {
		return fmt.Errorf("missing scopes %s", strings.Join(missing, " "))
	}
	return nil
}
