package queue

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
)

// PostColumns are a post's columns, in the order ScanPost reads them. The
// SQLite and PostgreSQL stores keep a post in the same columns, each with
// its own type for instants, so a column added to one is added to both.
const PostColumns = `id, source, slot, channel, lang, at, local, zone, card, post_id, text, link, images,
	state, due, attempts, last_error, reason, lease_owner, lease_until, remote_id, url, created, updated`

// ScanPost reads a row selected as PostColumns and then the extra columns,
// into a post and extra. scan is the row's Scan; T is the type the store
// keeps instants in, and instant turns one into a time (the zero time for
// none).
func ScanPost[T any](scan func(dest ...any) error, instant func(T) time.Time, extra ...any) (Post, error) {
	var p Post
	var at, due, leaseUntil, created, updated T
	var images string
	dest := []any{&p.ID, &p.Source, &p.Slot, &p.Channel, &p.Lang, &at, &p.Local, &p.Zone, &p.Card, &p.PostID,
		&p.Text, &p.Link, &images, &p.State, &due, &p.Attempts, &p.LastError, &p.Reason, &p.LeaseOwner,
		&leaseUntil, &p.RemoteID, &p.URL, &created, &updated}
	if err := scan(append(dest, extra...)...); err != nil {
		return p, err
	}
	p.At, p.Due, p.LeaseUntil, p.Created, p.Updated = instant(at), instant(due), instant(leaseUntil), instant(created), instant(updated)
	if images != "" && images != "[]" {
		if err := json.Unmarshal([]byte(images), &p.Images); err != nil {
			return p, fmt.Errorf("post %s: images: %w", p.ID, err)
		}
	}
	return p, nil
}

// Rows is a query's result as both *sql.Rows and pgx.Rows offer it.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ScanPosts reads every row of a SELECT of PostColumns, as ScanPost does
// one. The caller closes rows.
func ScanPosts[T any](rows Rows, instant func(T) time.Time) ([]Post, error) {
	var out []Post
	for rows.Next() {
		p, err := ScanPost(rows.Scan, instant)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ImagesJSON is a post's images as a store keeps them: a JSON array, "[]"
// for none.
func ImagesJSON(imgs []toolkit.Media) string {
	if len(imgs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(imgs)
	return string(b)
}
