package main

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/bundle"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/runner"
	"github.com/campaignkit/campaignkit/toolkit/theme"
	"github.com/campaignkit/campaignkit/toolkit/watch"
	"github.com/urfave/cli/v2"
)

type runOptions struct {
	campaign    string
	state       string
	store       string
	logFormat   string
	lease       time.Duration
	stopTimeout time.Duration
}

// cardImages renders a card post's image for its channel's preset into
// <state>/media, named by content so a restart reuses the file and an edited
// card gets a new one.
func cardImages(lc *loadedCampaign, state string) runner.ImagesFunc {
	o := bundle.CardOptions{
		Campaign: lc.Campaign, CampaignFS: lc.FS,
		Themes: func(name string) (*theme.Theme, fs.FS, error) { return loadTheme(lc, name) },
	}
	dir := filepath.Join(state, "media")
	return func(ctx context.Context, card, lang, channel string) ([]publish.Image, error) {
		path, alt, err := bundle.CardFile(ctx, o, card, lang, toolkit.PresetForChannel(channel), dir)
		if err != nil {
			return nil, err
		}
		return []publish.Image{{Path: path, Alt: alt}}, nil
	}
}

func runCommand() *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "the campaign-week daemon: publish every queued post once, on time",
		Description: "Plans the campaign into the queue (state folder, queue.db), takes back posts a crashed\n" +
			"runner held, then every second publishes the posts that are due. A post whose time passed\n" +
			"while nothing ran goes out if it is within the campaign's grace window (default 15m) and is\n" +
			"marked missed otherwise. Failures are retried with backoff; 400/401/403/422 are not.\n\n" +
			"Edits take effect live: when the campaign file, its schedule, its themes or an image it\n" +
			"names changes, the campaign is loaded and checked again and the queue re-planned (waiting\n" +
			"posts updated, dropped ones cancelled, published ones untouched). An edit with problems\n" +
			"(as lint reports them for posts, captions, the schedule and themes) is refused, its problems\n" +
			"are logged with file:line, and the old plan keeps running.\n\n" +
			"Channels go to the outbox (<state>/outbox) unless configured in the environment:\n" +
			"  mastodon  CAMPAIGNKIT_MASTODON_SERVER, CAMPAIGNKIT_MASTODON_TOKEN[_FILE]\n" +
			"  bluesky   CAMPAIGNKIT_BLUESKY_HANDLE, CAMPAIGNKIT_BLUESKY_APP_PASSWORD[_FILE], CAMPAIGNKIT_BLUESKY_SERVICE\n" +
			"  webhook   CAMPAIGNKIT_WEBHOOK_URL, CAMPAIGNKIT_WEBHOOK_SECRET[_FILE]\n" +
			"A *_FILE must be readable by its owner only (0600).\n\n" + alertsHelp + "\n" +
			"SIGINT or SIGTERM stops it after the posts in flight (at most --stop-timeout).",
		Flags: []cli.Flag{
			campaignFlag, stateFlag, storeFlag,
			&cli.StringFlag{Name: "log-format", Value: "text", Usage: "`FORMAT` of the logs on standard error: text or json"},
			&cli.DurationFlag{Name: "stop-timeout", Value: 20 * time.Second, Usage: "how long a stop waits for posts in flight"},
			&cli.DurationFlag{Name: "lease", Value: 30 * time.Second, Usage: "how long a claim holds before another runner may take a post back", Hidden: true},
		},
		Action: func(cc *cli.Context) error {
			return runDaemon(cc, runOptions{campaign: cc.String("campaign"), state: cc.String("state"), store: cc.String("store"), logFormat: cc.String("log-format"),
				lease: cc.Duration("lease"), stopTimeout: cc.Duration("stop-timeout")})
		},
	}
}

func runDaemon(cc *cli.Context, o runOptions) error {
	logger, err := newLogger(cc.App.ErrWriter, o.logFormat)
	if err != nil {
		return err
	}
	lc, s, dir, err := openQueue(cc.Context, o.campaign, o.state, o.store, true)
	if err != nil {
		return err
	}
	defer s.Close()
	r, stopAlerts, err := newRunner(lc, s, dir, logger, o, time.Now)
	if err != nil {
		return err
	}
	defer stopAlerts()
	logger.Info("campaignkit run", "campaign", lc.Slug, "state", dir, "queue", storeName(s))
	ctx, stop := context.WithCancel(cc.Context)
	defer stop()
	watching := startLiveEdits(ctx, lc, dir, logger, r, watch.Options{})
	err = r.Run(ctx)
	stop()
	watching()
	return err
}

