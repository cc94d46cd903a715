package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit/account"
	"github.com/campaignkit/campaignkit/toolkit/publish/threads"
)

// Environment variables for Threads: where its servers are (a proxy or a
// test changes them). Its images are fetched from the public base URL it
// shares with Instagram (envPublicBaseURL).
const (
	envThreadsAPI       = "CAMPAIGNKIT_THREADS_API"           // default https://graph.threads.net
	envThreadsAuthorize = "CAMPAIGNKIT_THREADS_AUTHORIZE_URL" // default https://threads.net/oauth/authorize
)

// threadsClient is the Threads app an account signs in through.
func threadsClient(a *account.Account, env func(string) (string, bool)) (*account.Client, error) {
	id, secret, err := appCredentials(a, env, "the Threads app ID (App settings > Basic > Threads App ID)", "the Threads app secret")
	if err != nil {
		return nil, err
	}
	graph := strings.TrimRight(envOr(env, envThreadsAPI, account.ThreadsGraph), "/")
	ep := account.ThreadsEndpoint
	ep.AuthURL = envOr(env, envThreadsAuthorize, ep.AuthURL)
	ep.TokenURL = graph + "/oauth/access_token"
	return &account.Client{ID: id, Secret: secret, Scopes: account.ThreadsScopes, Endpoint: ep, Flow: account.ThreadsFlow(graph)}, nil
}

// threadsPublisher is the publisher of one Threads account.
func threadsPublisher(a *account.Account, state string, env func(string) (string, bool)) (*threads.Publisher, *account.Source, error) {
	c, err := threadsClient(a, env)
	if err != nil {
		return nil, nil, err
	}
	media, err := mediaHost(state, env)
	if err != nil {
		return nil, nil, err
	}
	src := &account.Source{ID: a.ID, Store: tokenStore(state), Client: c, Margin: account.ThreadsMargin}
	uid := ""
	if t, err := src.Current(); err == nil {
		uid = t.UserID
	}
	p, err := threads.New(threads.Config{API: envOr(env, envThreadsAPI, account.ThreadsGraph), Account: a.ID, Handle: a.Handle,
		UserID: uid, Tokens: src, Media: media, Journal: filepath.Join(state, "journal", "threads", a.ID)})
	if err != nil {
		return nil, nil, usagef("account %s: %v", a.ID, err)
	}
	return p, src, nil
}

// threadsAfterLogin learns whose token it is and keeps the user id with
// it.
func threadsAfterLogin(ctx context.Context, out io.Writer, a *account.Account, state string, env func(string) (string, bool)) error {
	p, src, err := threadsPublisher(a, state, env)
	if err != nil {
		return err
	}
	me, err := p.Me(ctx)
	if err != nil {
		return fmt.Errorf("account %s: signed in, but Threads does not answer GET /me: %w", a.ID, err)
	}
	tok, err := src.Current()
	if err != nil {
		return err
	}
	tok.UserID, tok.Username = me.ID, me.Username
	store := tokenStore(state)
	if err := store.Save(a.ID, tok); err != nil {
		return err
	}
	fmt.Fprintf(out, "Signed in as @%s. Token saved in %s (readable by you only); it lasts 60 days and is renewed in its second month.\n", me.Username, store.Path(a.ID))
	warnOtherUser(out, a, me.Username)
	return nil
}

// threadsCheck asks Threads, read-only, whose token is stored and how
// much of the publishing quota is used.
func threadsCheck(ctx context.Context, out io.Writer, a *account.Account, state string, env func(string) (string, bool)) error {
	p, src, err := threadsPublisher(a, state, env)
	if err != nil {
		return err
	}
	before, err := src.Current()
	if err != nil {
		return err
	}
	me, err := p.Me(ctx) // renews the token first when it is in its second month
	if err != nil {
		return err
	}
	t, _ := src.Current()
	printSignedIn(out, a, me.Username, me.ID)
	fmt.Fprintf(out, "  permissions asked for: %s (Threads does not report what was granted; a missing one shows when publishing)\n", strings.Join(t.Scopes, ", "))
	if q, err := p.PublishingLimit(ctx); err == nil {
		fmt.Fprintf(out, "  publishing quota: %d of %d posts used in the last %s\n", q.Used, q.Total, q.Window)
	} else {
		fmt.Fprintf(out, "  publishing quota: unknown (%v)\n", err)
	}
	printExpiry(out, before, t, " (renewed automatically once 30 days or less are left)")
	if envOr(env, envPublicBaseURL, "") == "" {
		fmt.Fprintf(out, "  images: %s is not set, so posts with images are refused (Threads fetches images from a public URL)\n", envPublicBaseURL)
	}
	return nil
}
