// Package queuetest is the conformance suite of queue.Store: every store
// (SQLite, PostgreSQL) runs the same tests, so the runner and the
// dashboard can rely on one behaviour whatever holds the queue.
//
// A store's own tests call Run with a function that opens a new, empty
// store for each test:
//
//	func TestConformance(t *testing.T) {
//		queuetest.Run(t, func(t *testing.T) queue.Store { return openEmpty(t) })
//	}
//
// What only one store can show (a damaged SQLite file, several PostgreSQL
// connection pools) stays in that store's tests.
package queuetest

import (
	"github.com/campaignkit/campaignkit/toolkit"

	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
)

// T0 is the instant the suite's posts are planned around.
var T0 = time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)

// Source is the campaign the suite's posts come from.
const Source = "test-day"

// Post returns a post of Source on the outbox channel at at.
func Post(id string, at time.Time) queue.Post {
	return queue.Post{ID: id, Source: Source, Slot: "s", Channel: "outbox", Lang: "en", At: at,
		Local: at.Format("2006-01-02 15:04"), Zone: "UTC", Text: "text of " + id}
}

// ByPostID lists the posts of s that f selects by campaign post id: how
// the runner's and the command's tests look a post up after a re-plan.
func ByPostID(t *testing.T, s queue.Store, f queue.Filter) map[string]queue.Post {
	t.Helper()
	all, err := s.List(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]queue.Post{}
	for _, p := range all {
		out[p.PostID] = p
	}
	return out
}

