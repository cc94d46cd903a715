package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/queue/postgres"
	"github.com/urfave/cli/v2"
)

// storeEnv names the queue store when --store is not given.
const storeEnv = "CAMPAIGNKIT_STORE"

// storeFlag is shared by the commands that use the queue.
var storeFlag = &cli.StringFlag{
	Name:    "store",
	EnvVars: []string{storeEnv},
	Usage: "queue store `URL`: postgres://user:password@host:5432/database to share the queue between machines, " +
		"or sqlite:FILE (default: queue.db in the state folder)",
}

// storeAt is where a command's queue is, as the user named it.
type storeAt struct {
	url  string // --store: "" for the state folder's queue.db
	file string // the SQLite file, when the store is one
}

// parseStore reads a store URL: postgres:// (or postgresql://), sqlite:PATH,
// or "" for queue.db in the state folder dir.
func parseStore(store, dir string) (storeAt, error) {
	switch {
	case store == "":
		return storeAt{file: filepath.Join(dir, queue.FileName)}, nil
	case strings.HasPrefix(store, "postgres://"), strings.HasPrefix(store, "postgresql://"):
		return storeAt{url: store}, nil
	case strings.HasPrefix(store, "sqlite:"):
		file := strings.TrimPrefix(strings.TrimPrefix(store, "sqlite:"), "//")
		if file == "" {
			return storeAt{}, usagef("--store %s: name the file, sqlite:PATH", store)
		}
		return storeAt{url: store, file: file}, nil
	}
	return storeAt{}, usagef("--store %s: want postgres://user:password@host:5432/database or sqlite:FILE", redactStore(store))
}

// redactStore is a store URL without its password or parameters, for
// messages.
func redactStore(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return "the store named by --store"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery = ""
	return u.String()
}

// openStore opens the queue store at (the state folder dir for the
// default). Unless create is set, a missing SQLite file is an error rather
// than a new empty queue; a PostgreSQL database gets its schema on first
// use either way.
func openStore(ctx context.Context, at storeAt, dir string, create bool) (queue.Store, error) {
	if at.file == "" {
		return postgres.Open(ctx, at.url)
	}
	if create {
		if err := os.MkdirAll(filepath.Dir(at.file), 0o700); err != nil {
			return nil, fmt.Errorf("state folder: %w", err)
		}
	} else if _, err := os.Stat(at.file); errors.Is(err, os.ErrNotExist) {
		if at.url != "" {
			return nil, usagef("no queue in %s: `campaignkit run` or `campaignkit queue add` makes one", at.file)
		}
		return nil, usagef("no queue in %s: `campaignkit run` or `campaignkit queue add` makes one (or give --state DIR or --store URL)", dir)
	}
	return queue.OpenSQLite(ctx, at.file)
}

// openQueue loads the campaign and opens its queue: store, else queue.db
// in the state folder. Unless create is set, a missing queue file is an
// error rather than a new empty file.
func openQueue(ctx context.Context, campaignPath, state, store string, create bool) (*loadedCampaign, queue.Store, string, error) {
	lc, err := loadCampaign(campaignPath)
	if err != nil {
		return nil, nil, "", err
	}
	dir := stateDir(state, lc)
	at, err := parseStore(store, dir)
	if err != nil {
		return nil, nil, "", err
	}
	if create {
		// The state folder holds the outbox and rendered images whatever
		// store holds the queue.
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, nil, "", fmt.Errorf("state folder: %w", err)
		}
	}
	s, err := openStore(ctx, at, dir, create)
	if err != nil {
		return nil, nil, "", err
	}
	return lc, s, dir, nil
}

// storeName says which store a command uses, never with a password.
func storeName(s queue.Store) string {
	switch s := s.(type) {
	case *queue.SQLite:
		return s.File()
	case *postgres.Store:
		return s.Name()
	}
	return fmt.Sprintf("%T", s)
}

type migrateOptions struct {
	campaign, state, store string
}

func migrateCommand() *cli.Command {
	return &cli.Command{
		Name:  "migrate",
		Usage: "bring the queue store's schema up to this campaignkit's version",
		Description: "Every command that opens the queue migrates it first; this does only that, so an\n" +
			"operator can upgrade a shared PostgreSQL store once, before the runners restart. A store\n" +
			"written by a newer campaignkit is refused and left as it is; migrations never drop data.",
		Flags: []cli.Flag{campaignFlag, stateFlag, storeFlag},
		Action: func(cc *cli.Context) error {
			return migrateStore(cc, migrateOptions{campaign: cc.String("campaign"), state: cc.String("state"), store: cc.String("store")})
		},
	}
}

func migrateStore(cc *cli.Context, o migrateOptions) error {
	dir := o.state
	if o.store == "" {
		lc, err := loadCampaign(o.campaign)
		if err != nil {
			return err
		}
		dir = stateDir(o.state, lc)
	}
	at, err := parseStore(o.store, dir)
	if err != nil {
		return err
	}
	var name string
	var from, to int
	if at.file == "" {
		from, err = postgres.Migrate(cc.Context, at.url)
		name, to = redactStore(at.url), postgres.SchemaVersion
	} else {
		if _, serr := os.Stat(at.file); errors.Is(serr, os.ErrNotExist) {
			return usagef("no queue in %s: nothing to migrate", at.file)
		}
		from, err = queue.MigrateSQLite(cc.Context, at.file)
		name, to = at.file, queue.SchemaVersion
	}
	if err != nil {
		return err
	}
	if from == to {
		fmt.Fprintf(cc.App.Writer, "queue store %s: schema version %d, up to date\n", name, to)
	} else {
		fmt.Fprintf(cc.App.Writer, "queue store %s: schema version %d, migrated from %d\n", name, to, from)
	}
	return nil
}
