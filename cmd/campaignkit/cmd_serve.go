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
	"github.com/campaignkit/campaignkit/toolkit/watch"
	"github.com/campaignkit/campaignkit/toolkit/web"
	"github.com/urfave/cli/v2"
)

// adminTokenEnv holds the dashboard's token; it is read here only, never
// logged and never shown.
const adminTokenEnv = "CAMPAIGNKIT_ADMIN_TOKEN"

// sessionKeyEnv optionally holds the key the dashboard's sessions are
// signed with; by default they are signed with a key derived from the
// admin token. Read here only, never logged.
const sessionKeyEnv = "CAMPAIGNKIT_SESSION_KEY"

// minSessionKey is the shortest session key taken, in bytes.
const minSessionKey = 32

// serveGrace is how long requests in flight get to finish at a stop.
const serveGrace = 10 * time.Second

type serveOptions struct {
	campaign, addr, state string
	cobrandMB             int64         // bytes of partners' logos kept, in MB
	trustProxy            bool          // behind a reverse proxy: take the client's address and scheme from it
	store                 string        // --store: "" for queue.db in the state folder
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
			"The dashboard needs a token in " + adminTokenEnv + "; without one it is switched off.\n" +
			"Its sign-in sessions are signed cookies, not kept in the server: several serve processes\n" +
			"on one --store behind a load balancer take each other's sessions when they share the admin\n" +
			"token, or " + sessionKeyEnv + " (32 characters or more) when it is set; changing it signs\n" +
			"everyone out. Signing out is recorded in the store, so it holds on every replica.\n\n" +
			"With --run it also publishes the queue, as `campaignkit run` does, in the same process and\n" +
			"on the same state folder. Without it, `campaignkit run` may publish from another process on\n" +
			"the same state folder while the dashboard shows and steers the queue.\n\n" +
			"Edits of the campaign file, its schedule, themes and images are checked as they are saved;\n" +
			"with --run a sound edit re-plans the queue (see `campaignkit run`), and one with problems is\n" +
			"refused with them logged. The page shows the campaign as it was when serve started.\n\n" +
			"Stop with Ctrl-C or SIGTERM: requests in flight get up to 10 s to finish, and with --run\n" +
			"posts in flight up to --stop-timeout.",
		Flags: []cli.Flag{
			campaignFlag,
			&cli.StringFlag{Name: "addr", Usage: "listen on `HOST:PORT`", Value: "127.0.0.1:8080"},
			&cli.StringFlag{Name: "state", Usage: "state `DIR` holding the queue (default: .campaignkit beside the campaign file)"},
			&cli.Int64Flag{Name: "cobrand-cache-mb", Value: 512, Usage: "partners' logos kept in DIR/cobrand under the state folder, at most `MB` in all; the least recently used go first past it"},
			&cli.BoolFlag{Name: "trust-proxy", Usage: "behind a reverse proxy (on loopback or a private network): rate-limit by the client address it forwards (Forwarded, X-Forwarded-For) and mark the dashboard cookie Secure when it says the client used HTTPS"},
			storeFlag,
			&cli.BoolFlag{Name: "run", Usage: "also publish the queue's posts on time, as `campaignkit run` does"},
			&cli.DurationFlag{Name: "stop-timeout", Value: 20 * time.Second, Usage: "with --run: how long a stop waits for posts in flight"},
		},
		Action: func(cc *cli.Context) error {
			return serve(cc, serveOptions{campaign: cc.String("campaign"), addr: cc.String("addr"), state: cc.String("state"), store: cc.String("store"),
				cobrandMB: cc.Int64("cobrand-cache-mb"), trustProxy: cc.Bool("trust-proxy"), run: cc.Bool("run"), stopTimeout: cc.Duration("stop-timeout"), now: now})
		},
	}
}

