package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/campaignkit/campaignkit/toolkit/web"
	"github.com/urfave/cli/v2"
)

func init() { register(serveCommand()) }

// adminTokenEnv holds the dashboard's token; it is read here only, never
// logged and never shown.
const adminTokenEnv = "CAMPAIGNKIT_ADMIN_TOKEN"

type serveOptions struct {
	campaign, addr, state string
}

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "serve the toolkit page for partners (cards, zips, co-branding) and the queue dashboard",
		Description: "Serves the campaign's cards as a web page partners browse and download from, lets a\n" +
			"partner add its logo to every card, and shows the operator the publishing queue at /admin.\n" +
			"The dashboard needs a token in " + adminTokenEnv + "; without one it is switched off.\n" +
			"Stop with Ctrl-C: requests in flight get up to 10 s to finish.",
		Flags: []cli.Flag{
			campaignFlag,
			&cli.StringFlag{Name: "addr", Usage: "listen on `HOST:PORT`", Value: "127.0.0.1:8080"},
			&cli.StringFlag{Name: "state", Usage: "state `DIR` holding the queue (default: .campaignkit beside the campaign file)"},
		},
		Action: func(cc *cli.Context) error {
			return serve(cc, serveOptions{campaign: cc.String("campaign"), addr: cc.String("addr"), state: cc.String("state")})
		},
	}
}

func serve(cc *cli.Context, o serveOptions) error {
	lc, err := loadCampaign(o.campaign)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(cc.App.ErrWriter, nil))
	opts := web.Options{
		Campaign: lc.Campaign, CampaignFS: lc.FS, Logger: log, Now: time.Now,
		Themes:     func(name string) (*theme.Theme, fs.FS, error) { return loadTheme(lc, name) },
		AdminToken: os.Getenv(adminTokenEnv),
	}
	// the dashboard shows the queue only if `run` has made one
	file := filepath.Join(stateDir(o.state, lc), queue.FileName)
	if _, err := os.Stat(file); err == nil {
		st, err := queue.OpenSQLite(cc.Context, file)
		if err != nil {
			return err
		}
		defer st.Close()
		opts.Store = queueStore{st: st, source: lc.Slug}
	}
	srv, err := web.New(opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		srv.Close()
		return usagef("--addr %s: %v", o.addr, err)
	}
	fmt.Fprintf(cc.App.Writer, "serving %s on http://%s/\n", lc.Name, ln.Addr())
	if opts.AdminToken == "" {
		fmt.Fprintf(cc.App.Writer, "dashboard off: set %s to switch on /admin\n", adminTokenEnv)
	} else {
		fmt.Fprintf(cc.App.Writer, "dashboard on http://%s/admin\n", ln.Addr())
	}
	if err := srv.Serve(cc.Context, ln, 10*time.Second); err != nil {
		return err
	}
	return cc.Context.Err()
}

// queueStore adapts the scheduler's queue to what the dashboard shows.
type queueStore struct {
	st     queue.Store
	source string
}

var _ web.Store = queueStore{}

func (q queueStore) List(ctx context.Context) (web.Snapshot, error) {
	posts, err := q.st.List(ctx, queue.Filter{Source: q.source})
	if err != nil {
		return web.Snapshot{}, err
	}
	pause, err := q.st.Paused(ctx)
	if err != nil {
		return web.Snapshot{}, err
	}
	snap := web.Snapshot{Paused: pause.On, Posts: make([]web.QueuedPost, len(posts))}
	for i, p := range posts {
		snap.Posts[i] = web.QueuedPost{
			ID: p.ID, Channel: p.Channel, Lang: p.Lang, Card: p.Card, At: p.At, Local: p.Local, Zone: p.Zone,
			State: string(p.State), Due: p.Due, Attempts: p.Attempts, Error: p.LastError, Reason: p.Reason,
			URL: p.URL, Text: p.Text,
		}
	}
	return snap, nil
}

func (q queueStore) Cancel(ctx context.Context, id string) error {
	return notFound(q.st.Cancel(ctx, id, time.Now(), "cancelled from the dashboard"))
}

func (q queueStore) Retry(ctx context.Context, id string) error {
	return notFound(q.st.Retry(ctx, id, time.Now()))
}

func (q queueStore) Pause(ctx context.Context) error {
	return q.st.Pause(ctx, time.Now(), "paused from the dashboard")
}

func (q queueStore) Resume(ctx context.Context) error { return q.st.Resume(ctx) }

func notFound(err error) error {
	if errors.Is(err, queue.ErrNotFound) {
		return fmt.Errorf("%w: %w", web.ErrNotFound, err)
	}
	return err
}
