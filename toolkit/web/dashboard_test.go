package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue"
)

// openQueue makes an SQLite queue in a temporary folder.
func openQueue(t testing.TB) (*queue.SQLite, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), queue.FileName)
	st, err := queue.OpenSQLite(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, file
}

// queueServer is a test server showing the SQLite queue st.
func queueServer(t testing.TB, st queue.Store, mod func(*Options)) *testServer {
	t.Helper()
	return newTestServer(t, func(o *Options) {
		o.AdminToken = token
		o.Store = Queue{Store: st, Source: o.Campaign.Slug, Now: o.Now}
		if mod != nil {
			mod(o)
		}
	})
}

// dashboard is the dashboard as a script sees it, in English unless hdr
// asks otherwise.
func (ts *testServer) dashboard(t testing.TB, path string, hdr ...string) string {
	t.Helper()
	res := ts.get(t, path, append([]string{"Authorization", "Bearer " + token}, hdr...)...)
	if res.status != 200 {
		t.Fatalf("GET %s: status %d:\n%s", path, res.status, res.body)
	}
	return string(res.body)
}

func enqueue(t testing.TB, st queue.Store, now time.Time, posts ...queue.Post) {
	t.Helper()
	if _, err := st.Enqueue(context.Background(), now, posts); err != nil {
		t.Fatal(err)
	}
}

// post is a campaign post of the demo at the instant at.
func post(id, source string, at time.Time) queue.Post {
	return queue.Post{ID: id, Source: source, Slot: "post:" + id, Channel: "outbox", Lang: "en", At: at,
		Local: at.Format("2006-01-02 15:04"), Zone: "UTC", Text: "text of " + id}
}

// TestDashboardRunners reads heartbeats from a real queue: a runner that
// beat less than 15 s ago (three heartbeats: the rule `queue status` and
// the runners use too) and did not stop is publishing; one silent longer,
// or stopped, is not, and with posts due within the hour the page says so
// in a banner. The page never says publishing is running without a live
// runner.
func TestDashboardRunners(t *testing.T) {
	now := time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC)
	started := now.Add(-2 * time.Hour)
	cases := []struct {
		name    string
		runner  *queue.RunnerInfo
		dueIn   time.Duration // of the one waiting post
		running bool
		banner  bool
		status  string // of the runner's row
	}{
		{"no runner, post due", nil, 30 * time.Minute, false, true, ""},
		{"no runner, post overdue", nil, -5 * time.Minute, false, true, ""},
		{"no runner, post in two hours", nil, 2 * time.Hour, false, false, ""},
		{"fresh heartbeat", &queue.RunnerInfo{Beat: now.Add(-3 * time.Second), LastTick: now.Add(-time.Second), InFlight: 2}, 30 * time.Minute, true, false, "publishing"},
		{"heartbeat 14.9 s old", &queue.RunnerInfo{Beat: now.Add(-14900 * time.Millisecond), LastTick: now.Add(-15 * time.Second)}, 30 * time.Minute, true, false, "publishing"},
		{"heartbeat 15 s old", &queue.RunnerInfo{Beat: now.Add(-15 * time.Second), LastTick: now.Add(-15 * time.Second)}, 30 * time.Minute, false, true, "silent: no heartbeat"},
		{"stale heartbeat", &queue.RunnerInfo{Beat: now.Add(-16 * time.Second), LastTick: now.Add(-20 * time.Second)}, 30 * time.Minute, false, true, "silent: no heartbeat"},
		{"stopped", &queue.RunnerInfo{Beat: now.Add(-time.Second), LastTick: now.Add(-2 * time.Second), Stopped: now.Add(-time.Second)}, 30 * time.Minute, false, true, "stopped"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, _ := openQueue(t)
			ts := queueServer(t, st, nil)
			ts.clock.Advance(now.Sub(ts.clock.Now()))
			enqueue(t, st, now.Add(-time.Hour), post("p1", ts.o.Campaign.Slug, now.Add(c.dueIn)))
			if c.runner != nil {
				r := *c.runner
				r.ID, r.Host, r.PID, r.Source, r.Started = "host-a/4242/x", "host-a", 4242, ts.o.Campaign.Slug, started
				if err := st.Beat(context.Background(), r); err != nil {
					t.Fatal(err)
				}
			}
			page := html.UnescapeString(ts.dashboard(t, "/admin"))
			if got := strings.Contains(page, "Publishing is running"); got != c.running {
				t.Errorf("says publishing is running: %v, want %v", got, c.running)
			}
			if got := strings.Contains(page, "No runner is publishing"); got == c.running {
				t.Errorf("says no runner is publishing: %v, want %v", got, !c.running)
			}
			banner := regexp.MustCompile(`<p class="banner" role="alert">([^<]*)</p>`).FindStringSubmatch(page)
			switch {
			case c.banner && banner == nil:
				t.Errorf("no banner")
			case c.banner && banner[1] != "No runner is publishing: 1 post is due or waiting within the hour.":
				t.Errorf("banner %q", banner[1])
			case !c.banner && banner != nil:
				t.Errorf("banner %q, want none", banner[1])
			}
			if c.runner == nil {
				if strings.Contains(page, `class="runner`) {
					t.Errorf("a runner row without a runner")
				}
				return
			}
			row := regexp.MustCompile(`(?s)<tr class="runner[^"]*" data-pid="4242" data-host="host-a">.*?</tr>`).FindString(page)
			if row == "" {
				t.Fatalf("no row for the runner:\n%s", page)
			}
			for _, want := range []string{
				">" + c.status, "<td>host-a</td>", "<td>4242</td>", "<td>" + ts.o.Campaign.Slug + "</td>",
				// since, last beat and tick in the campaign's zone (Zurich, UTC+1), UTC on hover
				`<time datetime="2026-12-15T07:00:00Z" title="2026-12-15 07:00:00 UTC">2026-12-15 08:00</time>`,
				`<time datetime="` + c.runner.Beat.Format(time.RFC3339) + `" title="` + c.runner.Beat.Format("2006-01-02 15:04:05") + ` UTC">` + c.runner.Beat.Add(time.Hour).Format("2006-01-02 15:04:05") + `</time>`,
				`title="` + c.runner.LastTick.Format("2006-01-02 15:04:05") + ` UTC">` + c.runner.LastTick.Add(time.Hour).Format("2006-01-02 15:04:05") + `</time>`,
				fmt.Sprintf("(%d s ago)", now.Sub(c.runner.Beat)/time.Second),
				"<td>" + map[bool]string{true: "2", false: "0"}[c.runner.InFlight == 2] + "</td></tr>",
			} {
				if !strings.Contains(row, want) {
					t.Errorf("runner row lacks %q:\n%s", want, row)
				}
			}
			if alive := strings.Contains(row, `class="runner alive"`); alive != c.running {
				t.Errorf("row marked alive: %v, want %v", alive, c.running)
			}
		})
	}
}

