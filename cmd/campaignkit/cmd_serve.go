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
	"github.com/campaignkit/campaignkit/toolkit/runner"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/campaignkit/campaignkit/toolkit/web"
	"github.com/urfave/cli/v2"
)

func init() { register(newServeCommand(time.Now)) }

// adminTokenEnv holds the dashboard's token; it is read here only, never
// logged and never shown.
const adminTokenEnv = "CAMPAIGNKIT_ADMIN_TOKEN"

// serveGrace is how long requests in flight get to finish at a stop.
const serveGrace = 10 * time.Second

type serveOptions struct {
	campaign, addr, state string
	run                   bool          // publish the queue too, in this process
	stopTimeout           time.Duration // with run: how long a stop waits for posts in flight
	now                   func() time.Time
}

// newServeCommand is `serve` with the clock it gives the server and the
// runner; tests pass their own.
func newServeCommand(now func() time.Time) *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "serve the toolkit page for partners (cards, zips, co-branding) and the queue dashboard",
		Description: "Serves the campaign's cards as a web page partners browse and download from, lets a\n" +
			"partner add its logo to every card, and shows the operator the publishing queue at /admin.\n" +
			"The dashboard needs a token in " + adminTokenEnv + "; without one it is switched off.\n\n" +
			"With --run it also publishes the queue, as `campaignkit run` does, in the same process and\n" +
			"on the same state folder. Without it, `campaignkit run` may publish from another process on\n" +
			"the same state folder while the dashboard shows and steers the queue.\n\n" +
			"Stop with Ctrl-C or SIGTERM: requests in flight get up to 10 s to finish, and with --run\n" +
			"posts in flight up to --stop-timeout.",
		Flags: []cli.Flag{
			campaignFlag,
			&cli.StringFlag{Name: "addr", Usage: "listen on `HOST:PORT`", Value: "127.0.0.1:8080"},
			&cli.StringFlag{Name: "state", Usage: "state `DIR` holding the queue (default: .campaignkit beside the campaign file)"},
			&cli.BoolFlag{Name: "run", Usage: "also publish the queue's posts on time, as `campaignkit run` does"},
			&cli.DurationFlag{Name: "stop-timeout", Value: 20 * time.Second, Usage: "with --run: how long a stop waits for posts in flight"},
		},
		Action: func(cc *cli.Context) error {
			return serve(cc, serveOptions{campaign: cc.String("campaign"), addr: cc.String("addr"), state: cc.String("state"),
				run: cc.Bool("run"), stopTimeout: cc.Duration("stop-timeout"), now: now})
		},
	}
}

func serve(cc *cli.Context, o serveOptions) error {
	log := slog.New(slog.NewTextHandler(cc.App.ErrWriter, nil))
	lc, st, dir, err := serveQueue(cc.Context, o)
	if err != nil {
		return err
	}
	opts := web.Options{
		Campaign: lc.Campaign, CampaignFS: lc.FS, Logger: log, Now: o.now,
		Themes:     func(name string) (*theme.Theme, fs.FS, error) { return loadTheme(lc, name) },
		AdminToken: os.Getenv(adminTokenEnv),
	}
	if st != nil {
		defer st.Close()
		opts.Store = queueStore{st: st, source: lc.Slug, now: o.now}
	}
	var r *runner.Runner
	if o.run {
		var stopAlerts func()
		if r, stopAlerts, err = newRunner(lc, st, dir, log, runOptions{stopTimeout: o.stopTimeout}, o.now); err != nil {
			return err
		}
		defer stopAlerts()
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
	if r == nil {
		if err := srv.Serve(cc.Context, ln, serveGrace); err != nil {
			return err
		}
		return cc.Context.Err()
	}
	fmt.Fprintf(cc.App.Writer, "publishing the queue in %s\n", st.File())
	return serveAndRun(cc.Context, srv, ln, r)
}

// serveQueue loads the campaign and opens its queue: made if missing with
// --run; without it, only one `run` has made (else the dashboard says
// there is no queue).
func serveQueue(ctx context.Context, o serveOptions) (*loadedCampaign, *queue.SQLite, string, error) {
	if o.run {
		return openQueue(ctx, o.campaign, o.state, true)
	}
	lc, err := loadCampaign(o.campaign)
	if err != nil {
		return nil, nil, "", err
	}
	dir := stateDir(o.state, lc)
	file := filepath.Join(dir, queue.FileName)
	if _, err := os.Stat(file); err != nil {
		return lc, nil, dir, nil
	}
	st, err := queue.OpenSQLite(ctx, file)
	if err != nil {
		return nil, nil, "", err
	}
	return lc, st, dir, nil
}

// serveAndRun serves on ln and publishes with r until ctx ends, then stops
// both at once, each within its bound: serveGrace for requests in flight,
// the runner's stop timeout for posts. Either failing stops the other.
func serveAndRun(ctx context.Context, srv *web.Server, ln net.Listener, r *runner.Runner) error {
	both, stop := context.WithCancel(ctx)
	defer stop()
	ran := make(chan error, 1)
	go func() { // owned by serveAndRun, which waits for it below
		err := r.Run(both)
		stop() // a runner that could not start takes the server down with it
		ran <- err
	}()
	serr := srv.Serve(both, ln, serveGrace)
	stop()
	if rerr := <-ran; rerr != nil && !errors.Is(rerr, context.Canceled) {
		return fmt.Errorf("runner: %w", rerr)
	}
	if serr != nil {
		return serr
	}
	return ctx.Err()
}

// queueStore adapts the scheduler's queue to what the dashboard shows.
type queueStore struct {
	st     queue.Store
	source string
	now    func() time.Time
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
	return notFound(q.st.Cancel(ctx, id, q.now(), "cancelled from the dashboard"))
}

func (q queueStore) Retry(ctx context.Context, id string) error {
	return notFound(q.st.Retry(ctx, id, q.now()))
}

func (q queueStore) Pause(ctx context.Context) error {
	return q.st.Pause(ctx, q.now(), "paused from the dashboard")
}

func (q queueStore) Resume(ctx context.Context) error { return q.st.Resume(ctx) }

func notFound(err error) error {
	if errors.Is(err, queue.ErrNotFound) {
		return fmt.Errorf("%w: %w", web.ErrNotFound, err)
	}
	return err
}
