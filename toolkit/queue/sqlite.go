package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLite is the default Store: one SQLite file in write-ahead-log mode.
// Every change is a transaction that takes the write lock when it begins,
// so claims by several runners, even in several processes, are serialised.
type SQLite struct {
	db   *sql.DB
	file string

	writes      chan *write // to the writer goroutine, started on the first write
	startWriter sync.Once
	closed      chan struct{} // closed by Close
	closeOnce   sync.Once
	writerDone  chan struct{}

	told ToldPruning // paces FirstTime's pruning of old keys
}

var _ Store = (*SQLite)(nil)

// FileName is the queue's file name inside a state folder.
const FileName = "queue.db"

// OpenSQLite opens the store in file, creating it if missing and migrating
// it if an older campaignkit wrote it. A file that is not a queue or is
// damaged is refused with a *toolkit.InvalidError and left as it is.
func OpenSQLite(ctx context.Context, file string) (*SQLite, error) {
	s, _, err := openSQLite(ctx, file)
	return s, err
}

// MigrateSQLite brings the store in file to SchemaVersion, creating it if
// missing, as OpenSQLite does, and returns the version it was at.
func MigrateSQLite(ctx context.Context, file string) (from int, err error) {
	s, from, err := openSQLite(ctx, file)
	if err != nil {
		return from, err
	}
	return from, s.Close()
}

func openSQLite(ctx context.Context, file string) (*SQLite, int, error) {
	if err := checkHeader(file); err != nil {
		return nil, 0, err
	}
	// journal_mode is set after the checks: switching to WAL rewrites the
	// header, and a file that is refused must be left exactly as it was.
	dsn := file + "?_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, 0, fmt.Errorf("open queue store %s: %w", file, err)
	}
	s := &SQLite{db: db, file: file, writes: make(chan *write), closed: make(chan struct{}), writerDone: make(chan struct{})}
	if err := s.check(ctx); err != nil {
		db.Close()
		return nil, 0, err
	}
	from, err := migrate(ctx, db, file)
	if err != nil {
		db.Close()
		return nil, from, s.wrap("open", err)
	}
	if _, err := db.ExecContext(ctx, `PRAGMA journal_mode = WAL`); err != nil {
		db.Close()
		return nil, from, s.wrap("open", err)
	}
	return s, from, nil
}

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// checkHeader refuses a non-empty file that is not an SQLite database
// before SQLite touches it.
func checkHeader(file string) error {
	f, err := os.Open(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open queue store: %w", err)
	}
	defer f.Close()
	buf := make([]byte, len(sqliteHeader))
	n, _ := f.Read(buf)
	if n == 0 {
		return nil
	}
	if string(buf[:n]) != sqliteHeader {
		return notQueue(file, "it is not an SQLite database")
	}
	return nil
}

func notQueue(file, why string) error {
	return toolkit.Invalid(file, 0, "", "cannot use this queue store: %s. It was left untouched; move it aside (or restore a backup) and run again", why)
}

// check runs SQLite's quick integrity check, so damage is found at open
// rather than halfway through campaign week.
func (s *SQLite) check(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `PRAGMA quick_check`)
	if err != nil {
		return s.wrap("open", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			return s.wrap("open", err)
		}
		if msg != "ok" {
			problems = append(problems, msg)
		}
	}
	if err := rows.Err(); err != nil {
		return s.wrap("open", err)
	}
	if len(problems) > 0 {
		if len(problems) > 3 {
			problems = append(problems[:3], "…")
		}
		return notQueue(s.file, "SQLite's integrity check failed: "+strings.Join(problems, "; "))
	}
	return nil
}

// wrap names the store in err and turns SQLite's reports of a damaged or
// foreign file into an invalid-input error.
func (s *SQLite) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB:
			return notQueue(s.file, "it is not an SQLite database")
		case sqlite3.SQLITE_CORRUPT:
			return notQueue(s.file, "it is damaged ("+se.Error()+")")
		}
	}
	if toolkit.IsInvalid(err) || strings.HasPrefix(err.Error(), "queue store ") ||
		errors.Is(err, ErrNotFound) || errors.Is(err, ErrState) || errors.Is(err, ErrLeaseLost) || errors.Is(err, ErrAmbiguous) {
		return err
	}
	return fmt.Errorf("queue store %s: %s: %w", s.file, op, err)
}

