package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/runner"
)

// dueWindow is how far ahead the dashboard looks for posts that need a
// runner: a post due within it with no runner alive is reported.
const dueWindow = time.Hour

// adminLangs are the languages the dashboard speaks, English first (the
// default).
var adminLangs = []string{"en", "fr", "es", "ar", "zh", "ru"}

var adminMatcher = func() language.Matcher {
	tags := make([]language.Tag, len(adminLangs))
	for i, l := range adminLangs {
		tags[i] = language.MustParse(l)
	}
	return language.NewMatcher(tags)
}()

// adminLang is the dashboard's language: the lang parameter (of the query,
// or of a form already parsed) when the dashboard speaks it, else the
// browser's preference, else English.
func adminLang(r *http.Request) string {
	l := r.URL.Query().Get("lang")
	if r.PostForm != nil && r.PostForm.Get("lang") != "" {
		l = r.PostForm.Get("lang")
	}
	if slices.Contains(adminLangs, l) {
		return l
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return "en"
	}
	if _, i, conf := adminMatcher.Match(tags...); conf != language.No {
		return adminLangs[i]
	}
	return "en"
}

// adminURL is the dashboard's address in lang; English is the default
// and needs no parameter.
func adminURL(path, lang string) string {
	if lang == "" || lang == "en" {
		return path
	}
	return path + "?" + url.Values{"lang": {lang}}.Encode()
}

// queue is the dashboard's store: Options.Store, or the one OpenStore
// gives once the queue exists (nil, nil before).
func (s *Server) queue(ctx context.Context) (Store, error) {
	if s.o.Store != nil {
		return s.o.Store, nil
	}
	if s.o.OpenStore == nil {
		return nil, nil
	}
	s.storeMu.Lock()
	defer s.storeMu.Unlock()
	if s.opened != nil || s.closed {
		return s.opened, nil
	}
	st, err := s.o.OpenStore(ctx)
	if err != nil || st == nil {
		return nil, err
	}
	s.opened = st
	// Sign-outs made here before the queue existed are for the other
	// replicas too.
	for id, until := range s.sessions.revokedNow(s.o.Now()) {
		if err := st.SignOut(ctx, id, until); err != nil {
			s.log.Error("dashboard: recording an earlier sign-out", "err", err)
			break
		}
	}
	return st, nil
}

// stamp is an instant as the dashboard shows it: in the campaign's zone,
// with the UTC instant for the tooltip and for machines.
type stamp struct {
	Text string // in the campaign's zone
	UTC  string // for the tooltip
	ISO  string // RFC 3339 in UTC, for <time datetime>; "" for no time
}

func (s *Server) zone() *time.Location {
	if loc := s.o.Campaign.Location; loc != nil {
		return loc
	}
	return time.UTC
}

// stamp shows t in the campaign's zone with layout.
func (s *Server) stamp(t time.Time, layout string) stamp {
	if t.IsZero() {
		return stamp{}
	}
	return stamp{
		Text: t.In(s.zone()).Format(layout),
		UTC:  t.UTC().Format("2006-01-02 15:04:05") + " UTC",
		ISO:  t.UTC().Format(time.RFC3339),
	}
}

const (
	dayTime    = "2006-01-02 15:04"
	secondTime = "2006-01-02 15:04:05"
)

type dashboardData struct {
	base
	CSRF      string
	LangParam string // "" for English, for the forms' lang fields
	Live      string // where the script asks for the live part
	Langs     []option
	Zone      string
	HasStore  bool
	Paused    bool
	Running   bool // a runner is alive
	Banner    string
	Runners   []runnerView
	Counts    []stateCount
	Next      []postView
	Failures  []postView
	Days      []queueDay
	Error     string
	Now       stamp
}

type stateCount struct {
	State queue.State
	Label string
	N     int
}

type queueDay struct {
	Day   string
	Posts []postView
}

// postView is a post with its times and words as the dashboard shows them.
type postView struct {
	queue.Post
	When, Next stamp // planned instant (day and time), when it may go next
	Clock      stamp // planned instant, time only, under its day
	StateLabel string
}

// WebURL is URL when the dashboard can link to it (http or https); the
// outbox's file:// locations are shown as text instead.
func (p postView) WebURL() string {
	if u, err := url.Parse(p.URL); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return p.URL
	}
	return ""
}

// AdHoc reports whether the post was added by hand (`campaignkit queue
// add`) rather than planned from the campaign.
func (p postView) AdHoc() bool { return p.Source == queue.AdHoc }

// Cancellable reports whether the dashboard offers to cancel the post:
// the states queue.Store.Cancel takes.
func (p postView) Cancellable() bool { return p.State == queue.Planned || p.State == queue.Failed }

// Retryable reports whether the dashboard offers to retry the post: the
// states queue.Store.Retry takes, so a failed post still being retried
// has no button (its retry is already coming).
func (p postView) Retryable() bool {
	return p.State == queue.Missed || p.State == queue.Cancelled || (p.State == queue.Failed && p.Due.IsZero())
}

type runnerView struct {
	queue.RunnerInfo
	Alive                           bool
	Status                          string
	StartedAt, BeatAt, TickAt, Gone stamp
	Ago                             string // since the last heartbeat
}

// alive reports whether the runner is publishing at now: the runners' own
// rule (runner.StateOf), with timeout three heartbeats.
func alive(r queue.RunnerInfo, now time.Time, timeout time.Duration) bool {
	return !r.Beat.IsZero() && runner.StateOf(r, now, timeout/3) == runner.RunnerAlive
}

