package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/queue/postgres"
	"github.com/campaignkit/campaignkit/toolkit/queue/postgres/pgtest"
	"github.com/campaignkit/campaignkit/toolkit/queue/queuetest"
	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func open(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	queuetest.Run(t, func(t *testing.T) queue.Store { return open(t, pgtest.URL(t)) })
}

// TestClaimersOverSeparatePools has three runners, each with a pool of its
// own (as three machines would), claim 1,000 posts at once: none is claimed
// twice and none is left.
func TestClaimersOverSeparatePools(t *testing.T) {
	url := pgtest.URL(t)
	stores := []queue.Store{open(t, url), open(t, url), open(t, url)}
	const n = 1000
	posts := make([]queue.Post, n)
	for i := range posts {
		posts[i] = queuetest.Post(fmt.Sprintf("p%04d", i), queuetest.T0.Add(time.Duration(i)*time.Millisecond))
	}
	if _, err := stores[0].Enqueue(t.Context(), queuetest.T0, posts); err != nil {
		t.Fatal(err)
	}
	claims := queuetest.ClaimAll(t, stores, 9, queuetest.T0.Add(time.Minute))
	if len(claims) != n {
		t.Errorf("got %d posts claimed, want %d", len(claims), n)
	}
	byRunner := map[string]int{}
	for _, owner := range claims {
		byRunner[owner]++
	}
	t.Logf("posts per claimer: %v", byRunner)
	left, err := stores[1].List(t.Context(), queue.Filter{States: []queue.State{queue.Planned, queue.Claimed}})
	if err != nil || len(left) != 0 {
		t.Errorf("left over: got %d posts, %v, want none", len(left), err)
	}
}

// TestNotifyWakesAnotherConnection has a runner wait on one store while a
// post is queued through another (another machine): the waiter hears of it
// at once, not at its next poll.
func TestNotifyWakesAnotherConnection(t *testing.T) {
	url := pgtest.URL(t)
	waiter, writer := open(t, url), open(t, url)
	changes := waiter.Changes(t.Context())
	recv := func(what string) time.Time {
		t.Helper()
		timer := time.NewTimer(10 * time.Second)
		defer timer.Stop()
		select {
		case <-changes:
			return time.Now()
		case <-timer.C:
			t.Fatalf("%s: nothing heard within 10s", what)
		}
		return time.Time{}
	}
	recv("listening")
	for i := range 3 {
		start := time.Now()
		if _, err := writer.Enqueue(t.Context(), queuetest.T0, []queue.Post{queuetest.Post(fmt.Sprintf("p%d", i), queuetest.T0)}); err != nil {
			t.Fatal(err)
		}
		woke := recv("enqueue")
		// About a millisecond on an idle machine; the bound leaves room
		// for a loaded one.
		if d := woke.Sub(start); d > time.Second {
			t.Errorf("enqueue %d: woken after %v, want well under a second", i, d)
		} else {
			t.Logf("enqueue %d: woken %v after the Enqueue began", i, d)
		}
	}
	// A claim or a completion makes nothing claimable: no wake-up.
	got, err := writer.Claim(t.Context(), "r", queuetest.T0, time.Minute, queue.Any(1))
	if err != nil || len(got) != 1 {
		t.Fatalf("claim: %v, %v", got, err)
	}
	if err := writer.Release(t.Context(), got[0].ID, "r", queuetest.T0, "stopping"); err != nil {
		t.Fatal(err)
	}
	recv("release")
}

func TestNewerSchemaRefused(t *testing.T) {
	url := pgtest.URL(t)
	open(t, url).Close()
	conn := connect(t, url)
	if _, err := conn.Exec(t.Context(), `UPDATE campaignkit_schema SET version = 99`); err != nil {
		t.Fatal(err)
	}
	_, err := postgres.Open(t.Context(), url)
	if err == nil || !strings.Contains(err.Error(), "schema version 99, newer than") {
		t.Errorf("open: got %v, want a refusal naming version 99", err)
	}
	if _, err := postgres.Migrate(t.Context(), url); err == nil || !strings.Contains(err.Error(), "schema version 99, newer than") {
		t.Errorf("migrate: got %v, want a refusal naming version 99", err)
	}
	var v int
	if err := conn.QueryRow(t.Context(), `SELECT version FROM campaignkit_schema`).Scan(&v); err != nil || v != 99 {
		t.Errorf("version after the refusals: got %d, %v, want 99 (untouched)", v, err)
	}
}

