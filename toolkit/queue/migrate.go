package queue

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations[i] takes a store from schema version i to i+1. Released
// migrations are never edited: a change to the schema is a new entry, so a
// store written by any earlier campaignkit is brought forward, never wiped.
var migrations = []string{
	// 1: the first queue: posts and their state.
	`CREATE TABLE posts (
		id         TEXT PRIMARY KEY,
		channel    TEXT NOT NULL,
		lang       TEXT NOT NULL,
		at         INTEGER NOT NULL,
		text       TEXT NOT NULL,
		state      TEXT NOT NULL,
		attempts   INTEGER NOT NULL DEFAULT 0,
		last_error TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX posts_state_at ON posts(state, at);`,

	// 2: provenance, leases, due times, results and the attempt history.
	`ALTER TABLE posts ADD COLUMN source TEXT NOT NULL DEFAULT '';
	ALTER TABLE posts ADD COLUMN slot TEXT NOT NULL DEFAULT '';
	ALTER TABLE posts ADD COLUMN local TEXT NOT NULL DEFAULT '';
	ALTER TABLE posts ADD COLUMN zone TEXT NOT NULL DEFAULT '';
	ALTER TABLE posts ADD COLUMN card TEXT NOT NULL DEFAULT '';
	ALTER TABLE posts ADD COLUMN post_id TEXT NOT NULL DEFAULT '';
	ALTER TABLE posts ADD COLUMN link TEXT NOT NULL DEFAULT '';
	ALTER TABLE posts ADD COLUMN images TEXT NOT NULL DEFAULT '[]';
	ALTER TABLE posts ADD COLUMN due INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE posts ADD COLUMN reason TEXT NOT NULL DEFAULT '';
	ALTER TABLE posts ADD COLUMN cancelled_by TEXT NOT NULL DEFAULT '';
	ALTER TABLE posts ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
	ALTER TABLE posts ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE posts ADD COLUMN remote_id TEXT NOT NULL DEFAULT '';
	ALTER TABLE posts ADD COLUMN url TEXT NOT NULL DEFAULT '';
	ALTER TABLE posts ADD COLUMN created INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE posts ADD COLUMN updated INTEGER NOT NULL DEFAULT 0;
	UPDATE posts SET due = at, created = at, updated = at;
	UPDATE posts SET due = 0 WHERE state = 'failed';
	UPDATE posts SET source = 'adhoc' WHERE source = '';
	CREATE INDEX posts_state_due ON posts(state, due);
	CREATE INDEX posts_source ON posts(source);
	CREATE TABLE attempts (
		post_id  TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
		n        INTEGER NOT NULL,
		owner    TEXT NOT NULL,
		started  INTEGER NOT NULL,
		finished INTEGER NOT NULL DEFAULT 0,
		outcome  TEXT NOT NULL DEFAULT '',
		error    TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (post_id, n)
	);`,

	// 3: the pause switch.
	`CREATE TABLE pause (
		id     INTEGER PRIMARY KEY CHECK (id = 1),
		since  INTEGER NOT NULL,
		reason TEXT NOT NULL DEFAULT ''
	);`,

	// 4: runners' heartbeats.
	`CREATE TABLE runners (
		id        TEXT PRIMARY KEY,
		host      TEXT NOT NULL,
		pid       INTEGER NOT NULL,
		source    TEXT NOT NULL DEFAULT '',
		started   INTEGER NOT NULL,
		beat      INTEGER NOT NULL,
		last_tick INTEGER NOT NULL DEFAULT 0,
		in_flight INTEGER NOT NULL DEFAULT 0,
		stopped   INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX runners_beat ON runners(beat);`,

	// 5: events already told to an operator.
	`CREATE TABLE told (
		key  TEXT PRIMARY KEY,
		at   INTEGER NOT NULL
	);`,

	// 6: dashboard sessions signed out, until they would have expired.
	`CREATE TABLE signed_out (
		id      TEXT PRIMARY KEY,
		expires INTEGER NOT NULL
	);
	CREATE INDEX signed_out_expires ON signed_out(expires);`,

	// 7: told keys by age, for pruning them (see ToldFor).
	`CREATE INDEX told_at ON told(at);`,
}

// SchemaVersion is the schema version this build writes.
var SchemaVersion = len(migrations)

// migrate brings the store to SchemaVersion in one transaction. A store
// newer than this build, or a database that is not a queue, is refused.
func migrate(ctx context.Context, db *sql.DB, file string) (from int, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var tables int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`).Scan(&tables); err != nil {
		return 0, err
	}
	version := 0
	if tables == 0 {
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table'`).Scan(&others); err != nil {
			return 0, err
		}
		if others > 0 {
			return 0, notQueue(file, "it is an SQLite database with other tables and no schema_version")
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE schema_version (version INTEGER NOT NULL)`); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return 0, err
		}
	} else if err := tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&version); err != nil {
		return 0, notQueue(file, fmt.Sprintf("its schema_version table cannot be read (%v)", err))
	}
	if err := Migrations(file, version, migrations, func(m string) error {
		_, err := tx.ExecContext(ctx, m)
		return err
	}); err != nil {
		return version, err
	}
	if version != SchemaVersion {
		if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, SchemaVersion); err != nil {
			return version, err
		}
	}
	return version, tx.Commit()
}

// Migrations brings the queue store named name from schema version from to
// len(migrations), running each step with run inside the caller's
// transaction: the rule both stores follow with their own lists. A store
// newer than this build is refused before anything runs, so it is left as
// it was.
func Migrations(name string, from int, migrations []string, run func(migration string) error) error {
	if from > len(migrations) {
		return fmt.Errorf("queue store %s has schema version %d, newer than this campaignkit understands (%d): upgrade campaignkit; the store was not changed", name, from, len(migrations))
	}
	for v := from; v < len(migrations); v++ {
		if err := run(migrations[v]); err != nil {
			return fmt.Errorf("queue store %s: migrate schema %d to %d: %w", name, v, v+1, err)
		}
	}
	return nil
}