// dashboard reads the queue and says what it shows in lang.
func (s *Server) dashboard(ctx context.Context, lang string, a adminAuth) *dashboardData {
	now := s.o.Now()
	d := &dashboardData{base: s.base(lang), Now: s.stamp(now, secondTime), Zone: s.zone().String()}
	t := d.T
	if lang != "en" {
		d.LangParam = lang
	}
	d.Live = adminURL("/admin/live", lang)
	for _, l := range adminLangs {
		d.Langs = append(d.Langs, option{Value: l, Label: toolkit.LanguageName(l), Selected: l == lang, Lang: l})
	}
	if a.session != nil {
		d.CSRF = a.session.csrf
	}
	st, err := s.queue(ctx)
	if err != nil {
		s.log.Error("dashboard: opening the queue", "err", err)
		d.Error = t["readError"] + " " + err.Error()
		return d
	}
	if st == nil {
		return d
	}
	d.HasStore = true
	snap, err := st.List(ctx)
	if err != nil {
		s.log.Error("dashboard: listing the queue", "err", err)
		d.Error = t["readError"] + " " + err.Error()
	}
	d.Paused = snap.Paused

	for _, r := range snap.Runners {
		v := runnerView{RunnerInfo: r, Alive: alive(r, now, s.o.RunnerTimeout),
			StartedAt: s.stamp(r.Started, dayTime), BeatAt: s.stamp(r.Beat, secondTime),
			TickAt: s.stamp(r.LastTick, secondTime), Gone: s.stamp(r.Stopped, secondTime),
			Ago: strings.ReplaceAll(t["ago"], "{n}", strconv.Itoa(max(0, int(now.Sub(r.Beat)/time.Second))))}
		switch {
		case v.Alive:
			v.Status = t["runnerAlive"]
			d.Running = true
		case !r.Stopped.IsZero():
			v.Status = t["runnerStopped"]
		default:
			v.Status = t["runnerSilent"]
		}
		d.Runners = append(d.Runners, v)
	}
	// the living first, each group newest beat first as the store gives them
	slices.SortStableFunc(d.Runners, func(a, b runnerView) int {
		if a.Alive != b.Alive {
			if a.Alive {
				return -1
			}
			return 1
		}
		return 0
	})
	d.Runners = d.Runners[:min(len(d.Runners), 10)]

	posts := slices.Clone(snap.Posts)
	slices.SortStableFunc(posts, func(a, b queue.Post) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	n := map[queue.State]int{}
	due := 0
	var next []postView
	for _, p := range posts {
		v := postView{Post: p, When: s.stamp(p.At, dayTime), Clock: s.stamp(p.At, "15:04"), StateLabel: stateLabel(t, p.State)}
		if !p.Due.IsZero() {
			v.Next = s.stamp(p.Due, dayTime)
		}
		n[p.State]++
		day := p.At.In(s.zone()).Format("2006-01-02")
		if len(d.Days) == 0 || d.Days[len(d.Days)-1].Day != day {
			d.Days = append(d.Days, queueDay{Day: day})
		}
		d.Days[len(d.Days)-1].Posts = append(d.Days[len(d.Days)-1].Posts, v)
		if p.State == queue.Failed || p.State == queue.Missed {
			d.Failures = append(d.Failures, v)
		}
		if p.Waiting() {
			next = append(next, v)
			if p.Due.IsZero() || !p.Due.After(now.Add(dueWindow)) {
				due++
			}
		}
	}
	for _, st := range queue.States {
		d.Counts = append(d.Counts, stateCount{st, stateLabel(t, st), n[st]})
	}
	slices.SortStableFunc(next, func(a, b postView) int { return a.Due.Compare(b.Due) })
	d.Next = next[:min(len(next), 10)]
	if !d.Running && due > 0 {
		d.Banner = plural(lang, t["banner"], due)
	}
	return d
}

func stateLabel(t map[string]string, state queue.State) string {
	if l, ok := t["state."+string(state)]; ok {
		return l
	}
	return string(state)
}

// plural picks the form of msg for n in lang and puts n in it. msg holds
// its forms as "one:…|other:…", named by CLDR plural category; a message
// without forms is used as it is, and a category it lacks takes "other".
func plural(lang, msg string, n int) string {
	want := campaign.PluralForm(lang, n)
	forms := map[string]string{}
	for _, f := range strings.Split(msg, "|") {
		if cat, text, ok := strings.Cut(f, ":"); ok && slices.Contains(pluralForms, cat) {
			forms[cat] = text
		}
	}
	text, ok := forms[want]
	if !ok {
		text, ok = forms["other"]
	}
	if !ok {
		text = msg
	}
	return strings.ReplaceAll(text, "{n}", strconv.Itoa(n))
}

var pluralForms = []string{"zero", "one", "two", "few", "many", "other"}

func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) {
	a, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	d := s.dashboard(r.Context(), adminLang(r), a)
	w.Header().Set("Cache-Control", "no-store")
	s.pages.render(w, r, http.StatusOK, "admin", d)
}

// handleLive answers the dashboard's script with the part of the page
// that changes, drawn by the same template as the page.
func (s *Server) handleLive(w http.ResponseWriter, r *http.Request) {
	a, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	d := s.dashboard(r.Context(), adminLang(r), a)
	body, err := s.pages.fragment("admin", "live", d)
	if err != nil {
		s.log.Error("dashboard: live part", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeHTML(w, r, http.StatusOK, []byte(body), nil)
}
