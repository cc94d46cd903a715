package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/campaignkit/campaignkit/toolkit/internal/browsertest"
	"github.com/campaignkit/campaignkit/toolkit/queue"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

// buildCampaignkit builds the command into a temporary folder.
func buildCampaignkit(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "campaignkit")
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build campaignkit: %v", err)
	}
	out, err := exec.Command(goCmd, "build", "-o", bin, "github.com/campaignkit/campaignkit/cmd/campaignkit").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestBrowserDashboardRunner is what an operator sees: two posts are due
// and nothing publishes, so the dashboard says so in red; then the
// operator starts `campaignkit run` on the same state folder in another
// process, and the open page, never reloaded, shows the runner and the
// posts published and drops the banner; then the runner is stopped and
// the page says no runner is publishing.
func TestBrowserDashboardRunner(t *testing.T) {
	browsertest.Need(t)
	bin := buildCampaignkit(t)

	state := t.TempDir()
	st, err := queue.OpenSQLite(context.Background(), filepath.Join(state, queue.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now().UTC().Truncate(time.Second)
	ids := []string{"adhoc-browser-1", "adhoc-browser-2"}
	for i, id := range ids {
		p := post(id, queue.AdHoc, now.Add(time.Duration(i-1)*time.Minute))
		p.Slot = "adhoc:" + id
		enqueue(t, st, now, p)
	}
	ts := newTestServer(t, func(o *Options) {
		o.AdminToken = token
		o.Now = time.Now // a runner in another process keeps the real time
		o.Store = Queue{Store: st, Source: o.Campaign.Slug, Now: time.Now}
	})

	ctx, consoleErrors := browsertest.Start(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.url+"/admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name=token]`), token),
		chromedp.Submit(chromedp.CSS(`form[action="/admin/login"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.banner`)),
	); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	banner, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.banner`)))
	if err != nil {
		t.Fatal(err)
	}
	if want := "No runner is publishing: 2 posts are due or waiting within the hour."; banner != want {
		t.Errorf("banner %q, want %q", banner, want)
	}
	// the page is marked: a reload would lose the mark
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`)); err != nil {
		t.Fatal(err)
	}

	var logs toolkittest.Buffer
	run := exec.Command(bin, "run", "--state", state, "--stop-timeout", "5s")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CAMPAIGNKIT_") { // every channel to the outbox
			run.Env = append(run.Env, kv)
		}
	}
	run.Stdout, run.Stderr = &logs, &logs
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- run.Wait() }() // ends with the process, which the test stops below or at cleanup
	waited := false
	t.Cleanup(func() {
		if !waited {
			run.Process.Kill()
			<-exited
		}
	})
	pid := run.Process.Pid

	type seen struct {
		Alive, Banner, NotReloaded bool
		States                     []string
		Host                       string
	}
	idsJSON, _ := json.Marshal(ids)
	look := `(() => {
		const row = document.querySelector('tr.runner.alive[data-pid="` + fmt.Sprint(pid) + `"]');
		const states = ` + string(idsJSON) + `.map(id => {
			const cell = document.querySelector('tr[data-id="' + id + '"] td.state');
			return cell ? cell.dataset.state : 'absent';
		});
		return {Alive: !!row, Banner: !!document.querySelector('.banner'), NotReloaded: window.notReloaded === true,
			States: states, Host: row ? row.dataset.host : ''};
	})()`
	got, err := chromedp.Run(ctx, chromedp.Poll[seen](`(() => { const s = `+look+`; return s.Alive && !s.Banner && s.States.every(x => x === 'published') ? s : null; })()`,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(40*time.Second)))
	if err != nil {
		shown, _ := chromedp.Run(ctx, chromedp.Evaluate[seen](look))
		t.Fatalf("waiting for the page to show runner %d publishing both posts: %v; the page shows %+v; the runner says:\n%s", pid, err, shown, logs.String())
	}
	host, _ := os.Hostname()
	if !got.NotReloaded || got.Host != host {
		t.Errorf("page %+v: want it never reloaded, showing the runner on %s", got, host)
	}
	for _, id := range ids {
		p, _, err := st.Get(context.Background(), id)
		if err != nil || p.State != queue.Published {
			t.Errorf("%s in the queue: %s %v, want published", id, p.State, err)
		}
	}

	// a clean stop: the runner says so, and the page follows
	if err := run.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		waited = true
		if code := run.ProcessState.ExitCode(); code != 130 { // interrupted
			t.Errorf("runner exit: %v, want code 130 (interrupted)\n%s", err, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the runner did not stop within 20 s of SIGINT:\n%s", logs.String())
	}
	heading, err := chromedp.Run(ctx, chromedp.Poll[string](`(() => {
		const row = document.querySelector('tr.runner[data-pid="`+fmt.Sprint(pid)+`"]');
		return row && !row.classList.contains('alive') && window.notReloaded === true ? document.getElementById('st').textContent : null;
	})()`, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		t.Fatalf("waiting for the page to show the runner stopped: %v", err)
	}
	if heading != "No runner is publishing" {
		t.Errorf("after the runner stopped, the heading says %q", heading)
	}

	wantNoConsoleErrors(t, consoleErrors(), "status of 401") // the sign-in page, on purpose
}

// TestBrowserDashboardWithoutJavaScript: with scripts off the dashboard
// is all there, as of its loading, with a link to load it again.
func TestBrowserDashboardWithoutJavaScript(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.AdminToken = token })
	ctx, consoleErrors := browsertest.Start(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.url+"/admin?lang=fr"),
		chromedp.SendKeys(chromedp.CSS(`input[name=token]`), token),
		chromedp.Submit(chromedp.CSS(`form[action="/admin/login"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#days`)),
	); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	type page struct {
		Lang, Heading, FirstTime string
		Refresh, Pause           bool
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[page](`({
		Lang: document.documentElement.lang,
		Heading: document.getElementById('st').textContent,
		FirstTime: document.querySelector('#days time').title,
		Refresh: document.querySelector('a.refresh').offsetHeight > 0,
		Pause: document.querySelector('form[action="/admin/pause"] button').offsetHeight > 0,
	})`))
	if err != nil {
		t.Fatal(err)
	}
	want := page{Lang: "fr", Heading: messages["fr"]["noRunner"], FirstTime: "2026-12-16 08:00:00 UTC", Refresh: true, Pause: true}
	if got != want {
		t.Errorf("without JavaScript:\ngot  %+v\nwant %+v", got, want)
	}
	wantNoConsoleErrors(t, consoleErrors(), "status of 401")
}