// TestDashboardFindsQueueLater starts the server before the queue exists:
// the dashboard says there is none, asking cheaply each time, and shows
// the queue on the first request after it is made.
func TestDashboardFindsQueueLater(t *testing.T) {
	file := filepath.Join(t.TempDir(), queue.FileName)
	var opens atomic.Int32
	ts := newTestServer(t, func(o *Options) {
		o.AdminToken = token
		o.Store = nil
		open := QueueFile(file, o.Campaign.Slug, o.Now)
		o.OpenStore = func(ctx context.Context) (Store, error) {
			opens.Add(1)
			return open(ctx)
		}
	})
	for range 2 {
		page := ts.dashboard(t, "/admin")
		if !strings.Contains(page, "No queue yet") || strings.Contains(page, "Pause publishing") {
			t.Fatalf("before the queue exists, the dashboard does not say there is none:\n%s", page)
		}
	}
	if got := ts.do(t, withBearer(mustRequest(t, "POST", ts.url+"/admin/pause", ""))).status; got != 404 {
		t.Errorf("pause without a queue: %d, want 404", got)
	}

	st, err := queue.OpenSQLite(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	enqueue(t, st, ts.clock.Now(), post("p-later", ts.o.Campaign.Slug, ts.clock.Now().Add(24*time.Hour)))

	live := ts.dashboard(t, "/admin/live")
	if !strings.Contains(live, "p-later") || strings.Contains(live, "No queue yet") {
		t.Errorf("after the queue is made, the live part does not show it:\n%s", live)
	}
	page := ts.dashboard(t, "/admin")
	if !strings.Contains(page, "p-later") || !strings.Contains(page, "Pause publishing") {
		t.Errorf("after the queue is made, the dashboard does not show it:\n%s", page)
	}
	if got := ts.do(t, withBearer(mustRequest(t, "POST", ts.url+"/admin/posts/p-later/cancel", ""))).status; got != 303 {
		t.Errorf("cancel once the queue exists: %d, want 303", got)
	}
	if got, want := opens.Load(), int32(4); got != want {
		t.Errorf("OpenStore called %d times, want %d: once per request until the queue exists, then never", got, want)
	}
	p, _, err := st.Get(context.Background(), "p-later")
	if err != nil || p.State != queue.Cancelled {
		t.Errorf("post after cancel from the dashboard: %v %v, want cancelled", p.State, err)
	}
}

func withBearer(r *http.Request) *http.Request {
	r.Header.Set("Authorization", "Bearer "+token)
	return r
}

// TestDashboardListsAdHoc: posts added with `queue add` are listed with
// the campaign's, marked as added by hand; another campaign's are not.
func TestDashboardListsAdHoc(t *testing.T) {
	st, _ := openQueue(t)
	ts := queueServer(t, st, nil)
	now := ts.clock.Now()
	enqueue(t, st, now,
		post("p-campaign", ts.o.Campaign.Slug, now.Add(time.Hour)),
		post("p-adhoc", queue.AdHoc, now.Add(2*time.Hour)),
		post("p-other", "another-campaign", now.Add(3*time.Hour)),
	)
	page := ts.dashboard(t, "/admin")
	for _, id := range []string{"p-campaign", "p-adhoc"} {
		if !strings.Contains(page, `<tr data-id="`+id+`">`) {
			t.Errorf("%s is not listed", id)
		}
	}
	if strings.Contains(page, "p-other") {
		t.Errorf("another campaign's post is listed")
	}
	row := regexp.MustCompile(`(?s)<tr data-id="p-adhoc">.*?</tr>`).FindString(page)
	if !strings.Contains(row, `<span class="adhoc">added by hand</span>`) {
		t.Errorf("the ad-hoc post is not marked as added by hand:\n%s", row)
	}
	if !strings.Contains(page, `/admin/posts/p-adhoc/cancel`) {
		t.Errorf("the ad-hoc post cannot be cancelled from the dashboard")
	}
}

// TestDashboardTimesInZone: every time on the dashboard is in the
// campaign's zone (Europe/Zurich: UTC+1 in winter, +2 in summer), with the
// UTC instant on hover; posts are grouped by the campaign's day.
func TestDashboardTimesInZone(t *testing.T) {
	st, _ := openQueue(t)
	ts := queueServer(t, st, nil)
	if ts.o.Campaign.Timezone != "Europe/Zurich" {
		t.Fatalf("the demo campaign is in %s; this test expects Europe/Zurich", ts.o.Campaign.Timezone)
	}
	winter := time.Date(2026, 12, 17, 23, 30, 0, 0, time.UTC) // 00:30 on the 18th in Zurich
	summer := time.Date(2027, 7, 1, 8, 0, 0, 0, time.UTC)     // 10:00 in Zurich
	enqueue(t, st, ts.clock.Now(), post("p-winter", ts.o.Campaign.Slug, winter), post("p-summer", queue.AdHoc, summer))
	page := ts.dashboard(t, "/admin")
	for _, want := range []string{
		"Times are in the campaign’s time zone, Europe/Zurich",
		// as of the server's clock, 2026-12-15 09:00 UTC
		`<time datetime="2026-12-15T09:00:00Z" title="2026-12-15 09:00:00 UTC">2026-12-15 10:00:00</time>`,
		// next posts: day and time
		`<time datetime="2026-12-17T23:30:00Z" title="2026-12-17 23:30:00 UTC">2026-12-18 00:30</time>`,
		`<time datetime="2027-07-01T08:00:00Z" title="2027-07-01 08:00:00 UTC">2027-07-01 10:00</time>`,
		// by day: the day in Zurich, then the time
		"<h3>2026-12-18</h3>",
		`<time datetime="2026-12-17T23:30:00Z" title="2026-12-17 23:30:00 UTC">00:30</time>`,
		"<h3>2027-07-01</h3>",
		`<time datetime="2027-07-01T08:00:00Z" title="2027-07-01 08:00:00 UTC">10:00</time>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if strings.Contains(page, "<h3>2026-12-17</h3>") {
		t.Errorf("a post is under its UTC day, not the campaign's")
	}
	// every time shown says its UTC instant
	all := regexp.MustCompile(`<time[^>]*>`).FindAllString(page, -1)
	if len(all) < 5 {
		t.Fatalf("%d times on the dashboard", len(all))
	}
	for _, tag := range all {
		if !regexp.MustCompile(`^<time datetime="[0-9T:-]+Z" title="[0-9 :-]+ UTC">$`).MatchString(tag) {
			t.Errorf("time without its UTC instant: %s", tag)
		}
	}
}

// TestDashboardInLanguage: the dashboard speaks the lang parameter or the
// browser's language, keeps it through its forms, and reads right to left
// in Arabic.
func TestDashboardInLanguage(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.AdminToken = token })
	cases := []struct {
		name, path, accept, lang string
	}{
		{"default", "/admin", "", "en"},
		{"parameter", "/admin?lang=fr", "", "fr"},
		{"browser", "/admin", "ru-RU,ru;q=0.9,en;q=0.5", "ru"},
		{"parameter over browser", "/admin?lang=zh", "es", "zh"},
		{"unknown parameter", "/admin?lang=xx", "ar", "ar"},
		{"unknown browser language", "/admin", "de-CH", "en"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hdr []string
			if c.accept != "" {
				hdr = []string{"Accept-Language", c.accept}
			}
			page := ts.dashboard(t, c.path, hdr...)
			m := messages[c.lang]
			dir := "ltr"
			if c.lang == "ar" {
				dir = "rtl"
			}
			for _, want := range []string{
				`<html lang="` + c.lang + `" dir="` + dir + `">`,
				escaped(m["queueTitle"]) + "</h1>",
				escaped(m["pause"]) + "</button>",
				escaped(m["failures"]) + "</h2>",
				escaped(m["state.published"]) + ": ",
			} {
				if !strings.Contains(page, want) {
					t.Errorf("dashboard lacks %q", want)
				}
			}
			field := `<input type="hidden" name="lang" value="` + c.lang + `">`
			if got := strings.Contains(page, field); got != (c.lang != "en") {
				t.Errorf("forms carry the language %s: %v", c.lang, got)
			}
		})
	}
	// an action goes back to the dashboard in the form's language
	req := withBearer(mustRequest(t, "POST", ts.url+"/admin/pause", "lang=ar", "Content-Type", "application/x-www-form-urlencoded"))
	res := ts.do(t, req)
	if got := res.header.Get("Location"); res.status != 303 || got != "/admin?lang=ar" {
		t.Errorf("after pause: %d to %q, want 303 to /admin?lang=ar", res.status, got)
	}
	// the sign-in page too
	login := ts.get(t, "/admin?lang=es")
	if !strings.Contains(string(login.body), escaped(messages["es"]["adminToken"])) {
		t.Errorf("the sign-in page is not in Spanish:\n%s", login.body)
	}
}

// TestDashboardLive: the live part is the page's changing part alone,
// for signed-in operators only.
func TestDashboardLive(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.AdminToken = token })
	if got := ts.get(t, "/admin/live").status; got != 401 {
		t.Errorf("live part without sign-in: %d, want 401", got)
	}
	live := ts.dashboard(t, "/admin/live?lang=fr")
	if strings.Contains(live, "<html") || strings.Contains(live, `id="live"`) {
		t.Errorf("the live part is a whole page")
	}
	for _, id := range []string{"asof", "alerts", "state", "runners", "failures", "next", "days"} {
		if !strings.Contains(live, `id="`+id+`"`) {
			t.Errorf("live part lacks #%s", id)
		}
	}
	if !strings.Contains(live, escaped(messages["fr"]["pause"])) {
		t.Errorf("live part is not in French")
	}
	page := ts.dashboard(t, "/admin?lang=fr")
	if !strings.Contains(page, `data-live="/admin/live?lang=fr"`) {
		t.Errorf("the page does not say where its live part is")
	}
}

// TestDashboardButtons offers the actions the queue takes in each state:
// a failed post still being retried can be cancelled but not retried
// (the store would refuse it); one given up can be retried.
func TestDashboardButtons(t *testing.T) {
	st, _ := openQueue(t)
	ts := queueServer(t, st, nil)
	now := ts.clock.Now()
	slug := ts.o.Campaign.Slug
	enqueue(t, st, now, post("p-retrying", slug, now), post("p-given-up", slug, now))
	claimed, err := st.Claim(t.Context(), "r", now, time.Minute, queue.Any(2))
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claim: %v, %v", claimed, err)
	}
	if err := st.Fail(t.Context(), "p-retrying", "r", now, "503", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.Fail(t.Context(), "p-given-up", "r", now, "401", time.Time{}); err != nil {
		t.Fatal(err)
	}
	page := ts.dashboard(t, "/admin")
	for _, c := range []struct {
		action string
		want   bool
	}{
		{"/admin/posts/p-retrying/cancel", true},
		{"/admin/posts/p-retrying/retry", false},
		{"/admin/posts/p-given-up/cancel", true},
		{"/admin/posts/p-given-up/retry", true},
	} {
		if got := strings.Contains(page, `action="`+c.action+`"`); got != c.want {
			t.Errorf("form posting to %s: %v, want %v", c.action, got, c.want)
		}
	}
	if got := ts.do(t, withBearer(mustRequest(t, "POST", ts.url+"/admin/posts/p-given-up/retry", ""))).status; got != 303 {
		t.Errorf("retry of the post given up: %d, want 303", got)
	}
}