// File returns the path of the store.
func (s *SQLite) File() string { return s.file }

// Close closes the database.
func (s *SQLite) Close() error {
	s.closeOnce.Do(func() {
		close(s.closed)
		started := true
		s.startWriter.Do(func() { started = false })
		if started {
			<-s.writerDone
		}
	})
	return s.db.Close()
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func scanPost(r interface{ Scan(dest ...any) error }, extra ...any) (Post, error) {
	return ScanPost(r.Scan, fromMS, extra...)
}

// querier is what both *sql.DB and *sql.Tx offer for reading.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryPosts runs a SELECT of PostColumns and scans every row.
func queryPosts(ctx context.Context, q querier, query string, args ...any) ([]Post, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return ScanPosts(rows, fromMS)
}

// content is what re-planning may change in a waiting post.
func content(p Post) string {
	return strings.Join([]string{p.Slot, p.Channel, p.Lang, p.Local, p.Zone, p.Card, p.PostID, p.Text, p.Link, ImagesJSON(p.Images)}, "\x00")
}

// tx runs fn in a write transaction: its changes are all made or none.
// Writes are group-committed: fn runs in a savepoint of the transaction
// the store's writer has open, with whatever other writes arrived while
// the last commit was syncing, so a burst of a thousand completions costs
// a few disk syncs instead of a thousand. A failed fn rolls back to its
// savepoint and leaves the others' writes alone. fn's ctx cannot be
// cancelled once it runs (an interrupted statement would roll back the
// whole shared transaction); a ctx that ends while fn waits its turn
// returns ctx's error and fn never runs.
func (s *SQLite) tx(ctx context.Context, op string, fn func(context.Context, *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return s.wrap(op, err)
	}
	w := &write{ctx: context.WithoutCancel(ctx), fn: fn, done: make(chan error, 1)}
	s.startWriter.Do(func() { go s.writer() })
	select {
	case s.writes <- w:
	case <-s.closed:
		return s.wrap(op, errors.New("the store is closed"))
	case <-ctx.Done():
		return s.wrap(op, ctx.Err())
	}
	select {
	case err := <-w.done:
		return s.wrap(op, err)
	case <-ctx.Done():
		if w.taken.CompareAndSwap(false, true) { // the writer has not begun it
			return s.wrap(op, ctx.Err())
		}
		return s.wrap(op, <-w.done)
	}
}

// write is one transaction's work waiting for the writer.
type write struct {
	ctx   context.Context
	fn    func(context.Context, *sql.Tx) error
	done  chan error
	taken atomic.Bool // set by whoever decides first: the writer runs it, or its caller gave up
}

// maxBatch bounds the writes committed together.
const maxBatch = 256

// writer commits the store's writes, batching those that wait. It ends
// when the store is closed.
func (s *SQLite) writer() {
	defer close(s.writerDone)
	for {
		var batch []*write
		select {
		case w := <-s.writes:
			batch = append(batch, w)
		case <-s.closed:
			return
		}
	more:
		for len(batch) < maxBatch {
			select {
			case w := <-s.writes:
				batch = append(batch, w)
			default:
				break more
			}
		}
		s.commit(batch)
	}
}

// commit runs a batch of writes in one transaction, each in a savepoint.
func (s *SQLite) commit(batch []*write) {
	var run []*write
	for _, w := range batch {
		if w.taken.CompareAndSwap(false, true) {
			run = append(run, w)
		}
	}
	if len(run) == 0 {
		return
	}
	finish := func(err error) {
		for _, w := range run {
			w.done <- err
		}
	}
	tx, err := s.db.BeginTx(context.Background(), nil)
	if err != nil {
		finish(err)
		return
	}
	errs := make([]error, len(run))
	for i, w := range run {
		if _, err := tx.ExecContext(w.ctx, `SAVEPOINT w`); err != nil {
			errs[i] = err
			continue
		}
		if err := w.fn(w.ctx, tx); err != nil {
			errs[i] = err
			if _, rerr := tx.ExecContext(w.ctx, `ROLLBACK TO w`); rerr != nil {
				_ = tx.Rollback()
				finish(fmt.Errorf("%w (and rolling it back failed: %v)", err, rerr))
				return
			}
		}
		if _, err := tx.ExecContext(w.ctx, `RELEASE w`); err != nil && errs[i] == nil {
			errs[i] = err
		}
	}
	if err := tx.Commit(); err != nil {
		finish(err)
		return
	}
	for i, w := range run {
		w.done <- errs[i]
	}
}

// Enqueue adds posts or updates waiting ones in place.
func (s *SQLite) Enqueue(ctx context.Context, now time.Time, posts []Post) (Counts, error) {
	var c Counts
	err := s.tx(ctx, "enqueue", func(ctx context.Context, tx *sql.Tx) error {
		var err error
		c, err = s.upsert(ctx, tx, now, posts)
		return err
	})
	return c, err
}

// Sync enqueues a whole plan and cancels waiting posts of source it lacks.
func (s *SQLite) Sync(ctx context.Context, now time.Time, source string, posts []Post) (Counts, error) {
	var c Counts
	err := s.tx(ctx, "sync", func(ctx context.Context, tx *sql.Tx) error {
		for i := range posts {
			if posts[i].Source != source {
				return fmt.Errorf("post %s has source %q, want %q", posts[i].ID, posts[i].Source, source)
			}
		}
		var err error
		c, err = s.upsert(ctx, tx, now, posts)
		if err != nil {
			return err
		}
		keep := make(map[string]bool, len(posts))
		for _, p := range posts {
			keep[p.ID] = true
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM posts WHERE source = ? AND (state = 'planned' OR (state = 'failed' AND due > 0))`, source)
		if err != nil {
			return err
		}
		var drop []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			if !keep[id] {
				drop = append(drop, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range drop {
			if _, err := tx.ExecContext(ctx, `UPDATE posts SET state = 'cancelled', cancelled_by = 'replan', reason = ?, updated = ? WHERE id = ?`,
				"no longer in the plan: the campaign or its schedule changed", ms(now), id); err != nil {
				return err
			}
		}
		c.Cancelled = len(drop)
		return nil
	})
	return c, err
}

func (s *SQLite) upsert(ctx context.Context, tx *sql.Tx, now time.Time, posts []Post) (Counts, error) {
	var c Counts
	type existing struct {
		state       State
		cancelledBy string
		due         int64
		content     string
	}
	have := map[string]existing{}
	sources := map[string]bool{}
	for _, p := range posts {
		sources[p.Source] = true
	}
	for src := range sources {
		rows, err := tx.QueryContext(ctx, `SELECT `+PostColumns+`, cancelled_by FROM posts WHERE source = ?`, src)
		if err != nil {
			return c, err
		}
		for rows.Next() {
			var cancelledBy string
			p, err := scanPost(rows, &cancelledBy)
			if err != nil {
				rows.Close()
				return c, err
			}
			have[p.ID] = existing{p.State, cancelledBy, ms(p.Due), content(p)}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return c, err
		}
	}
	insert, err := tx.PrepareContext(ctx, `INSERT INTO posts (id, source, slot, channel, lang, at, local, zone, card, post_id, text, link, images,
		state, due, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?) ON CONFLICT (id) DO NOTHING`)
	if err != nil {
		return c, err
	}
	defer insert.Close()
	update, err := tx.PrepareContext(ctx, `UPDATE posts SET slot = ?, channel = ?, lang = ?, local = ?, zone = ?, card = ?, post_id = ?,
		text = ?, link = ?, images = ?, updated = ? WHERE id = ?`)
	if err != nil {
		return c, err
	}
	defer update.Close()
	for _, p := range posts {
		if p.ID == "" {
			return c, errors.New("a post has no ID")
		}
		at := p.At.UTC()
		e, ok := have[p.ID]
		if !ok {
			res, err := insert.ExecContext(ctx, p.ID, p.Source, p.Slot, p.Channel, p.Lang, ms(at), p.Local, p.Zone, p.Card, p.PostID,
				p.Text, p.Link, ImagesJSON(p.Images), ms(at), ms(now), ms(now))
			if err != nil {
				return c, fmt.Errorf("post %s: %w", p.ID, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return c, err
			} else if n == 0 {
				c.Kept++ // queued under another source; never take it over
				continue
			}
			have[p.ID] = existing{Planned, "", ms(at), content(p)}
			c.Added++
			continue
		}
		waiting := e.state == Planned || (e.state == Failed && e.due > 0)
		revive := e.state == Cancelled && e.cancelledBy == "replan"
		switch {
		case revive:
			if _, err := tx.ExecContext(ctx, `UPDATE posts SET state = 'planned', cancelled_by = '', reason = '', due = at, updated = ? WHERE id = ?`, ms(now), p.ID); err != nil {
				return c, err
			}
			fallthrough
		case waiting:
			if e.content == content(p) {
				if revive {
					c.Updated++
				} else {
					c.Unchanged++
				}
				continue
			}
			if _, err := update.ExecContext(ctx, p.Slot, p.Channel, p.Lang, p.Local, p.Zone, p.Card, p.PostID, p.Text, p.Link,
				ImagesJSON(p.Images), ms(now), p.ID); err != nil {
				return c, fmt.Errorf("post %s: %w", p.ID, err)
			}
			c.Updated++
		default:
			c.Kept++
		}
	}
	return c, nil
}

// Claim leases due posts to owner.
func (s *SQLite) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, free Slots) ([]Post, error) {
	if owner == "" {
		return nil, errors.New("claim: owner is empty")
	}
	if free.Total <= 0 {
		return nil, nil
	}
	due := `SELECT ` + PostColumns + ` FROM posts WHERE (state = 'planned' OR state = 'failed') AND due > 0 AND due <= ?`
	dueArgs := []any{ms(now)}
	if len(free.Sources) > 0 {
		due += ` AND source IN (?` + strings.Repeat(`, ?`, len(free.Sources)-1) + `)`
		for _, src := range free.Sources {
			dueArgs = append(dueArgs, src)
		}
	}
	var out []Post
	err := s.tx(ctx, "claim", func(ctx context.Context, tx *sql.Tx) error {
		var paused int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pause`).Scan(&paused); err != nil {
			return err
		}
		if paused > 0 {
			return nil
		}
		var err error
		out, err = free.Take(func(channel string, n int) ([]Post, error) {
			if channel == "" {
				return queryPosts(ctx, tx, due+` ORDER BY due, id LIMIT ?`, append(slices.Clip(dueArgs), n)...)
			}
			return queryPosts(ctx, tx, due+` AND channel = ? ORDER BY due, id LIMIT ?`, append(slices.Clip(dueArgs), channel, n)...)
		})
		if err != nil {
			return err
		}
		until := now.Add(lease).UTC()
		for i := range out {
			p := out[i].Leased(owner, now, until)
			out[i] = p
			if _, err := tx.ExecContext(ctx, `UPDATE posts SET state = 'claimed', lease_owner = ?, lease_until = ?, attempts = ?, updated = ? WHERE id = ?`,
				owner, ms(until), p.Attempts, ms(now), p.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO attempts (post_id, n, owner, started) VALUES (?, ?, ?, ?)`,
				p.ID, p.Attempts, owner, ms(now)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// NextDue returns the earliest due time of a waiting post.
func (s *SQLite) NextDue(ctx context.Context) (time.Time, error) {
	var due sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT min(due) FROM posts WHERE (state = 'planned' OR state = 'failed') AND due > 0`).Scan(&due)
	if err != nil || !due.Valid {
		return time.Time{}, s.wrap("next due", err)
	}
	return fromMS(due.Int64), nil
}

// Beat records a runner's heartbeat.
func (s *SQLite) Beat(ctx context.Context, r RunnerInfo) error {
	return s.tx(ctx, "heartbeat", func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO runners (id, host, pid, source, started, beat, last_tick, in_flight, stopped)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET beat = excluded.beat, last_tick = excluded.last_tick, in_flight = excluded.in_flight,
				stopped = excluded.stopped, source = excluded.source`,
			r.ID, r.Host, r.PID, r.Source, ms(r.Started), ms(r.Beat), ms(r.LastTick), r.InFlight, ms(r.Stopped))
		return err
	})
}

// FirstTime records key and reports whether it was new. At most once per
// PruneEvery it first forgets the keys older than ToldFor.
func (s *SQLite) FirstTime(ctx context.Context, key string, now time.Time) (bool, error) {
	var first bool
	before, prune := s.told.Due(now)
	err := s.tx(ctx, "first time", func(ctx context.Context, tx *sql.Tx) error {
		if prune {
			if _, err := tx.ExecContext(ctx, `DELETE FROM told WHERE at < ?`, ms(before)); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO told (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, ms(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		first = n == 1
		return err
	})
	return first, err
}

// SignOut records a signed-out dashboard session and prunes the ended
// ones.
func (s *SQLite) SignOut(ctx context.Context, id string, now, until time.Time) error {
	if id == "" || until.IsZero() {
		return errors.New("sign out: a session id and the time it ends are required")
	}
	return s.tx(ctx, "sign out", func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM signed_out WHERE expires <= ?`, ms(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO signed_out (id, expires) VALUES (?, ?)
			ON CONFLICT (id) DO UPDATE SET expires = MAX(expires, excluded.expires)`, id, ms(until))
		return err
	})
}

// SignedOut reports whether a dashboard session was signed out.
func (s *SQLite) SignedOut(ctx context.Context, id string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM signed_out WHERE id = ?`, id).Scan(&n)
	return n > 0, s.wrap("signed out", err)
}

// Runners lists the runners that beat since a time.
func (s *SQLite) Runners(ctx context.Context, since time.Time) ([]RunnerInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, host, pid, source, started, beat, last_tick, in_flight, stopped
		FROM runners WHERE beat >= ? ORDER BY beat DESC, id`, ms(since))
	if err != nil {
		return nil, s.wrap("runners", err)
	}
	defer rows.Close()
	var out []RunnerInfo
	for rows.Next() {
		var r RunnerInfo
		var started, beat, tick, stopped int64
		if err := rows.Scan(&r.ID, &r.Host, &r.PID, &r.Source, &started, &beat, &tick, &r.InFlight, &stopped); err != nil {
			return nil, s.wrap("runners", err)
		}
		r.Started, r.Beat, r.LastTick, r.Stopped = fromMS(started), fromMS(beat), fromMS(tick), fromMS(stopped)
		out = append(out, r)
	}
	return out, s.wrap("runners", rows.Err())
}

// held checks that owner holds a claim on id inside tx and returns the
// attempt number.
func held(ctx context.Context, tx *sql.Tx, id, owner string) (int, error) {
	var state State
	var lo string
	var n int
	err := tx.QueryRowContext(ctx, `SELECT state, lease_owner, attempts FROM posts WHERE id = ?`, id).Scan(&state, &lo, &n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("post %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	if state != Claimed || lo != owner {
		return 0, fmt.Errorf("post %s is %s by %q, not claimed by %q: %w", id, state, lo, owner, ErrLeaseLost)
	}
	return n, nil
}

// Extend lengthens a lease.
func (s *SQLite) Extend(ctx context.Context, id, owner string, until time.Time) error {
	return s.tx(ctx, "extend lease", func(ctx context.Context, tx *sql.Tx) error {
		if _, err := held(ctx, tx, id, owner); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE posts SET lease_until = ? WHERE id = ?`, ms(until), id)
		return err
	})
}

func finishAttempt(ctx context.Context, tx *sql.Tx, id string, n int, now time.Time, outcome, msg string) error {
	_, err := tx.ExecContext(ctx, `UPDATE attempts SET finished = ?, outcome = ?, error = ? WHERE post_id = ? AND n = ?`, ms(now), outcome, msg, id, n)
	return err
}

// Complete records a publication.
func (s *SQLite) Complete(ctx context.Context, id, owner string, now time.Time, res toolkit.Published) error {
	return s.tx(ctx, "complete", func(ctx context.Context, tx *sql.Tx) error {
		n, err := held(ctx, tx, id, owner)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET state = 'published', remote_id = ?, url = ?, last_error = '', lease_owner = '', lease_until = 0, updated = ? WHERE id = ?`,
			res.RemoteID, res.URL, ms(now), id); err != nil {
			return err
		}
		return finishAttempt(ctx, tx, id, n, now, "published", "")
	})
}

// Fail records a failed attempt.
func (s *SQLite) Fail(ctx context.Context, id, owner string, now time.Time, msg string, retryAt time.Time) error {
	return s.tx(ctx, "fail", func(ctx context.Context, tx *sql.Tx) error {
		n, err := held(ctx, tx, id, owner)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET state = 'failed', due = ?, last_error = ?, lease_owner = '', lease_until = 0, updated = ? WHERE id = ?`,
			ms(retryAt), msg, ms(now), id); err != nil {
			return err
		}
		return finishAttempt(ctx, tx, id, n, now, "failed", msg)
	})
}

// release hands a claimed post back to the waiting states.
func release(ctx context.Context, tx *sql.Tx, id string, n int, now time.Time, reason string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE posts SET state = CASE WHEN last_error = '' THEN 'planned' ELSE 'failed' END,
		due = CASE WHEN due = 0 THEN at ELSE due END, lease_owner = '', lease_until = 0, updated = ? WHERE id = ?`, ms(now), id); err != nil {
		return err
	}
	return finishAttempt(ctx, tx, id, n, time.Time{}, "interrupted", reason)
}

// Release gives a claimed post back.
func (s *SQLite) Release(ctx context.Context, id, owner string, now time.Time, reason string) error {
	return s.tx(ctx, "release", func(ctx context.Context, tx *sql.Tx) error {
		n, err := held(ctx, tx, id, owner)
		if err != nil {
			return err
		}
		return release(ctx, tx, id, n, now, reason)
	})
}

// ReleaseExpired takes back leases that ran out.
func (s *SQLite) ReleaseExpired(ctx context.Context, now time.Time) ([]Post, error) {
	var out []Post
	err := s.tx(ctx, "release expired leases", func(ctx context.Context, tx *sql.Tx) error {
		var err error
		out, err = queryPosts(ctx, tx, `SELECT `+PostColumns+` FROM posts WHERE state = 'claimed' AND lease_until < ? ORDER BY due, id`, ms(now))
		if err != nil {
			return err
		}
		for _, p := range out {
			if err := release(ctx, tx, p.ID, p.Attempts, now, fmt.Sprintf("lease of %s expired at %s", p.LeaseOwner, p.LeaseUntil.Format(time.RFC3339))); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// MarkMissed records a post that will not go out.
func (s *SQLite) MarkMissed(ctx context.Context, id, owner string, now time.Time, reason string) error {
	return s.tx(ctx, "mark missed", func(ctx context.Context, tx *sql.Tx) error {
		if owner != "" {
			n, err := held(ctx, tx, id, owner)
			if err != nil {
				return err
			}
			// The claim started an attempt that never ran: withdraw it.
			if _, err := tx.ExecContext(ctx, `DELETE FROM attempts WHERE post_id = ? AND n = ?`, id, n); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE posts SET state = 'missed', reason = ?, attempts = attempts - 1, lease_owner = '', lease_until = 0, updated = ? WHERE id = ?`,
				reason, ms(now), id)
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE posts SET state = 'missed', reason = ?, updated = ? WHERE id = ? AND (state = 'planned' OR (state = 'failed' AND due > 0))`,
			reason, ms(now), id)
		if err != nil {
			return err
		}
		return affected(ctx, tx, res, id, "mark missed")
	})
}

// affected explains an update that matched no row.
func affected(ctx context.Context, tx *sql.Tx, res sql.Result, id, what string) error {
	n, err := res.RowsAffected()
	if err != nil || n > 0 {
		return err
	}
	var state State
	if err := tx.QueryRowContext(ctx, `SELECT state FROM posts WHERE id = ?`, id).Scan(&state); errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("post %s: %w", id, ErrNotFound)
	} else if err != nil {
		return err
	}
	return fmt.Errorf("%s post %s: it is %s: %w", what, id, state, ErrState)
}

// Cancel withdraws a waiting post.
func (s *SQLite) Cancel(ctx context.Context, id string, now time.Time, reason string) error {
	return s.tx(ctx, "cancel", func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE posts SET state = 'cancelled', cancelled_by = 'operator', reason = ?, updated = ? WHERE id = ? AND (state = 'planned' OR state = 'failed')`,
			reason, ms(now), id)
		if err != nil {
			return err
		}
		return affected(ctx, tx, res, id, "cancel")
	})
}

