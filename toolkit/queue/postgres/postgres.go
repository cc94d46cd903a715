// Package postgres is the queue.Store of campaignkit in a PostgreSQL
// database, for campaigns run from several machines: runners and
// dashboards anywhere share one queue, and the database is the only place
// they meet.
//
// A claim locks the due posts it takes with FOR UPDATE SKIP LOCKED, so
// runners claiming at once each get other posts without waiting for one
// another, and holds them by a lease as the SQLite store does. Every
// change that may make a post claimable is announced with NOTIFY, and a
// store offers those announcements through queue.Notifier so a waiting
// runner wakes at once instead of at its next poll. The schema is
// versioned and migrated when a store opens (or by Migrate), never
// destructively, and a database written by a newer campaignkit is
// refused.
//
// Several campaigns may share one database: each post carries its
// campaign in Source, Sync only ever cancels posts of the campaign it
// plans, and Filter.Sources and Slots.Sources keep a dashboard's list and
// a runner's claims to the campaigns they name.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store is a queue.Store in a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	cfg  *pgxpool.Config
	name string // the database, without password, for messages

	closed    chan struct{} // closed by Close
	closeOnce sync.Once
	hub       hub // LISTEN/NOTIFY subscribers

	told queue.ToldPruning // paces FirstTime's pruning of old keys
}

var (
	_ queue.Store    = (*Store)(nil)
	_ queue.Notifier = (*Store)(nil)
)

// Advisory lock keys: lockSpace is campaignkit's, the second key says
// what is locked.
const (
	lockSpace   = 0x636b7175 // "ckqu"
	lockMigrate = 1
	lockPause   = 2
	lockSource  = 3 // with the source's hash as a third part, see lockSources
)

// defaultMaxConns is the pool's size unless the URL sets pool_max_conns:
// a runner completes many posts at once.
const defaultMaxConns = 16

// Open connects to the database at url (postgres://user:password@host/db,
// or any connection string pgx accepts), migrates the queue's schema
// and returns the store. A database the queue cannot use is refused with a
// *toolkit.InvalidError and left as it is.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := parseConfig(url)
	if err != nil {
		return nil, err
	}
	name := displayName(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("queue store %s: %w", name, err)
	}
	if _, err := migrate(ctx, pool, name); err != nil {
		pool.Close()
		return nil, wrap(name, "open", err)
	}
	s := &Store{pool: pool, cfg: cfg, name: name, closed: make(chan struct{})}
	s.hub.subs = map[chan struct{}]struct{}{}
	return s, nil
}

func parseConfig(url string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message quotes the connection string, password and all.
		return nil, toolkit.Invalid("store URL", 0, "", "not a PostgreSQL connection string (postgres://user:password@host:5432/database)")
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "campaignkit"
	return cfg, nil
}

// displayName names the database in messages, never with its password.
func displayName(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	host := c.Host
	if strings.HasPrefix(host, "/") {
		return fmt.Sprintf("postgres://%s@/%s (socket in %s)", c.User, c.Database, host)
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s", c.User, host, c.Port, c.Database)
}

// Name returns the database, without password, as messages name it.
func (s *Store) Name() string { return s.name }

// Close stops listening and closes the pool's connections.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.hub.mu.Lock() // so that Changes either sees the store closed or is waited for
		close(s.closed)
		s.hub.mu.Unlock()
		s.hub.wg.Wait()
		s.pool.Close()
	})
	return nil
}

// wrap names the store in err; the queue's own errors pass as they are.
func wrap(name, op string, err error) error {
	if err == nil {
		return nil
	}
	if toolkit.IsInvalid(err) || strings.HasPrefix(err.Error(), "queue store ") ||
		errors.Is(err, queue.ErrNotFound) || errors.Is(err, queue.ErrState) || errors.Is(err, queue.ErrLeaseLost) || errors.Is(err, queue.ErrAmbiguous) {
		return err
	}
	return fmt.Errorf("queue store %s: %s: %w", name, op, err)
}

func (s *Store) wrap(op string, err error) error { return wrap(s.name, op, err) }

// tx runs fn in a transaction, retried when PostgreSQL reports a
// serialization failure or a deadlock (it rolled the transaction back and
// asks for a retry).
func (s *Store) tx(ctx context.Context, op string, fn func(pgx.Tx) error) error {
	var err error
	for range 5 {
		err = pgx.BeginFunc(ctx, s.pool, fn)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || (pe.Code != "40001" && pe.Code != "40P01") {
			break
		}
	}
	return s.wrap(op, err)
}

// ts is a time as the database keeps it: UTC, to the millisecond, NULL
// for the zero time (the SQLite store's 0).
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return time.UnixMilli(t.UnixMilli()).UTC()
}

// fromTS is the time of a nullable column.
func fromTS(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func scanPost(r pgx.Row, extra ...any) (queue.Post, error) {
	return queue.ScanPost(r.Scan, fromTS, extra...)
}

// querier is what both the pool and a transaction offer for reading.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// queryPosts runs a SELECT of postColumns and scans every row.
func queryPosts(ctx context.Context, q querier, sql string, args ...any) ([]queue.Post, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return queue.ScanPosts(rows, fromTS)
}

// args builds a query's numbered parameters.
type args []any

// add appends v and returns its placeholder.
func (a *args) add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}