func TestMigrate(t *testing.T) {
	url := pgtest.URL(t)
	from, err := postgres.Migrate(t.Context(), url)
	if err != nil || from != 0 {
		t.Fatalf("first migrate: got %d, %v, want 0", from, err)
	}
	from, err = postgres.Migrate(t.Context(), url)
	if err != nil || from != postgres.SchemaVersion {
		t.Fatalf("second migrate: got %d, %v, want %d (nothing to do)", from, err, postgres.SchemaVersion)
	}
	s := open(t, url)
	if _, err := s.Enqueue(t.Context(), queuetest.T0, []queue.Post{queuetest.Post("p", queuetest.T0)}); err != nil {
		t.Fatal(err)
	}
	// Runners starting together migrate one at a time.
	errs := make(chan error, 4)
	for range 4 {
		go func() { _, err := postgres.Migrate(context.WithoutCancel(t.Context()), url); errs <- err }()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent migrate: %v", err)
		}
	}
	if all, _ := s.List(t.Context(), queue.Filter{}); len(all) != 1 {
		t.Errorf("after migrating again: got %d posts, want 1", len(all))
	}
}

// TestMigrateFromV1 brings a database of the first schema (before
// sign-outs were kept and told keys indexed by age) forward with its posts intact.
func TestMigrateFromV1(t *testing.T) {
	url := pgtest.URL(t)
	s := open(t, url)
	if _, err := s.Enqueue(t.Context(), queuetest.T0, []queue.Post{queuetest.Post("p", queuetest.T0)}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	conn := connect(t, url)
	if _, err := conn.Exec(t.Context(), `DROP TABLE signed_out; DROP INDEX told_at; UPDATE campaignkit_schema SET version = 1`); err != nil {
		t.Fatal(err)
	}
	if from, err := postgres.Migrate(t.Context(), url); err != nil || from != 1 {
		t.Fatalf("migrate: got from %d, %v, want 1", from, err)
	}
	s = open(t, url)
	if err := s.SignOut(t.Context(), "session", queuetest.T0, queuetest.T0.Add(time.Hour)); err != nil {
		t.Errorf("sign out after migration: %v", err)
	}
	if out, err := s.SignedOut(t.Context(), "session"); err != nil || !out {
		t.Errorf("signed out after migration: got %v, %v, want true", out, err)
	}
	if all, err := s.List(t.Context(), queue.Filter{}); err != nil || len(all) != 1 {
		t.Errorf("posts after migration: got %d, %v, want 1", len(all), err)
	}
}

// TestForeignTablesRefused opens a database where another program has a
// posts table: it is refused and left as it was.
func TestForeignTablesRefused(t *testing.T) {
	url := pgtest.URL(t)
	conn := connect(t, url)
	if _, err := conn.Exec(t.Context(), `CREATE TABLE posts (title text); INSERT INTO posts VALUES ('hello')`); err != nil {
		t.Fatal(err)
	}
	_, err := postgres.Open(t.Context(), url)
	if !toolkit.IsInvalid(err) || !strings.Contains(err.Error(), "campaignkit did not make") {
		t.Fatalf("got %v, want an invalid-input error about tables campaignkit did not make", err)
	}
	var exists bool
	if err := conn.QueryRow(t.Context(), `SELECT to_regclass('campaignkit_schema') IS NOT NULL`).Scan(&exists); err != nil || exists {
		t.Errorf("the refused database was changed: campaignkit_schema exists=%v, %v", exists, err)
	}
}

func TestBadURL(t *testing.T) {
	_, err := postgres.Open(t.Context(), "postgres://user:s3cret@host:notaport/db")
	if !toolkit.IsInvalid(err) || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("got %v, want an invalid-input error without the password", err)
	}
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
