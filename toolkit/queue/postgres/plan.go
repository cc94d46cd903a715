package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/jackc/pgx/v5"
)

// Enqueue adds posts or updates waiting ones in place.
func (s *Store) Enqueue(ctx context.Context, now time.Time, posts []queue.Post) (queue.Counts, error) {
	var c queue.Counts
	err := s.tx(ctx, "enqueue", func(tx pgx.Tx) error {
		var err error
		c, err = upsert(ctx, tx, now, posts)
		return err
	})
	return c, err
}

// Sync enqueues a whole plan and cancels the waiting posts of source it
// lacks; posts of other sources are never touched.
func (s *Store) Sync(ctx context.Context, now time.Time, source string, posts []queue.Post) (queue.Counts, error) {
	for _, p := range posts {
		if p.Source != source {
			return queue.Counts{}, s.wrap("sync", fmt.Errorf("post %s has source %q, want %q", p.ID, p.Source, source))
		}
	}
	var c queue.Counts
	err := s.tx(ctx, "sync", func(tx pgx.Tx) error {
		if err := lockSources(ctx, tx, []string{source}); err != nil {
			return err
		}
		var err error
		c, err = upsert(ctx, tx, now, posts)
		if err != nil {
			return err
		}
		keep := make([]string, 0, len(posts)) // not nil: = ANY(NULL) matches nothing
		for _, p := range posts {
			keep = append(keep, p.ID)
		}
		tag, err := tx.Exec(ctx, `UPDATE posts SET state = 'cancelled', cancelled_by = 'replan', reason = $1, updated = $2
			WHERE source = $3 AND (state = 'planned' OR (state = 'failed' AND due IS NOT NULL)) AND NOT (id = ANY($4))`,
			"no longer in the plan: the campaign or its schedule changed", ts(now), source, keep)
		if err != nil {
			return err
		}
		c.Cancelled = int(tag.RowsAffected())
		return nil
	})
	return c, err
}

// lockSources serialises the plans of the same sources, so that two
// runners of a campaign starting together do not interleave their Syncs.
// Locks are taken in order, so plans of several sources cannot deadlock.
func lockSources(ctx context.Context, tx pgx.Tx, sources []string) error {
	sorted := slices.Clone(sources)
	slices.Sort(sorted)
	for _, src := range slices.Compact(sorted) {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockSpace, fmt.Sprintf("%d:%s", lockSource, src)); err != nil {
			return err
		}
	}
	return nil
}

func upsert(ctx context.Context, tx pgx.Tx, now time.Time, posts []queue.Post) (queue.Counts, error) {
	var c queue.Counts
	if len(posts) == 0 {
		return c, nil
	}
	ids := make([]string, 0, len(posts))
	var sources []string
	for _, p := range posts {
		if p.ID == "" {
			return c, errors.New("a post has no ID")
		}
		ids = append(ids, p.ID)
		sources = append(sources, p.Source)
	}
	if err := lockSources(ctx, tx, sources); err != nil {
		return c, err
	}
	type existing struct {
		post        queue.Post
		cancelledBy string
	}
	have := map[string]existing{}
	rows, err := tx.Query(ctx, `SELECT `+queue.PostColumns+`, cancelled_by FROM posts WHERE id = ANY($1) FOR UPDATE`, ids)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var e existing
		var scanErr error
		e.post, scanErr = scanPost(rows, &e.cancelledBy)
		if scanErr != nil {
			rows.Close()
			return c, scanErr
		}
		have[e.post.ID] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}

	// The statements go in one batch; inserts report afterwards whether
	// another source's post had the ID (a race with another plan).
	var batch pgx.Batch
	var inserts []int // batch index of each insert
	for _, p := range posts {
		e, ok := have[p.ID]
		if !ok {
			inserts = append(inserts, batch.Len())
			batch.Queue(`INSERT INTO posts (id, source, slot, channel, lang, at, local, zone, card, post_id, text, link, images,
				state, due, created, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'planned', $6, $14, $14)
				ON CONFLICT (id) DO NOTHING`,
				p.ID, p.Source, p.Slot, p.Channel, p.Lang, ts(p.At), p.Local, p.Zone, p.Card, p.PostID, p.Text, p.Link,
				queue.ImagesJSON(p.Images), ts(now))
			have[p.ID] = existing{post: withState(p, queue.Planned)}
			c.Added++
			continue
		}
		if e.post.Source != p.Source {
			c.Kept++ // queued under another source; never take it over
			continue
		}
		revive := e.post.State == queue.Cancelled && e.cancelledBy == "replan"
		if !revive && !e.post.Waiting() {
			c.Kept++ // published, claimed, missed, given up or cancelled by an operator
			continue
		}
		if revive {
			batch.Queue(`UPDATE posts SET state = 'planned', cancelled_by = '', reason = '', due = at, updated = $1 WHERE id = $2`, ts(now), p.ID)
		}
		same := queue.SameContent(e.post, p)
		if !same {
			batch.Queue(`UPDATE posts SET slot = $1, channel = $2, lang = $3, local = $4, zone = $5, card = $6, post_id = $7,
				text = $8, link = $9, images = $10, updated = $11 WHERE id = $12`,
				p.Slot, p.Channel, p.Lang, p.Local, p.Zone, p.Card, p.PostID, p.Text, p.Link, queue.ImagesJSON(p.Images), ts(now), p.ID)
		}
		if revive || !same {
			c.Updated++
		} else {
			c.Unchanged++
		}
		// A later post of this call with the same ID sees this one as it is now.
		next := p
		next.State, next.Due = e.post.State, e.post.Due
		if revive {
			next.State, next.Due = queue.Planned, e.post.At
		}
		have[p.ID] = existing{post: next}
	}
	if c.Added+c.Updated > 0 {
		batch.Queue(`SELECT pg_notify($1, '')`, channel)
	}
	if batch.Len() == 0 {
		return c, nil
	}
	br := tx.SendBatch(ctx, &batch)
	for i := range batch.Len() {
		tag, err := br.Exec()
		if err != nil {
			br.Close()
			return c, err
		}
		if slices.Contains(inserts, i) && tag.RowsAffected() == 0 {
			c.Added--
			c.Kept++
		}
	}
	return c, br.Close()
}

// withState is p as a post in state would be, for comparing later posts
// of the same call with it.
func withState(p queue.Post, state queue.State) queue.Post {
	p.State = state
	if state == queue.Planned {
		p.Due = p.At
	}
	return p
}
