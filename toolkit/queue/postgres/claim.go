package postgres

import (
	"github.com/campaignkit/campaignkit/toolkit"

	"context"
	"errors"
	"fmt"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Claim leases due posts to owner. The due posts are locked with FOR
// UPDATE SKIP LOCKED: a post another claimer is taking is passed over
// rather than waited for, and a post it took is no longer due when this
// claim reads it, so no post is leased twice.
func (s *Store) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, free queue.Slots) ([]queue.Post, error) {
	if owner == "" {
		return nil, errors.New("claim: owner is empty")
	}
	if free.Total <= 0 {
		return nil, nil
	}
	var out []queue.Post
	err := s.tx(ctx, "claim", func(tx pgx.Tx) error {
		out = nil
		// Shared with other claims, exclusive with Pause: a pause waits for
		// the claims under way, and no claim starts until it is recorded.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock_shared($1, $2)`, lockSpace, lockPause); err != nil {
			return err
		}
		var paused bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pause)`).Scan(&paused); err != nil {
			return err
		}
		if paused {
			return nil
		}
		due := func(channel string, limit int) ([]queue.Post, error) {
			var a args
			q := `SELECT ` + queue.PostColumns + ` FROM posts WHERE state IN ('planned', 'failed') AND due IS NOT NULL AND due <= ` + a.add(ts(now))
			if len(free.Sources) > 0 {
				q += ` AND source = ANY(` + a.add(free.Sources) + `)`
			}
			if channel != "" {
				q += ` AND channel = ` + a.add(channel)
			}
			q += ` ORDER BY due, id LIMIT ` + a.add(limit) + ` FOR UPDATE SKIP LOCKED`
			return queryPosts(ctx, tx, q, a...)
		}
		// A multi-channel claim may read more than it takes: the rest stay
		// locked, unclaimed, until the commit.
		var err error
		if out, err = free.Take(due); err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		ids := make([]string, len(out))
		until := now.Add(lease).UTC()
		for i := range out {
			out[i] = out[i].Leased(owner, now, until)
			ids[i] = out[i].ID
		}
		var batch pgx.Batch
		batch.Queue(`UPDATE posts SET state = 'claimed', lease_owner = $1, lease_until = $2, attempts = attempts + 1, updated = $3 WHERE id = ANY($4)`,
			owner, ts(until), ts(now), ids)
		batch.Queue(`INSERT INTO attempts (post_id, n, owner, started) SELECT id, attempts, $1, $2 FROM posts WHERE id = ANY($3)
			ON CONFLICT (post_id, n) DO UPDATE SET owner = excluded.owner, started = excluded.started, finished = NULL, outcome = '', error = ''`,
			owner, ts(now), ids)
		return tx.SendBatch(ctx, &batch).Close()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// NextDue returns the earliest due time of a waiting post.
func (s *Store) NextDue(ctx context.Context) (time.Time, error) {
	var due *time.Time
	err := s.pool.QueryRow(ctx, `SELECT min(due) FROM posts WHERE state IN ('planned', 'failed') AND due IS NOT NULL`).Scan(&due)
	return fromTS(due), s.wrap("next due", err)
}

// held checks that owner holds a claim on id, locks the post and returns
// the attempt number.
func held(ctx context.Context, tx pgx.Tx, id, owner string) (int, error) {
	var state queue.State
	var lo string
	var n int
	err := tx.QueryRow(ctx, `SELECT state, lease_owner, attempts FROM posts WHERE id = $1 FOR UPDATE`, id).Scan(&state, &lo, &n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("post %s: %w", id, queue.ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	if state != queue.Claimed || lo != owner {
		return 0, fmt.Errorf("post %s is %s by %q, not claimed by %q: %w", id, state, lo, owner, queue.ErrLeaseLost)
	}
	return n, nil
}

// Extend lengthens a lease.
func (s *Store) Extend(ctx context.Context, id, owner string, until time.Time) error {
	return s.tx(ctx, "extend lease", func(tx pgx.Tx) error {
		if _, err := held(ctx, tx, id, owner); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE posts SET lease_until = $1 WHERE id = $2`, ts(until), id)
		return err
	})
}

func finishAttempt(ctx context.Context, tx pgx.Tx, id string, n int, now time.Time, outcome, msg string) error {
	_, err := tx.Exec(ctx, `UPDATE attempts SET finished = $1, outcome = $2, error = $3 WHERE post_id = $4 AND n = $5`, ts(now), outcome, msg, id, n)
	return err
}

// Complete records a publication.
func (s *Store) Complete(ctx context.Context, id, owner string, now time.Time, res toolkit.Published) error {
	return s.tx(ctx, "complete", func(tx pgx.Tx) error {
		n, err := held(ctx, tx, id, owner)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE posts SET state = 'published', remote_id = $1, url = $2, last_error = '', lease_owner = '', lease_until = NULL, updated = $3 WHERE id = $4`,
			res.RemoteID, res.URL, ts(now), id); err != nil {
			return err
		}
		return finishAttempt(ctx, tx, id, n, now, "published", "")
	})
}

// Fail records a failed attempt.
func (s *Store) Fail(ctx context.Context, id, owner string, now time.Time, msg string, retryAt time.Time) error {
	return s.tx(ctx, "fail", func(tx pgx.Tx) error {
		n, err := held(ctx, tx, id, owner)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE posts SET state = 'failed', due = $1, last_error = $2, lease_owner = '', lease_until = NULL, updated = $3 WHERE id = $4`,
			ts(retryAt), msg, ts(now), id); err != nil {
			return err
		}
		if !retryAt.IsZero() {
			if err := notify(ctx, tx); err != nil {
				return err
			}
		}
		return finishAttempt(ctx, tx, id, n, now, "failed", msg)
	})
}