// Run runs the whole suite; open must return a new, empty store, closed
// when the test ends.
func Run(t *testing.T, open func(t *testing.T) queue.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, queue.Store)
	}{
		{"EnqueueIdempotentAndInPlace", testEnqueueIdempotent},
		{"EnqueueRejectsEmptyID", testEnqueueEmptyID},
		{"RoundTrip", testRoundTrip},
		{"SyncCancelsAndRevives", testSyncCancelsAndRevives},
		{"SyncKeepsCampaignsApart", testSyncCampaignsApart},
		{"Lifecycle", testLifecycle},
		{"ReleaseAndRetry", testReleaseAndRetry},
		{"Missed", testMissed},
		{"LeaseExpiry", testLeaseExpiry},
		{"Pause", testPause},
		{"ClaimSlots", testClaimSlots},
		{"ClaimSources", testClaimSources},
		{"ConcurrentClaimers", testConcurrentClaimers},
		{"List", testList},
		{"GetByPrefix", testGetByPrefix},
		{"NextDue", testNextDue},
		{"Runners", testRunners},
		{"FirstTime", testFirstTime},
		{"FirstTimeRace", testFirstTimeRace},
		{"FirstTimeForgets", testFirstTimeForgets},
		{"SignOut", testSignOut},
		{"Notifier", testNotifier},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

func ctxOf(t *testing.T) context.Context { return t.Context() }

func enqueue(t *testing.T, s queue.Store, now time.Time, posts ...queue.Post) {
	t.Helper()
	if _, err := s.Enqueue(ctxOf(t), now, posts); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
}

func get(t *testing.T, s queue.Store, id string) (queue.Post, []queue.Attempt) {
	t.Helper()
	p, attempts, err := s.Get(ctxOf(t), id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return p, attempts
}

func ids(posts []queue.Post) []string {
	out := make([]string, len(posts))
	for i, p := range posts {
		out[i] = p.ID
	}
	return out
}

func testEnqueueIdempotent(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	posts := []queue.Post{Post("a", T0), Post("b", T0.Add(time.Hour)), Post("c", T0.Add(2*time.Hour))}
	got, err := s.Enqueue(ctx, T0.Add(-time.Hour), posts)
	if err != nil {
		t.Fatal(err)
	}
	if want := (queue.Counts{Added: 3}); got != want {
		t.Errorf("first enqueue: got %+v, want %+v", got, want)
	}
	got, err = s.Enqueue(ctx, T0.Add(-time.Hour), posts)
	if err != nil {
		t.Fatal(err)
	}
	if want := (queue.Counts{Unchanged: 3}); got != want {
		t.Errorf("second enqueue: got %+v, want %+v", got, want)
	}
	// a is published; b is edited; c unchanged.
	claimed, err := s.Claim(ctx, "r1", T0, time.Minute, queue.Any(1))
	if err != nil || len(claimed) != 1 || claimed[0].ID != "a" {
		t.Fatalf("claim: got %v, %v", claimed, err)
	}
	if err := s.Complete(ctx, "a", "r1", T0, toolkit.Published{RemoteID: "a"}); err != nil {
		t.Fatal(err)
	}
	edited := slices.Clone(posts)
	edited[0].Text = "edited a"
	edited[1].Text = "edited b"
	got, err = s.Enqueue(ctx, T0, edited)
	if err != nil {
		t.Fatal(err)
	}
	if want := (queue.Counts{Updated: 1, Unchanged: 1, Kept: 1}); got != want {
		t.Errorf("re-plan: got %+v, want %+v", got, want)
	}
	a, _ := get(t, s, "a")
	b, _ := get(t, s, "b")
	if a.Text != "text of a" || b.Text != "edited b" {
		t.Errorf("texts: got %q, %q, want the published one untouched and the waiting one edited", a.Text, b.Text)
	}
	if !b.Updated.Equal(T0) || !b.Created.Equal(T0.Add(-time.Hour)) {
		t.Errorf("edited post: got created %v updated %v, want %v and %v", b.Created, b.Updated, T0.Add(-time.Hour), T0)
	}
	all, err := s.List(ctx, queue.Filter{})
	if err != nil || len(all) != 3 {
		t.Errorf("list: got %d posts, %v, want 3", len(all), err)
	}
}

func testEnqueueEmptyID(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	if _, err := s.Enqueue(ctx, T0, []queue.Post{Post("ok", T0), Post("", T0)}); err == nil {
		t.Fatal("enqueue of a post without ID: got no error")
	}
	if all, _ := s.List(ctx, queue.Filter{}); len(all) != 0 {
		t.Errorf("a refused enqueue left %d posts, want none (all or nothing)", len(all))
	}
}

// testRoundTrip checks that every field comes back as it went in, with
// times in UTC to the millisecond, as all stores keep them.
func testRoundTrip(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	at := T0.Add(1234567 * time.Nanosecond).In(paris) // 1.234567ms past T0, not in UTC
	now := T0.Add(-time.Hour + 999999*time.Nanosecond)
	in := queue.Post{ID: "round-trip", Source: "somewhere", Slot: "post:launch", Channel: "mastodon", Lang: "ar",
		At: at, Local: "2026-12-18 10:00", Zone: "Europe/Paris", Card: "quote", PostID: "launch",
		Text: "مرحبا \"quoted\" 'single' \x01 ✓", Link: "https://example.org/?a=1&b=2",
		Images: []toolkit.Media{{Path: "cards/ar/quote/x.png", Alt: "نص بديل"}, {Path: "b.png", Alt: ""}}}
	if _, err := s.Enqueue(ctx, now, []queue.Post{in}); err != nil {
		t.Fatal(err)
	}
	got, attempts := get(t, s, "round-trip")
	wantAt := T0.Add(time.Millisecond)
	want := in
	want.At, want.Due, want.State = wantAt, wantAt, queue.Planned
	want.Created, want.Updated = T0.Add(-time.Hour), T0.Add(-time.Hour)
	if !equalPost(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	for name, v := range map[string]time.Time{"At": got.At, "Due": got.Due, "Created": got.Created, "Updated": got.Updated} {
		if v.Location() != time.UTC {
			t.Errorf("%s: got location %v, want UTC", name, v.Location())
		}
	}
	if len(attempts) != 0 {
		t.Errorf("attempts of a new post: got %+v, want none", attempts)
	}
	listed, err := s.List(ctx, queue.Filter{})
	if err != nil || len(listed) != 1 || !equalPost(listed[0], want) {
		t.Errorf("list: got %+v, %v, want the same post as Get", listed, err)
	}

	claimAt := T0.Add(time.Second + 1500*time.Microsecond)
	claimed, err := s.Claim(ctx, "r1", claimAt, 30*time.Second+time.Microsecond, queue.Any(1))
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: got %+v, %v", claimed, err)
	}
	c := claimed[0]
	if c.State != queue.Claimed || c.LeaseOwner != "r1" || c.Attempts != 1 {
		t.Errorf("claimed: got %+v", c)
	}
	stored, attempts := get(t, s, "round-trip")
	if !stored.LeaseUntil.Equal(T0.Add(31*time.Second+time.Millisecond)) || !stored.Updated.Equal(T0.Add(time.Second+time.Millisecond)) {
		t.Errorf("stored claim: lease until %v, updated %v", stored.LeaseUntil, stored.Updated)
	}
	if len(attempts) != 1 || attempts[0].N != 1 || attempts[0].Owner != "r1" || !attempts[0].Started.Equal(T0.Add(time.Second+time.Millisecond)) ||
		!attempts[0].Finished.IsZero() || attempts[0].Outcome != "" {
		t.Errorf("attempt while running: got %+v", attempts)
	}
	if err := s.Complete(ctx, "round-trip", "r1", claimAt.Add(time.Second), toolkit.Published{RemoteID: "at://did/post/1", URL: "https://bsky.app/x"}); err != nil {
		t.Fatal(err)
	}
	done, attempts := get(t, s, "round-trip")
	if done.State != queue.Published || done.RemoteID != "at://did/post/1" || done.URL != "https://bsky.app/x" || done.LeaseOwner != "" || !done.LeaseUntil.IsZero() {
		t.Errorf("published: got %+v", done)
	}
	if len(attempts) != 1 || attempts[0].Outcome != "published" || !attempts[0].Finished.Equal(T0.Add(2*time.Second+time.Millisecond)) {
		t.Errorf("attempt: got %+v", attempts)
	}
}

func equalPost(a, b queue.Post) bool {
	times := func(p queue.Post) []time.Time {
		return []time.Time{p.At, p.Due, p.LeaseUntil, p.Created, p.Updated}
	}
	ta, tb := times(a), times(b)
	for i := range ta {
		if !ta[i].Equal(tb[i]) {
			return false
		}
	}
	a.At, a.Due, a.LeaseUntil, a.Created, a.Updated = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
	b.At, b.Due, b.LeaseUntil, b.Created, b.Updated = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if len(a.Images) == 0 && len(b.Images) == 0 {
		a.Images, b.Images = nil, nil
	}
	return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b)
}

func testSyncCancelsAndRevives(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	a, b := Post("a", T0), Post("b", T0.Add(time.Hour))
	adhoc := Post("x", T0)
	adhoc.Source = queue.AdHoc
	enqueue(t, s, T0, adhoc)
	if _, err := s.Sync(ctx, T0, Source, []queue.Post{a, b}); err != nil {
		t.Fatal(err)
	}
	// b moved to another time: a new ID, and the old one must not go out too.
	b2 := Post("b2", T0.Add(90*time.Minute))
	got, err := s.Sync(ctx, T0, Source, []queue.Post{a, b2})
	if err != nil {
		t.Fatal(err)
	}
	if want := (queue.Counts{Added: 1, Unchanged: 1, Cancelled: 1}); got != want {
		t.Errorf("sync: got %+v, want %+v", got, want)
	}
	if p, _ := get(t, s, "b"); p.State != queue.Cancelled || p.Reason == "" {
		t.Errorf("b: got %s (%q), want cancelled with a reason", p.State, p.Reason)
	}
	if p, _ := get(t, s, "x"); p.State != queue.Planned {
		t.Errorf("ad-hoc post: got %s, want it untouched (planned)", p.State)
	}
	// The edit is undone: b comes back.
	got, err = s.Sync(ctx, T0, Source, []queue.Post{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if want := (queue.Counts{Updated: 1, Unchanged: 1, Cancelled: 1}); got != want {
		t.Errorf("sync back: got %+v, want %+v", got, want)
	}
	if p, _ := get(t, s, "b"); p.State != queue.Planned || p.Reason != "" || !p.Due.Equal(p.At) {
		t.Errorf("b: got %s (%q) due %v, want planned again, due at its time", p.State, p.Reason, p.Due)
	}
	// An operator's cancel sticks.
	if err := s.Cancel(ctx, "a", T0, "by hand"); err != nil {
		t.Fatal(err)
	}
	got, err = s.Sync(ctx, T0, Source, []queue.Post{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if want := (queue.Counts{Unchanged: 1, Kept: 1}); got != want {
		t.Errorf("sync after cancel: got %+v, want %+v", got, want)
	}
	if p, _ := get(t, s, "a"); p.State != queue.Cancelled || p.Reason != "by hand" {
		t.Errorf("a: got %s (%q), want still cancelled by hand", p.State, p.Reason)
	}
	// A failed post waiting for its retry is dropped like a planned one; a
	// given-up one is kept.
	claimed, err := s.Claim(ctx, "r", T0.Add(time.Hour), time.Minute, queue.Any(5))
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claim: got %v, %v", ids(claimed), err)
	}
	if err := s.Fail(ctx, "b", "r", T0.Add(time.Hour), "HTTP 503", T0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Fail(ctx, "x", "r", T0.Add(time.Hour), "HTTP 401", time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, err = s.Sync(ctx, T0, Source, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (queue.Counts{Cancelled: 1}); got != want {
		t.Errorf("empty plan: got %+v, want %+v", got, want)
	}
	if p, _ := get(t, s, "b"); p.State != queue.Cancelled {
		t.Errorf("b: got %s, want cancelled", p.State)
	}
}

// testSyncCampaignsApart shares one store between two campaigns: syncing
// one never cancels, edits or takes over the other's posts.
func testSyncCampaignsApart(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	a := Post("a-1", T0)
	b := Post("b-1", T0)
	b.Source = "other-day"
	if _, err := s.Sync(ctx, T0, Source, []queue.Post{a}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sync(ctx, T0, "other-day", []queue.Post{b}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Sync(ctx, T0, Source, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (queue.Counts{Cancelled: 1}); got != want {
		t.Errorf("sync of an empty plan: got %+v, want %+v", got, want)
	}
	if p, _ := get(t, s, "b-1"); p.State != queue.Planned {
		t.Errorf("the other campaign's post: got %s, want planned", p.State)
	}
	// A plan with a post of another source is refused whole.
	if _, err := s.Sync(ctx, T0, Source, []queue.Post{a, b}); err == nil {
		t.Error("sync with a post of another source: got no error")
	}
	// The same ID planned under another source is never taken over.
	stolen := b
	stolen.Source, stolen.Text = Source, "taken over"
	got, err = s.Enqueue(ctx, T0, []queue.Post{stolen})
	if err != nil {
		t.Fatal(err)
	}
	if want := (queue.Counts{Kept: 1}); got != want {
		t.Errorf("enqueue of another source's ID: got %+v, want %+v", got, want)
	}
	if p, _ := get(t, s, "b-1"); p.Source != "other-day" || p.Text != b.Text {
		t.Errorf("the other campaign's post: got source %q text %q, want it unchanged", p.Source, p.Text)
	}
}

func testLifecycle(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	enqueue(t, s, T0, Post("p1", T0), Post("p2", T0.Add(time.Hour)))
	if got, err := s.Claim(ctx, "r1", T0.Add(-time.Second), time.Minute, queue.Any(10)); err != nil || len(got) != 0 {
		t.Errorf("claim before due: got %d posts, %v, want none", len(got), err)
	}
	if _, err := s.Claim(ctx, "", T0, time.Minute, queue.Any(10)); err == nil {
		t.Error("claim without an owner: got no error")
	}
	if got, err := s.Claim(ctx, "r1", T0, time.Minute, queue.Any(0)); err != nil || len(got) != 0 {
		t.Errorf("claim of no slots: got %d posts, %v, want none", len(got), err)
	}
	got, err := s.Claim(ctx, "r1", T0, time.Minute, queue.Any(10))
	if err != nil || len(got) != 1 || got[0].Attempts != 1 || got[0].State != queue.Claimed {
		t.Fatalf("claim: got %+v, %v", got, err)
	}
	if err := s.Complete(ctx, "p1", "r2", T0, toolkit.Published{}); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("complete by another runner: got %v, want ErrLeaseLost", err)
	}
	if err := s.Complete(ctx, "nope", "r1", T0, toolkit.Published{}); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("complete of an unknown post: got %v, want ErrNotFound", err)
	}
	if err := s.Cancel(ctx, "p1", T0, ""); !errors.Is(err, queue.ErrState) {
		t.Errorf("cancel a claimed post: got %v, want ErrState", err)
	}
	retryAt := T0.Add(30 * time.Second)
	if err := s.Fail(ctx, "p1", "r1", T0, "HTTP 503", retryAt); err != nil {
		t.Fatal(err)
	}
	if p, _ := get(t, s, "p1"); p.State != queue.Failed || !p.Due.Equal(retryAt) || !p.Waiting() || p.LeaseOwner != "" {
		t.Errorf("failed, to retry: got %+v", p)
	}
	if got, _ := s.Claim(ctx, "r1", T0.Add(10*time.Second), time.Minute, queue.Any(10)); len(got) != 0 {
		t.Errorf("claim before retry time: got %d, want none", len(got))
	}
	got, _ = s.Claim(ctx, "r1", retryAt, time.Minute, queue.Any(10))
	if len(got) != 1 || got[0].Attempts != 2 || got[0].LastError != "HTTP 503" {
		t.Fatalf("retry claim: got %+v", got)
	}
	if err := s.Fail(ctx, "p1", "r1", retryAt, "HTTP 401", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Claim(ctx, "r1", T0.Add(24*time.Hour), time.Minute, queue.Any(1)); len(got) != 1 || got[0].ID != "p2" {
		t.Errorf("a given-up post must not be claimed: got %+v", got)
	}
	p, attempts := get(t, s, "p1")
	if p.State != queue.Failed || !p.Due.IsZero() || p.Waiting() {
		t.Errorf("given up: got state %s due %v", p.State, p.Due)
	}
	if len(attempts) != 2 || attempts[0].Error != "HTTP 503" || attempts[0].Outcome != "failed" || attempts[1].Error != "HTTP 401" ||
		attempts[1].Outcome != "failed" || attempts[0].N != 1 || attempts[1].N != 2 {
		t.Errorf("attempts: got %+v", attempts)
	}
	if err := s.Retry(ctx, "p1", T0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Claim(ctx, "r1", T0.Add(time.Hour), time.Minute, queue.Any(1))
	if len(got) != 1 || got[0].ID != "p1" || got[0].Attempts != 3 {
		t.Fatalf("after retry: got %+v", got)
	}
	if err := s.Complete(ctx, "p1", "r1", T0.Add(time.Hour), toolkit.Published{RemoteID: "42", URL: "https://example.org/42"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Complete(ctx, "p1", "r1", T0.Add(time.Hour), toolkit.Published{}); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("complete twice: got %v, want ErrLeaseLost", err)
	}
	if err := s.Retry(ctx, "p1", T0); !errors.Is(err, queue.ErrState) {
		t.Errorf("retry a published post: got %v, want ErrState", err)
	}
	if err := s.Cancel(ctx, "p1", T0, ""); !errors.Is(err, queue.ErrState) {
		t.Errorf("cancel a published post: got %v, want ErrState", err)
	}
	if err := s.Cancel(ctx, "nope", T0, ""); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("cancel unknown: got %v, want ErrNotFound", err)
	}
	if err := s.Retry(ctx, "nope", T0); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("retry unknown: got %v, want ErrNotFound", err)
	}
	p, _ = get(t, s, "p1")
	if p.State != queue.Published || p.RemoteID != "42" || p.URL != "https://example.org/42" || p.LeaseOwner != "" || p.LastError != "" {
		t.Errorf("published: got %+v", p)
	}
}

func testReleaseAndRetry(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	enqueue(t, s, T0, Post("fresh", T0), Post("failing", T0), Post("later", T0.Add(2*time.Hour)))
	got, err := s.Claim(ctx, "r1", T0, time.Minute, queue.Any(5))
	if err != nil || len(got) != 2 {
		t.Fatalf("claim: got %v, %v", ids(got), err)
	}
	if err := s.Release(ctx, "fresh", "r2", T0, "stopping"); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("release by another runner: got %v, want ErrLeaseLost", err)
	}
	if err := s.Release(ctx, "fresh", "r1", T0.Add(time.Second), "stopping"); err != nil {
		t.Fatal(err)
	}
	p, attempts := get(t, s, "fresh")
	if p.State != queue.Planned || !p.Due.Equal(T0) || p.LeaseOwner != "" || p.Attempts != 1 {
		t.Errorf("released: got %+v", p)
	}
	if len(attempts) != 1 || attempts[0].Outcome != "interrupted" || attempts[0].Error != "stopping" || !attempts[0].Finished.IsZero() {
		t.Errorf("released attempt: got %+v", attempts)
	}
	if err := s.Cancel(ctx, "fresh", T0, "not now"); err != nil {
		t.Fatal(err)
	}
	// A post that failed before goes back as failed, due as it was.
	if err := s.Fail(ctx, "failing", "r1", T0, "HTTP 500", T0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Claim(ctx, "r1", T0.Add(time.Minute), time.Minute, queue.Any(1)); len(got) != 1 || got[0].ID != "failing" {
		t.Fatalf("claim the retry: got %v", ids(got))
	}
	if err := s.Release(ctx, "failing", "r1", T0.Add(time.Minute), "stopping"); err != nil {
		t.Fatal(err)
	}
	if p, _ := get(t, s, "failing"); p.State != queue.Failed || !p.Due.Equal(T0.Add(time.Minute)) || !p.Waiting() {
		t.Errorf("released after a failure: got %s due %v", p.State, p.Due)
	}

	// Retry makes a post due at now, or at its time when that is later.
	if err := s.Cancel(ctx, "later", T0, "not now"); err != nil {
		t.Fatal(err)
	}
	if err := s.Retry(ctx, "fresh", T0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Retry(ctx, "later", T0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if p, _ := get(t, s, "fresh"); p.State != queue.Planned || !p.Due.Equal(T0.Add(time.Hour)) || p.Reason != "" {
		t.Errorf("retried past its time: got %s due %v reason %q, want planned due now", p.State, p.Due, p.Reason)
	}
	if p, _ := get(t, s, "later"); p.State != queue.Planned || !p.Due.Equal(T0.Add(2*time.Hour)) {
		t.Errorf("retried before its time: got %s due %v, want planned at its time", p.State, p.Due)
	}
	if err := s.Retry(ctx, "failing", T0); !errors.Is(err, queue.ErrState) {
		t.Errorf("retry of a post still waiting for its retry: got %v, want ErrState", err)
	}
	if err := s.Cancel(ctx, "failing", T0, "enough"); err != nil {
		t.Errorf("cancel of a failed post: %v", err)
	}
}

func testMissed(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	enqueue(t, s, T0, Post("old", T0), Post("claimed", T0))
	late, err := s.List(ctx, queue.Filter{DueBefore: T0.Add(time.Second)})
	if err != nil || len(late) != 2 {
		t.Fatalf("due before: got %d, %v, want 2", len(late), err)
	}
	if err := s.MarkMissed(ctx, "old", "", T0.Add(time.Hour), "runner was down"); err != nil {
		t.Fatal(err)
	}
	if p, _ := get(t, s, "old"); p.State != queue.Missed || p.Reason != "runner was down" {
		t.Errorf("missed: got %s (%q)", p.State, p.Reason)
	}
	got, _ := s.Claim(ctx, "r1", T0.Add(time.Hour), time.Minute, queue.Any(5))
	if len(got) != 1 || got[0].ID != "claimed" {
		t.Fatalf("claim: got %+v", got)
	}
	if err := s.MarkMissed(ctx, "claimed", "r2", T0.Add(time.Hour), "too late"); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("mark missed by another runner: got %v, want ErrLeaseLost", err)
	}
	if err := s.MarkMissed(ctx, "claimed", "", T0.Add(time.Hour), "too late"); !errors.Is(err, queue.ErrState) {
		t.Errorf("mark missed without owner of a claimed post: got %v, want ErrState", err)
	}
	if err := s.MarkMissed(ctx, "claimed", "r1", T0.Add(time.Hour), "too late"); err != nil {
		t.Fatal(err)
	}
	p, attempts := get(t, s, "claimed")
	if p.State != queue.Missed || p.Attempts != 0 || len(attempts) != 0 || p.Reason != "too late" || p.LeaseOwner != "" {
		t.Errorf("missed after claim: got %+v, %+v", p, attempts)
	}
	if err := s.MarkMissed(ctx, "claimed", "", T0, "again"); !errors.Is(err, queue.ErrState) {
		t.Errorf("mark missed twice: got %v, want ErrState", err)
	}
	if err := s.MarkMissed(ctx, "nope", "", T0, "again"); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("mark missed unknown: got %v, want ErrNotFound", err)
	}
	if got, _ := s.List(ctx, queue.Filter{DueBefore: T0.Add(time.Second)}); len(got) != 0 {
		t.Errorf("due before, after both were missed: got %v, want none", ids(got))
	}
	if err := s.Retry(ctx, "claimed", T0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if p, _ := get(t, s, "claimed"); p.State != queue.Planned || !p.Due.Equal(T0.Add(2*time.Hour)) || p.Reason != "" {
		t.Errorf("retried missed post: got %s due %v reason %q", p.State, p.Due, p.Reason)
	}
}

func testLeaseExpiry(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	enqueue(t, s, T0, Post("p", T0))
	if got, _ := s.Claim(ctx, "crashed", T0, time.Minute, queue.Any(1)); len(got) != 1 {
		t.Fatal("claim failed")
	}
	if got, err := s.ReleaseExpired(ctx, T0.Add(30*time.Second)); err != nil || len(got) != 0 {
		t.Errorf("release before expiry: got %d, %v, want 0", len(got), err)
	}
	if err := s.Extend(ctx, "p", "someone", T0.Add(2*time.Minute)); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("extend by another runner: got %v, want ErrLeaseLost", err)
	}
	if err := s.Extend(ctx, "p", "crashed", T0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ReleaseExpired(ctx, T0.Add(90*time.Second)); len(got) != 0 {
		t.Errorf("release within an extended lease: got %d, want 0", len(got))
	}
	got, err := s.ReleaseExpired(ctx, T0.Add(3*time.Minute))
	if err != nil || len(got) != 1 || got[0].ID != "p" || got[0].LeaseOwner != "crashed" {
		t.Fatalf("release expired: got %+v, %v", got, err)
	}
	again, _ := s.Claim(ctx, "r2", T0.Add(3*time.Minute), time.Minute, queue.Any(1))
	if len(again) != 1 || again[0].Attempts != 2 {
		t.Fatalf("claim after expiry: got %+v", again)
	}
	if err := s.Complete(ctx, "p", "crashed", T0, toolkit.Published{}); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("late complete by the old owner: got %v, want ErrLeaseLost", err)
	}
	if err := s.Extend(ctx, "p", "crashed", T0.Add(time.Hour)); !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("late extend by the old owner: got %v, want ErrLeaseLost", err)
	}
	_, attempts := get(t, s, "p")
	if len(attempts) != 2 || attempts[0].Outcome != "interrupted" || attempts[0].Owner != "crashed" || attempts[1].Owner != "r2" {
		t.Errorf("attempts: got %+v", attempts)
	}
}

func testPause(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	enqueue(t, s, T0, Post("p", T0))
	if p, err := s.Paused(ctx); err != nil || p.On {
		t.Errorf("a new queue: got %+v, %v, want not paused", p, err)
	}
	if err := s.Pause(ctx, T0, "sad news"); err != nil {
		t.Fatal(err)
	}
	if err := s.Pause(ctx, T0.Add(time.Hour), "again"); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Paused(ctx); err != nil || !p.On || p.Reason != "sad news" || !p.Since.Equal(T0) {
		t.Errorf("paused: got %+v, %v, want the first pause", p, err)
	}
	if got, err := s.Claim(ctx, "r", T0, time.Minute, queue.Any(5)); err != nil || len(got) != 0 {
		t.Errorf("claim while paused: got %d posts, %v, want none", len(got), err)
	}
	if got, err := s.NextDue(ctx); err != nil || !got.Equal(T0) {
		t.Errorf("next due while paused: got %v, %v, want %v (posts still wait)", got, err, T0)
	}
	if err := s.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Resume(ctx); err != nil {
		t.Errorf("resume twice: %v", err)
	}
	if p, _ := s.Paused(ctx); p.On {
		t.Error("still paused after Resume")
	}
	if got, _ := s.Claim(ctx, "r", T0, time.Minute, queue.Any(5)); len(got) != 1 {
		t.Errorf("claim after resume: got %d posts, want 1", len(got))
	}
}

func testClaimSlots(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	var posts []queue.Post
	for i, ch := range []string{"mastodon", "mastodon", "mastodon", "bluesky", "bluesky", "outbox"} {
		p := Post(fmt.Sprintf("%s-%d", ch, i), T0.Add(time.Duration(i)*time.Second))
		p.Channel = ch
		posts = append(posts, p)
	}
	enqueue(t, s, T0, posts...)
	now := T0.Add(time.Minute)
	got, err := s.Claim(ctx, "r", now, time.Minute, queue.Slots{Total: 10, Channel: map[string]int{"mastodon": 2, "bluesky": 0}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"mastodon-0", "mastodon-1"}; !slices.Equal(ids(got), want) {
		t.Errorf("two mastodon slots, no bluesky one: got %v, want %v", ids(got), want)
	}
	// Total caps the claim across channels, oldest first.
	got, err = s.Claim(ctx, "r", now, time.Minute, queue.Slots{Total: 2, Channel: map[string]int{"mastodon": 5, "bluesky": 5, "outbox": 5}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"mastodon-2", "bluesky-3"}; !slices.Equal(ids(got), want) {
		t.Errorf("total of two: got %v, want %v", ids(got), want)
	}
	got, err = s.Claim(ctx, "r", now, time.Minute, queue.Any(10))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"bluesky-4", "outbox-5"}; !slices.Equal(ids(got), want) {
		t.Errorf("any channel: got %v, want %v", ids(got), want)
	}
}

// testClaimSources shares a store between the runners of two campaigns:
// each claims only its own posts (and the ad-hoc ones when it names them).
func testClaimSources(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	mine, theirs, adhoc := Post("mine", T0), Post("theirs", T0), Post("adhoc", T0)
	theirs.Source, adhoc.Source = "other-day", queue.AdHoc
	enqueue(t, s, T0, mine, theirs, adhoc)
	got, err := s.Claim(ctx, "r", T0, time.Minute, queue.Slots{Total: 10, Sources: []string{Source, queue.AdHoc}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"adhoc", "mine"}; !slices.Equal(ids(got), want) {
		t.Errorf("claim of %s and ad-hoc posts: got %v, want %v", Source, ids(got), want)
	}
	got, err = s.Claim(ctx, "r", T0, time.Minute, queue.Slots{Total: 10, Channel: map[string]int{"outbox": 5}, Sources: []string{"nobody"}})
	if err != nil || len(got) != 0 {
		t.Errorf("claim of a campaign with no posts: got %v, %v, want none", ids(got), err)
	}
	got, err = s.Claim(ctx, "r", T0, time.Minute, queue.Slots{Total: 10, Channel: map[string]int{"outbox": 5}, Sources: []string{"other-day"}})
	if err != nil || !slices.Equal(ids(got), []string{"theirs"}) {
		t.Errorf("claim of the other campaign: got %v, %v, want [theirs]", ids(got), err)
	}
}

// testConcurrentClaimers runs several claimers on one store at once and
// checks that no post is claimed twice and none is left behind.
func testConcurrentClaimers(t *testing.T, s queue.Store) {
	const n = 200
	var posts []queue.Post
	for i := range n {
		posts = append(posts, Post(fmt.Sprintf("p%03d", i), T0.Add(time.Duration(i)*time.Millisecond)))
	}
	enqueue(t, s, T0, posts...)
	claims := ClaimAll(t, []queue.Store{s}, 6, T0.Add(time.Second))
	if len(claims) != n {
		t.Errorf("got %d posts claimed, want %d", len(claims), n)
	}
}

// ClaimAll runs workers claimers, spread over stores (handles on one
// queue), until nothing is left to claim at now; each completes what it
// claims. It fails t if a post is claimed twice and returns who claimed
// each post.
func ClaimAll(t *testing.T, stores []queue.Store, workers int, now time.Time) map[string]string {
	t.Helper()
	ctx := ctxOf(t)
	var mu sync.Mutex
	claims := map[string]string{}
	var wg sync.WaitGroup
	for w := range workers {
		store := stores[w%len(stores)]
		owner := fmt.Sprintf("runner-%d", w)
		wg.Go(func() {
			for {
				got, err := store.Claim(ctx, owner, now, time.Minute, queue.Any(1+w%3))
				if err != nil {
					t.Errorf("%s: %v", owner, err)
					return
				}
				if len(got) == 0 {
					return
				}
				for _, p := range got {
					mu.Lock()
					if prev, dup := claims[p.ID]; dup {
						t.Errorf("post %s claimed by %s and %s", p.ID, prev, owner)
					}
					claims[p.ID] = owner
					mu.Unlock()
					if err := store.Complete(ctx, p.ID, owner, now, toolkit.Published{}); err != nil {
						t.Errorf("complete %s: %v", p.ID, err)
					}
				}
			}
		})
	}
	wg.Wait()
	return claims
}

func testList(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	a, b, c, d := Post("a", T0.Add(3*time.Hour)), Post("b", T0), Post("c", T0), Post("d", T0.Add(time.Hour))
	c.Channel = "mastodon"
	d.Source = "other-day"
	enqueue(t, s, T0.Add(-time.Hour), a, b, c, d)
	// b fails and waits to be retried after a; c is given up (listed at its time).
	if got, _ := s.Claim(ctx, "r", T0, time.Minute, queue.Any(2)); len(got) != 2 {
		t.Fatalf("claim: got %v", ids(got))
	}
	if err := s.Fail(ctx, "b", "r", T0, "HTTP 503", T0.Add(4*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Fail(ctx, "c", "r", T0, "HTTP 401", time.Time{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    queue.Filter
		want []string
	}{
		{"all, by due time then ID", queue.Filter{}, []string{"c", "d", "a", "b"}},
		{"limit", queue.Filter{Limit: 2}, []string{"c", "d"}},
		{"states", queue.Filter{States: []queue.State{queue.Planned}}, []string{"d", "a"}},
		{"two states", queue.Filter{States: []queue.State{queue.Failed, queue.Published}}, []string{"c", "b"}},
		{"source", queue.Filter{Source: Source}, []string{"c", "a", "b"}},
		{"sources", queue.Filter{Sources: []string{"other-day", "nobody"}}, []string{"d"}},
		{"source and sources", queue.Filter{Source: Source, Sources: []string{"other-day"}}, nil},
		{"channel", queue.Filter{Channel: "mastodon"}, []string{"c"}},
		{"due before: waiting posts only", queue.Filter{DueBefore: T0.Add(3*time.Hour + time.Millisecond)}, []string{"d", "a"}},
		{"due before is strict", queue.Filter{DueBefore: T0.Add(3 * time.Hour)}, []string{"d"}},
		{"nothing", queue.Filter{States: []queue.State{queue.Missed}}, nil},
	}
	for _, tt := range tests {
		got, err := s.List(ctx, tt.f)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !slices.Equal(ids(got), tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, ids(got), tt.want)
		}
	}
}

func testGetByPrefix(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	enqueue(t, s, T0, Post("abcdef01", T0), Post("abcdef02", T0), Post("abcd", T0), Post("zz_x%y", T0))
	tests := []struct {
		id      string
		want    string
		wantErr error
	}{
		{"abcdef01", "abcdef01", nil},
		{"abcdef0", "", queue.ErrAmbiguous},
		{"abcd", "abcd", nil}, // an exact ID wins over the posts it is a prefix of
		{"abcde", "", queue.ErrAmbiguous},
		{"abcdef02", "abcdef02", nil},
		{"abc", "", queue.ErrNotFound}, // prefixes need four characters
		{"", "", queue.ErrNotFound},
		{"zz_x", "zz_x%y", nil},
		{"zz%x", "", queue.ErrNotFound}, // no wildcards
		{"zz_?", "", queue.ErrNotFound},
		{"nothing", "", queue.ErrNotFound},
	}
	for _, tt := range tests {
		p, _, err := s.Get(ctx, tt.id)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("get %q: got %v, %v, want %v", tt.id, p.ID, err, tt.wantErr)
			}
			continue
		}
		if err != nil || p.ID != tt.want {
			t.Errorf("get %q: got %q, %v, want %q", tt.id, p.ID, err, tt.want)
		}
	}
}

func testNextDue(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	if got, err := s.NextDue(ctx); err != nil || !got.IsZero() {
		t.Errorf("empty queue: got %v, %v, want zero", got, err)
	}
	enqueue(t, s, T0, Post("a", T0.Add(time.Hour)), Post("b", T0.Add(2*time.Hour)))
	if got, err := s.NextDue(ctx); err != nil || !got.Equal(T0.Add(time.Hour)) || got.Location() != time.UTC {
		t.Errorf("next due: got %v, %v, want %v", got, err, T0.Add(time.Hour))
	}
	if got, _ := s.Claim(ctx, "r", T0.Add(time.Hour), time.Minute, queue.Any(1)); len(got) != 1 {
		t.Fatal("claim failed")
	}
	if got, _ := s.NextDue(ctx); !got.Equal(T0.Add(2 * time.Hour)) {
		t.Errorf("a claimed post is not waiting: got %v, want %v", got, T0.Add(2*time.Hour))
	}
	if err := s.Fail(ctx, "a", "r", T0.Add(time.Hour), "HTTP 503", T0.Add(90*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.NextDue(ctx); !got.Equal(T0.Add(90 * time.Minute)) {
		t.Errorf("a failed post waits for its retry: got %v, want %v", got, T0.Add(90*time.Minute))
	}
	if err := s.Cancel(ctx, "a", T0, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Cancel(ctx, "b", T0, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.NextDue(ctx); !got.IsZero() {
		t.Errorf("nothing waiting: got %v, want zero", got)
	}
}

func testRunners(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	if got, err := s.Runners(ctx, time.Time{}); err != nil || len(got) != 0 {
		t.Errorf("no runner yet: got %+v, %v", got, err)
	}
	r1 := queue.RunnerInfo{ID: "r1", Host: "host-a", PID: 101, Source: Source, Started: T0, Beat: T0, LastTick: T0}
	r2 := queue.RunnerInfo{ID: "r2", Host: "host-b", PID: 202, Source: "other-day", Started: T0, Beat: T0.Add(time.Second)}
	for _, r := range []queue.RunnerInfo{r1, r2} {
		if err := s.Beat(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	// r1 beats again, later, busy; then stops cleanly.
	r1.Beat, r1.LastTick, r1.InFlight = T0.Add(5*time.Second+1500*time.Microsecond), T0.Add(4*time.Second), 3
	if err := s.Beat(ctx, r1); err != nil {
		t.Fatal(err)
	}
	got, err := s.Runners(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "r1" || got[1].ID != "r2" {
		t.Fatalf("runners, newest beat first: got %+v", got)
	}
	want := r1
	want.Beat = T0.Add(5*time.Second + time.Millisecond)
	if g := got[0]; g.Host != want.Host || g.PID != want.PID || g.Source != want.Source || !g.Started.Equal(want.Started) ||
		!g.Beat.Equal(want.Beat) || !g.LastTick.Equal(want.LastTick) || g.InFlight != 3 || !g.Stopped.IsZero() || g.Beat.Location() != time.UTC {
		t.Errorf("r1: got %+v, want %+v", g, want)
	}
	if got, _ := s.Runners(ctx, T0.Add(2*time.Second)); len(got) != 1 || got[0].ID != "r1" {
		t.Errorf("runners beating since T0+2s: got %+v, want r1 only", got)
	}
	if got, _ := s.Runners(ctx, T0.Add(time.Second)); len(got) != 2 {
		t.Errorf("since is inclusive: got %d runners, want 2", len(got))
	}
	r1.Beat, r1.Stopped, r1.InFlight = T0.Add(6*time.Second), T0.Add(6*time.Second), 0
	if err := s.Beat(ctx, r1); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Runners(ctx, T0)
	if len(got) != 2 || !got[0].Stopped.Equal(T0.Add(6*time.Second)) || got[0].InFlight != 0 {
		t.Errorf("stopped runner: got %+v", got)
	}
}

func testFirstTime(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	for i, tt := range []struct {
		key  string
		want bool
	}{{"event:a", true}, {"event:a", false}, {"event:b", true}, {"event:a", false}, {"event:B", true}} {
		got, err := s.FirstTime(ctx, tt.key, T0.Add(time.Duration(i)*time.Second))
		if err != nil || got != tt.want {
			t.Errorf("%d: first time %q: got %v, %v, want %v", i, tt.key, got, err, tt.want)
		}
	}
}

// testFirstTimeForgets shows the told keys pruned: a key older than
// queue.ToldFor (and one queue.PruneEvery more, as pruning is paced) is
// forgotten and new again, a younger one is still known.
func testFirstTimeForgets(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	late := T0.Add(queue.ToldFor + queue.PruneEvery)
	for i, tt := range []struct {
		key  string
		at   time.Time
		want bool
	}{
		{"event:old", T0, true},
		{"event:young", T0.Add(20 * 24 * time.Hour), true},
		{"event:old", T0.Add(queue.ToldFor - time.Minute), false}, // not yet old
		{"event:now", late, true},
		{"event:old", late, true}, // forgotten: told again
		{"event:young", late, false},
		{"event:now", late, false},
	} {
		got, err := s.FirstTime(ctx, tt.key, tt.at)
		if err != nil || got != tt.want {
			t.Errorf("%d: first time %q at %s: got %v, %v, want %v", i, tt.key, tt.at.Format(time.RFC3339), got, err, tt.want)
		}
	}
}

// testFirstTimeRace has several runners see the same events at once: each
// event is first for exactly one of them.
func testFirstTimeRace(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	const workers, keys = 8, 20
	var mu sync.Mutex
	firsts := map[string]int{}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for k := range keys {
				key := fmt.Sprintf("event:%d", k)
				first, err := s.FirstTime(ctx, key, T0)
				if err != nil {
					t.Errorf("first time %s: %v", key, err)
					return
				}
				if first {
					mu.Lock()
					firsts[key]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for k := range keys {
		if key := fmt.Sprintf("event:%d", k); firsts[key] != 1 {
			t.Errorf("%s: first for %d runners, want 1", key, firsts[key])
		}
	}
}

// testSignOut signs dashboard sessions out: a sign-out is seen at once,
// the later end of two is kept, and those that ended are pruned by the
// next sign-out.
func testSignOut(t *testing.T, s queue.Store) {
	ctx := ctxOf(t)
	check := func(when string, want map[string]bool) {
		t.Helper()
		for _, id := range []string{"s1", "s2", "s3"} {
			got, err := s.SignedOut(ctx, id)
			if err != nil || got != want[id] {
				t.Errorf("%s: signed out %s: got %v, %v, want %v", when, id, got, err, want[id])
			}
		}
	}
	check("at first", nil)
	signOut := func(id string, now, until time.Time) {
		t.Helper()
		if err := s.SignOut(ctx, id, now, until); err != nil {
			t.Fatalf("sign out %s: %v", id, err)
		}
	}
	signOut("s1", T0, T0.Add(12*time.Hour))
	signOut("s2", T0, T0.Add(2*time.Hour))
	signOut("s2", T0, T0.Add(time.Hour)) // keeps the later end
	check("after two sign-outs", map[string]bool{"s1": true, "s2": true})
	// At T0+2h s2 ended: the next sign-out prunes it, not s1.
	signOut("s3", T0.Add(2*time.Hour), T0.Add(14*time.Hour))
	check("after s2 ended", map[string]bool{"s1": true, "s3": true})
	signOut("s3", T0.Add(13*time.Hour), T0.Add(14*time.Hour))
	check("after s1 ended", map[string]bool{"s3": true})
	for _, bad := range []struct {
		id    string
		until time.Time
	}{{"", T0.Add(time.Hour)}, {"s4", time.Time{}}} {
		if err := s.SignOut(ctx, bad.id, T0, bad.until); err == nil {
			t.Errorf("sign out %q until %v: got no error", bad.id, bad.until)
		}
	}
}

// testNotifier checks, for a store that offers change notifications, that
// a subscriber hears of an added post, of a retry and of a resume.
func testNotifier(t *testing.T, s queue.Store) {
	n, ok := s.(queue.Notifier)
	if !ok {
		t.Skipf("%T offers no change notifications", s)
	}
	ctx, cancel := context.WithCancel(ctxOf(t))
	changes := n.Changes(ctx)
	wait := func(what string) {
		t.Helper()
		timer := time.NewTimer(10 * time.Second)
		defer timer.Stop()
		select {
		case _, ok := <-changes:
			if !ok {
				t.Fatalf("%s: the channel was closed", what)
			}
		case <-timer.C:
			t.Fatalf("%s: no change heard in 10s", what)
		}
	}
	wait("listening")
	enqueue(t, s, T0, Post("p", T0))
	wait("enqueue")
	if err := s.Pause(ctxOf(t), T0, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Resume(ctxOf(t)); err != nil {
		t.Fatal(err)
	}
	wait("resume")
	cancel()
	for range changes { // drains, and ends when the channel is closed
	}
}