// Retry makes a post due again: now, or at its planned time if that is
// still to come.
func (s *SQLite) Retry(ctx context.Context, id string, now time.Time) error {
	return s.tx(ctx, "retry", func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE posts SET state = CASE WHEN state = 'failed' THEN 'failed' ELSE 'planned' END, due = MAX(at, ?), reason = '', cancelled_by = '', updated = ?
			WHERE id = ? AND (state IN ('missed', 'cancelled') OR (state = 'failed' AND due = 0))`, ms(now), ms(now), id)
		if err != nil {
			return err
		}
		return affected(ctx, tx, res, id, "retry")
	})
}

// Pause stops claims.
func (s *SQLite) Pause(ctx context.Context, now time.Time, reason string) error {
	return s.tx(ctx, "pause", func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO pause (id, since, reason) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING`, ms(now), reason)
		return err
	})
}

// Resume lifts a pause.
func (s *SQLite) Resume(ctx context.Context) error {
	return s.tx(ctx, "resume", func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM pause`)
		return err
	})
}

// Paused reports the pause.
func (s *SQLite) Paused(ctx context.Context) (Pause, error) {
	var since int64
	var p Pause
	err := s.db.QueryRowContext(ctx, `SELECT since, reason FROM pause WHERE id = 1`).Scan(&since, &p.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return Pause{}, nil
	}
	if err != nil {
		return Pause{}, s.wrap("paused", err)
	}
	p.On, p.Since = true, fromMS(since)
	return p, nil
}

// List returns matching posts.
func (s *SQLite) List(ctx context.Context, f Filter) ([]Post, error) {
	q := `SELECT ` + PostColumns + ` FROM posts WHERE 1 = 1`
	var args []any
	if len(f.States) > 0 {
		q += ` AND state IN (?` + strings.Repeat(`, ?`, len(f.States)-1) + `)`
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	if f.Source != "" {
		q += ` AND source = ?`
		args = append(args, f.Source)
	}
	if len(f.Sources) > 0 {
		q += ` AND source IN (?` + strings.Repeat(`, ?`, len(f.Sources)-1) + `)`
		for _, src := range f.Sources {
			args = append(args, src)
		}
	}
	if f.Channel != "" {
		q += ` AND channel = ?`
		args = append(args, f.Channel)
	}
	if !f.DueBefore.IsZero() {
		q += ` AND (state = 'planned' OR state = 'failed') AND due > 0 AND due < ?`
		args = append(args, ms(f.DueBefore))
	}
	q += ` ORDER BY CASE WHEN due = 0 THEN at ELSE due END, id`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	out, err := queryPosts(ctx, s.db, q, args...)
	return out, s.wrap("list", err)
}

// Get finds a post by ID or unique ID prefix.
func (s *SQLite) Get(ctx context.Context, id string) (Post, []Attempt, error) {
	if id == "" {
		return Post{}, nil, fmt.Errorf("post %q: %w", id, ErrNotFound)
	}
	found, err := queryPosts(ctx, s.db, `SELECT `+PostColumns+` FROM posts WHERE id = ? OR (length(?) >= 4 AND substr(id, 1, length(?)) = ?) ORDER BY id LIMIT 3`, id, id, id, id)
	if err != nil {
		return Post{}, nil, s.wrap("get", err)
	}
	if i := slices.IndexFunc(found, func(p Post) bool { return p.ID == id }); i >= 0 {
		found = found[i : i+1]
	}
	switch len(found) {
	case 0:
		return Post{}, nil, fmt.Errorf("post %q: %w", id, ErrNotFound)
	case 1:
	default:
		return Post{}, nil, fmt.Errorf("post %q: %w", id, ErrAmbiguous)
	}
	p := found[0]
	arows, err := s.db.QueryContext(ctx, `SELECT n, owner, started, finished, outcome, error FROM attempts WHERE post_id = ? ORDER BY n`, p.ID)
	if err != nil {
		return Post{}, nil, s.wrap("get", err)
	}
	defer arows.Close()
	var attempts []Attempt
	for arows.Next() {
		var a Attempt
		var started, finished int64
		if err := arows.Scan(&a.N, &a.Owner, &started, &finished, &a.Outcome, &a.Error); err != nil {
			return Post{}, nil, s.wrap("get", err)
		}
		a.Started, a.Finished = fromMS(started), fromMS(finished)
		attempts = append(attempts, a)
	}
	return p, attempts, s.wrap("get", arows.Err())
}