func serve(cc *cli.Context, o serveOptions) error {
	log := slog.New(slog.NewTextHandler(cc.App.ErrWriter, nil))
	if o.cobrandMB <= 0 {
		return usagef("--cobrand-cache-mb %d: give a size in MB, 1 or more", o.cobrandMB)
	}
	if k := os.Getenv(sessionKeyEnv); k != "" && len(k) < minSessionKey {
		return usagef("%s is %d characters long: give at least %d (for example `openssl rand -base64 32`)", sessionKeyEnv, len(k), minSessionKey)
	}
	lc, st, dir, lazy, err := serveQueue(cc.Context, o)
	if err != nil {
		return err
	}
	sched, err := loadSchedule(lc)
	if err != nil {
		return err
	}
	opts := web.Options{
		Schedule: sched,
		Campaign: lc.Campaign, CampaignFS: lc.FS, Logger: log, Now: o.now,
		Themes:       func(name string) (*theme.Theme, fs.FS, error) { return loadTheme(lc, name) },
		AdminToken:   os.Getenv(adminTokenEnv),
		SessionKey:   os.Getenv(sessionKeyEnv),
		CobrandDir:   filepath.Join(dir, "cobrand"),
		PublicDir:    filepath.Join(dir, "public"),
		CobrandBytes: o.cobrandMB << 20,
		TrustProxy:   o.trustProxy,
	}
	if st != nil {
		defer st.Close()
		opts.Store = web.Queue{Store: st, Source: lc.Slug, Now: o.now}
	} else {
		opts.OpenStore = web.QueueFile(lazy, lc.Slug, o.now)
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
	ln, err := listen(o.addr)
	if err != nil {
		srv.Close()
		return err
	}
	fmt.Fprintf(cc.App.Writer, "serving %s on http://%s/\n", lc.Name, ln.Addr())
	if opts.AdminToken == "" {
		fmt.Fprintf(cc.App.Writer, "dashboard off: set %s to switch on /admin\n", adminTokenEnv)
	} else {
		fmt.Fprintf(cc.App.Writer, "dashboard on http://%s/admin\n", ln.Addr())
	}
	// Edits of the campaign's files: re-planned with --run, checked
	// without it; the page keeps the campaign as loaded at start.
	live, stopLive := context.WithCancel(cc.Context)
	watching := startLiveEdits(live, lc, dir, log, r, watch.Options{})
	defer func() { stopLive(); watching() }()
	if r == nil {
		return serveUntilStopped(cc.Context, srv, ln, serveGrace)
	}
	fmt.Fprintf(cc.App.Writer, "publishing the queue in %s\n", storeName(st))
	return serveAndRun(cc.Context, srv, ln, r)
}

// serveQueue loads the campaign and opens its queue: made if missing with
// --run. Without --run an SQLite queue that does not exist yet is left for
// the dashboard to open once `run` or `queue add` has made it (lazy names
// its file); a PostgreSQL store is always opened, its schema made on first
// use.
func serveQueue(ctx context.Context, o serveOptions) (lc *loadedCampaign, st queue.Store, dir, lazy string, err error) {
	if o.run {
		lc, st, dir, err = openQueue(ctx, o.campaign, o.state, o.store, true)
		return lc, st, dir, "", err
	}
	if lc, err = loadCampaign(o.campaign); err != nil {
		return nil, nil, "", "", err
	}
	dir = stateDir(o.state, lc)
	at, err := parseStore(o.store, dir)
	if err != nil {
		return nil, nil, "", "", err
	}
	if at.file != "" {
		if _, err := os.Stat(at.file); err != nil {
			return lc, nil, dir, at.file, nil
		}
	}
	if st, err = openStore(ctx, at, dir, false); err != nil {
		return nil, nil, "", "", err
	}
	return lc, st, dir, "", nil
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

// listen opens the --addr of a command that serves pages; an address
// that cannot be listened on (taken, not this machine's) is the user's to
// change, so it is a usage error.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, usagef("--addr %s: %v", addr, err)
	}
	return ln, nil
}

// serveUntilStopped serves on ln until ctx ends (Ctrl-C, SIGTERM), giving
// the requests in flight grace to finish, and then returns ctx's error, so
// that a stopped server exits as interrupted.
func serveUntilStopped(ctx context.Context, srv interface {
	Serve(context.Context, net.Listener, time.Duration) error
}, ln net.Listener, grace time.Duration) error {
	if err := srv.Serve(ctx, ln, grace); err != nil {
		return err
	}
	return ctx.Err()
}