// release hands a claimed post back to the waiting states.
func release(ctx context.Context, tx pgx.Tx, id string, n int, now time.Time, reason string) error {
	if _, err := tx.Exec(ctx, `UPDATE posts SET state = CASE WHEN last_error = '' THEN 'planned' ELSE 'failed' END,
		due = COALESCE(due, at), lease_owner = '', lease_until = NULL, updated = $1 WHERE id = $2`, ts(now), id); err != nil {
		return err
	}
	return finishAttempt(ctx, tx, id, n, time.Time{}, "interrupted", reason)
}

// Release gives a claimed post back.
func (s *Store) Release(ctx context.Context, id, owner string, now time.Time, reason string) error {
	return s.tx(ctx, "release", func(tx pgx.Tx) error {
		n, err := held(ctx, tx, id, owner)
		if err != nil {
			return err
		}
		if err := release(ctx, tx, id, n, now, reason); err != nil {
			return err
		}
		return notify(ctx, tx)
	})
}

// ReleaseExpired takes back leases that ran out. Posts another runner is
// releasing at the same moment are left to it.
func (s *Store) ReleaseExpired(ctx context.Context, now time.Time) ([]queue.Post, error) {
	var out []queue.Post
	err := s.tx(ctx, "release expired leases", func(tx pgx.Tx) error {
		var err error
		out, err = queryPosts(ctx, tx, `SELECT `+queue.PostColumns+` FROM posts WHERE state = 'claimed' AND lease_until < $1 ORDER BY due, id FOR UPDATE SKIP LOCKED`, ts(now))
		if err != nil {
			return err
		}
		for _, p := range out {
			if err := release(ctx, tx, p.ID, p.Attempts, now, fmt.Sprintf("lease of %s expired at %s", p.LeaseOwner, p.LeaseUntil.Format(time.RFC3339))); err != nil {
				return err
			}
		}
		if len(out) > 0 {
			return notify(ctx, tx)
		}
		return nil
	})
	return out, err
}

// MarkMissed records a post that will not go out.
func (s *Store) MarkMissed(ctx context.Context, id, owner string, now time.Time, reason string) error {
	return s.tx(ctx, "mark missed", func(tx pgx.Tx) error {
		if owner != "" {
			n, err := held(ctx, tx, id, owner)
			if err != nil {
				return err
			}
			// The claim started an attempt that never ran: withdraw it.
			if _, err := tx.Exec(ctx, `DELETE FROM attempts WHERE post_id = $1 AND n = $2`, id, n); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE posts SET state = 'missed', reason = $1, attempts = attempts - 1, lease_owner = '', lease_until = NULL, updated = $2 WHERE id = $3`,
				reason, ts(now), id)
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE posts SET state = 'missed', reason = $1, updated = $2 WHERE id = $3 AND (state = 'planned' OR (state = 'failed' AND due IS NOT NULL))`,
			reason, ts(now), id)
		if err != nil {
			return err
		}
		return affected(ctx, tx, tag, id, "mark missed")
	})
}

// affected explains an update that matched no row.
func affected(ctx context.Context, tx pgx.Tx, tag pgconn.CommandTag, id, what string) error {
	if tag.RowsAffected() > 0 {
		return nil
	}
	var state queue.State
	if err := tx.QueryRow(ctx, `SELECT state FROM posts WHERE id = $1`, id).Scan(&state); errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("post %s: %w", id, queue.ErrNotFound)
	} else if err != nil {
		return err
	}
	return fmt.Errorf("%s post %s: it is %s: %w", what, id, state, queue.ErrState)
}

// Cancel withdraws a waiting post.
func (s *Store) Cancel(ctx context.Context, id string, now time.Time, reason string) error {
	return s.tx(ctx, "cancel", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE posts SET state = 'cancelled', cancelled_by = 'operator', reason = $1, updated = $2 WHERE id = $3 AND state IN ('planned', 'failed')`,
			reason, ts(now), id)
		if err != nil {
			return err
		}
		return affected(ctx, tx, tag, id, "cancel")
	})
}

// Retry makes a post due again: now, or at its planned time if that is
// still to come.
func (s *Store) Retry(ctx context.Context, id string, now time.Time) error {
	return s.tx(ctx, "retry", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE posts SET state = CASE WHEN state = 'failed' THEN 'failed' ELSE 'planned' END, due = GREATEST(at, $1),
			reason = '', cancelled_by = '', updated = $1
			WHERE id = $2 AND (state IN ('missed', 'cancelled') OR (state = 'failed' AND due IS NULL))`, ts(now), id)
		if err != nil {
			return err
		}
		if err := affected(ctx, tx, tag, id, "retry"); err != nil {
			return err
		}
		return notify(ctx, tx)
	})
}
