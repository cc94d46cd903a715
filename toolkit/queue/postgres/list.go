package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
)

// List returns matching posts, by due time (a post no longer waiting: its
// planned time) then ID.
func (s *Store) List(ctx context.Context, f queue.Filter) ([]queue.Post, error) {
	var a args
	q := `SELECT ` + queue.PostColumns + ` FROM posts WHERE true`
	if len(f.States) > 0 {
		states := make([]string, len(f.States))
		for i, st := range f.States {
			states[i] = string(st)
		}
		q += ` AND state = ANY(` + a.add(states) + `)`
	}
	if f.Source != "" {
		q += ` AND source = ` + a.add(f.Source)
	}
	if len(f.Sources) > 0 {
		q += ` AND source = ANY(` + a.add(f.Sources) + `)`
	}
	if f.Channel != "" {
		q += ` AND channel = ` + a.add(f.Channel)
	}
	if !f.DueBefore.IsZero() {
		q += ` AND state IN ('planned', 'failed') AND due IS NOT NULL AND due < ` + a.add(ts(f.DueBefore))
	}
	q += ` ORDER BY COALESCE(due, at), id`
	if f.Limit > 0 {
		q += ` LIMIT ` + a.add(f.Limit)
	}
	out, err := queryPosts(ctx, s.pool, q, a...)
	return out, s.wrap("list", err)
}

// Get finds a post by ID or unique ID prefix (of four characters or more,
// compared as it is: no wildcards).
func (s *Store) Get(ctx context.Context, id string) (queue.Post, []queue.Attempt, error) {
	if id == "" {
		return queue.Post{}, nil, fmt.Errorf("post %q: %w", id, queue.ErrNotFound)
	}
	found, err := queryPosts(ctx, s.pool, `SELECT `+queue.PostColumns+` FROM posts
		WHERE id = $1 OR (char_length($1) >= 4 AND left(id, char_length($1)) = $1) ORDER BY id LIMIT 3`, id)
	if err != nil {
		return queue.Post{}, nil, s.wrap("get", err)
	}
	if i := slices.IndexFunc(found, func(p queue.Post) bool { return p.ID == id }); i >= 0 {
		found = found[i : i+1]
	}
	switch len(found) {
	case 0:
		return queue.Post{}, nil, fmt.Errorf("post %q: %w", id, queue.ErrNotFound)
	case 1:
	default:
		return queue.Post{}, nil, fmt.Errorf("post %q: %w", id, queue.ErrAmbiguous)
	}
	p := found[0]
	rows, err := s.pool.Query(ctx, `SELECT n, owner, started, finished, outcome, error FROM attempts WHERE post_id = $1 ORDER BY n`, p.ID)
	if err != nil {
		return queue.Post{}, nil, s.wrap("get", err)
	}
	defer rows.Close()
	var attempts []queue.Attempt
	for rows.Next() {
		var a queue.Attempt
		var started, finished *time.Time
		if err := rows.Scan(&a.N, &a.Owner, &started, &finished, &a.Outcome, &a.Error); err != nil {
			return queue.Post{}, nil, s.wrap("get", err)
		}
		a.Started, a.Finished = fromTS(started), fromTS(finished)
		attempts = append(attempts, a)
	}
	return p, attempts, s.wrap("get", rows.Err())
}
