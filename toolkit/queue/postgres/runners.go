package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/jackc/pgx/v5"
)

// Beat records a runner's heartbeat.
func (s *Store) Beat(ctx context.Context, r queue.RunnerInfo) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO runners (id, host, pid, source, started, beat, last_tick, in_flight, stopped)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO UPDATE SET beat = excluded.beat, last_tick = excluded.last_tick, in_flight = excluded.in_flight,
			stopped = excluded.stopped, source = excluded.source`,
		r.ID, r.Host, r.PID, r.Source, ts(r.Started), ts(r.Beat), ts(r.LastTick), r.InFlight, ts(r.Stopped))
	return s.wrap("heartbeat", err)
}

// Runners lists the runners that beat since a time, newest beat first.
func (s *Store) Runners(ctx context.Context, since time.Time) ([]queue.RunnerInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, host, pid, source, started, beat, last_tick, in_flight, stopped
		FROM runners WHERE $1::timestamptz IS NULL OR beat >= $1 ORDER BY beat DESC NULLS LAST, id`, ts(since))
	if err != nil {
		return nil, s.wrap("runners", err)
	}
	defer rows.Close()
	var out []queue.RunnerInfo
	for rows.Next() {
		var r queue.RunnerInfo
		var started, beat, tick, stopped *time.Time
		if err := rows.Scan(&r.ID, &r.Host, &r.PID, &r.Source, &started, &beat, &tick, &r.InFlight, &stopped); err != nil {
			return nil, s.wrap("runners", err)
		}
		r.Started, r.Beat, r.LastTick, r.Stopped = fromTS(started), fromTS(beat), fromTS(tick), fromTS(stopped)
		out = append(out, r)
	}
	return out, s.wrap("runners", rows.Err())
}

// FirstTime records key and reports whether it was new. The primary key
// decides between runners that see an event at once. At most once per
// queue.PruneEvery it first forgets the keys older than queue.ToldFor, in
// a statement of its own: the insert does not depend on it.
func (s *Store) FirstTime(ctx context.Context, key string, now time.Time) (bool, error) {
	if before, ok := s.told.Due(now); ok {
		if _, err := s.pool.Exec(ctx, `DELETE FROM told WHERE at < $1`, ts(before)); err != nil {
			return false, s.wrap("first time: forget old keys", err)
		}
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO told (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, ts(now))
	if err != nil {
		return false, s.wrap("first time", err)
	}
	return tag.RowsAffected() == 1, nil
}

// SignOut records a signed-out dashboard session and prunes the ended
// ones.
func (s *Store) SignOut(ctx context.Context, id string, now, until time.Time) error {
	if id == "" || until.IsZero() {
		return errors.New("sign out: a session id and the time it ends are required")
	}
	return s.tx(ctx, "sign out", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM signed_out WHERE expires <= $1`, ts(now)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO signed_out (id, expires) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET expires = GREATEST(signed_out.expires, excluded.expires)`, id, ts(until))
		return err
	})
}

// SignedOut reports whether a dashboard session was signed out.
func (s *Store) SignedOut(ctx context.Context, id string) (bool, error) {
	var out bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM signed_out WHERE id = $1)`, id).Scan(&out)
	return out, s.wrap("signed out", err)
}

// Pause stops claims. It waits for the claims under way (see Claim).
func (s *Store) Pause(ctx context.Context, now time.Time, reason string) error {
	return s.tx(ctx, "pause", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, lockSpace, lockPause); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO pause (id, since, reason) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`, ts(now), reason)
		return err
	})
}

// Resume lifts a pause.
func (s *Store) Resume(ctx context.Context) error {
	return s.tx(ctx, "resume", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM pause`)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return notify(ctx, tx)
	})
}

// Paused reports the pause.
func (s *Store) Paused(ctx context.Context) (queue.Pause, error) {
	var since *time.Time
	var p queue.Pause
	err := s.pool.QueryRow(ctx, `SELECT since, reason FROM pause WHERE id = 1`).Scan(&since, &p.Reason)
	if errors.Is(err, pgx.ErrNoRows) {
		return queue.Pause{}, nil
	}
	if err != nil {
		return queue.Pause{}, s.wrap("paused", err)
	}
	p.On, p.Since = true, fromTS(since)
	return p, nil
}