// newRunner sets up the runner of lc's queue s in the state folder dir,
// for `run` and `serve --run` alike: publishers from the environment (the
// outbox for the rest), alerts from the environment, card images rendered
// into dir, captions per platform. Call stopAlerts once the runner has
// stopped: it delivers the alerts still queued, within a bound.
func newRunner(lc *loadedCampaign, s queue.Store, dir string, logger *slog.Logger, o runOptions, now func() time.Time) (r *runner.Runner, stopAlerts func(), err error) {
	sched, err := loadSchedule(lc)
	if err != nil {
		return nil, nil, err
	}
	pubs, err := publishers(dir, os.LookupEnv, logger)
	if err != nil {
		return nil, nil, err
	}
	alerts, err := alertsFromEnv(os.LookupEnv, lc.Location, logger, now)
	if err != nil {
		return nil, nil, err
	}
	stopAlerts = func() { closeAlerts(alerts, logger) }
	r, err = runner.New(runner.Config{
		Campaign: lc.Campaign, Schedule: sched, Store: s, Publishers: pubs,
		Caption: caption.Build, Images: cardImages(lc, dir), Now: now, Logger: logger,
		Lease: o.lease, StopTimeout: o.stopTimeout, Events: alerts.Notify,
		Backoff: runner.CampaignBackoff(lc.Campaign), Concurrency: runner.CampaignConcurrency(lc.Campaign),
	})
	if err != nil {
		stopAlerts()
		return nil, nil, err
	}
	return r, stopAlerts, nil
}

func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{ReplaceAttr: durationSeconds})), nil
	}
	return nil, usagef("--log-format %q: want text or json", format)
}

// durationSeconds writes a duration in JSON logs as seconds (a number,
// "late": 0.012), which log tools sum and compare, instead of slog's
// nanoseconds.
func durationSeconds(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.Float64(a.Key, a.Value.Duration().Seconds())
	}
	return a
}

// publishers maps every channel to its publisher: the ones configured in
// the environment, and the outbox for the rest.
func publishers(state string, env func(string) (string, bool), logger *slog.Logger) (map[string]publish.Publisher, error) {
	outbox := publish.NewOutbox(filepath.Join(state, "outbox"))
	get := func(name string) string { v, _ := env(name); return strings.TrimSpace(v) }
	secret := func(name string) (publish.Secret, error) {
		return publish.LoadSecret(env, name, get(name+"_FILE"))
	}
	pubs := map[string]publish.Publisher{}
	if server := get("CAMPAIGNKIT_MASTODON_SERVER"); server != "" {
		tok, err := secret("CAMPAIGNKIT_MASTODON_TOKEN")
		if err != nil {
			return nil, usagef("mastodon: %v", err)
		}
		m, err := publish.NewMastodon(publish.MastodonConfig{Server: server, Token: tok})
		if err != nil {
			return nil, usagef("%v", err)
		}
		pubs["mastodon"] = m
	}
	if handle := get("CAMPAIGNKIT_BLUESKY_HANDLE"); handle != "" {
		pw, err := secret("CAMPAIGNKIT_BLUESKY_APP_PASSWORD")
		if err != nil {
			return nil, usagef("bluesky: %v", err)
		}
		b, err := publish.NewBluesky(publish.BlueskyConfig{Service: get("CAMPAIGNKIT_BLUESKY_SERVICE"), Identifier: handle, AppPassword: pw})
		if err != nil {
			return nil, usagef("%v", err)
		}
		pubs["bluesky"] = b
	}
	if u := get("CAMPAIGNKIT_WEBHOOK_URL"); u != "" {
		key, err := secret("CAMPAIGNKIT_WEBHOOK_SECRET")
		if err != nil {
			return nil, usagef("webhook: %v", err)
		}
		w, err := publish.NewWebhook(publish.WebhookConfig{URL: u, Secret: key})
		if err != nil {
			return nil, usagef("%v", err)
		}
		pubs["webhook"] = w
	}
	if err := accountPublishers(state, env, logger, pubs); err != nil {
		return nil, err
	}
	var toOutbox []string
	for _, ch := range campaign.Channels {
		if pubs[ch] == nil {
			pubs[ch] = outbox
			if ch != "outbox" {
				toOutbox = append(toOutbox, ch)
			}
		}
	}
	slices.Sort(toOutbox)
	logger.Warn("channels without credentials go to the outbox", "channels", strings.Join(toOutbox, ","), "outbox", outbox.Dir())
	return pubs, nil
}
