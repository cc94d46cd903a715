package postgres

import (
	"context"
	"fmt"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations[i] takes a database from schema version i to i+1. Released
// migrations are never edited and never drop anything: a change to the
// schema is a new entry, so a database written by any earlier campaignkit
// is brought forward, never wiped. (SQLite keeps its own list: the two
// stores share a contract, not a schema.)
//
// Times are timestamptz in UTC to the millisecond, NULL for the zero
// time: the same values the SQLite store keeps as Unix milliseconds.
var migrations = []string{
	// 1: posts and their attempts, the pause switch, runners' heartbeats
	// and the events already told to an operator.
	`CREATE TABLE posts (
		id           text PRIMARY KEY,
		source       text NOT NULL,
		slot         text NOT NULL DEFAULT '',
		channel      text NOT NULL,
		lang         text NOT NULL,
		at           timestamptz,
		local        text NOT NULL DEFAULT '',
		zone         text NOT NULL DEFAULT '',
		card         text NOT NULL DEFAULT '',
		post_id      text NOT NULL DEFAULT '',
		text         text NOT NULL,
		link         text NOT NULL DEFAULT '',
		images       jsonb NOT NULL DEFAULT '[]',
		state        text NOT NULL CHECK (state IN ('planned', 'claimed', 'published', 'failed', 'missed', 'cancelled')),
		due          timestamptz,
		attempts     integer NOT NULL DEFAULT 0,
		last_error   text NOT NULL DEFAULT '',
		reason       text NOT NULL DEFAULT '',
		cancelled_by text NOT NULL DEFAULT '',
		lease_owner  text NOT NULL DEFAULT '',
		lease_until  timestamptz,
		remote_id    text NOT NULL DEFAULT '',
		url          text NOT NULL DEFAULT '',
		created      timestamptz,
		updated      timestamptz
	);
	CREATE INDEX posts_waiting ON posts (due, id) WHERE state IN ('planned', 'failed') AND due IS NOT NULL;
	CREATE INDEX posts_claimed ON posts (lease_until) WHERE state = 'claimed';
	CREATE INDEX posts_source ON posts (source, state);
	CREATE TABLE attempts (
		post_id  text NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
		n        integer NOT NULL,
		owner    text NOT NULL,
		started  timestamptz,
		finished timestamptz,
		outcome  text NOT NULL DEFAULT '',
		error    text NOT NULL DEFAULT '',
		PRIMARY KEY (post_id, n)
	);
	CREATE TABLE pause (
		id     integer PRIMARY KEY CHECK (id = 1),
		since  timestamptz,
		reason text NOT NULL DEFAULT ''
	);
	CREATE TABLE runners (
		id        text PRIMARY KEY,
		host      text NOT NULL,
		pid       integer NOT NULL,
		source    text NOT NULL DEFAULT '',
		started   timestamptz,
		beat      timestamptz,
		last_tick timestamptz,
		in_flight integer NOT NULL DEFAULT 0,
		stopped   timestamptz
	);
	CREATE INDEX runners_beat ON runners (beat);
	CREATE TABLE told (
		key text PRIMARY KEY,
		at  timestamptz
	);`,

	// 2: dashboard sessions signed out, until they would have expired.
	`CREATE TABLE signed_out (
		id      text PRIMARY KEY,
		expires timestamptz NOT NULL
	);
	CREATE INDEX signed_out_expires ON signed_out (expires);`,

	// 3: told keys by age, for pruning them (see queue.ToldFor).
	`CREATE INDEX told_at ON told (at);`,
}

// SchemaVersion is the schema version this build writes.
var SchemaVersion = len(migrations)

// versionTable records the schema version. Its name says whose it is, as
// the database may hold other programs' tables.
const versionTable = "campaignkit_schema"

// ours are the tables the migrations make: a database that has one of
// them but no versionTable was not made by campaignkit and is refused.
var ours = []string{"posts", "attempts", "pause", "runners", "told", "signed_out"}

// Migrate brings the queue in the database at url to SchemaVersion, as
// Open does, and returns the version it was at. A database newer than this
// build, or one with tables of the queue's names that campaignkit did not
// make, is refused and left unchanged.
func Migrate(ctx context.Context, url string) (from int, err error) {
	cfg, err := parseConfig(url)
	if err != nil {
		return 0, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return 0, fmt.Errorf("queue store %s: %w", displayName(cfg), err)
	}
	defer pool.Close()
	return migrate(ctx, pool, displayName(cfg))
}

// migrate runs the migrations in one transaction. DDL is transactional in
// PostgreSQL: a migration that fails leaves the database as it was. An
// advisory lock makes runners that start together migrate one at a time.
func migrate(ctx context.Context, pool *pgxpool.Pool, name string) (from int, err error) {
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, lockSpace, lockMigrate); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, versionTable).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			var found []string
			for _, t := range ours {
				var has bool
				if err := tx.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, t).Scan(&has); err != nil {
					return err
				}
				if has {
					found = append(found, t)
				}
			}
			if len(found) > 0 {
				return toolkit.Invalid(name, 0, "", "cannot use this database as a queue store: it has tables named %v that campaignkit did not make (no %s table). It was left untouched; give campaignkit a database of its own", found, versionTable)
			}
			if _, err := tx.Exec(ctx, `CREATE TABLE `+versionTable+` (version integer NOT NULL); INSERT INTO `+versionTable+` (version) VALUES (0)`); err != nil {
				return err
			}
		} else if err := tx.QueryRow(ctx, `SELECT version FROM `+versionTable).Scan(&from); err != nil {
			return toolkit.Invalid(name, 0, "", "cannot use this database as a queue store: its %s table cannot be read (%v). It was left untouched", versionTable, err)
		}
		if err := queue.Migrations(name, from, migrations, func(m string) error {
			_, err := tx.Exec(ctx, m)
			return err
		}); err != nil {
			return err
		}
		if from != SchemaVersion {
			if _, err := tx.Exec(ctx, `UPDATE `+versionTable+` SET version = $1`, SchemaVersion); err != nil {
				return err
			}
		}
		return nil
	})
	return from, err
}
