package campaign

import (
	"strings"
	"testing"
	"time"
)

func TestPublishing(t *testing.T) {
	c, ps := parse(t, base+`publishing:
  retry: {base: 2s, max: 5m, attempts: 8}
  concurrency: {webhook: 16, mastodon: 2}
`, nil)
	if ps != nil {
		t.Fatalf("the README's example refused:\n%s", list(ps))
	}
	want := Retry{Base: 2 * time.Second, Max: 5 * time.Minute, Attempts: 8}
	if got := c.Publishing.Retry; got != want {
		t.Errorf("retry: got %+v, want %+v", got, want)
	}
	if got := c.Publishing.Concurrency; len(got) != 2 || got["webhook"] != 16 || got["mastodon"] != 2 {
		t.Errorf("concurrency: got %v, want webhook 16 and mastodon 2", got)
	}
	c, ps = parse(t, base, nil)
	if ps != nil || c.Publishing.Retry != (Retry{}) || c.Publishing.Concurrency != nil {
		t.Errorf("no publishing block: got %+v, %v; want nothing set", c.Publishing, ps)
	}
}

// Each bad value is reported at its own line and field, with what is
// allowed and what was given; a file with several reports them all.
func TestPublishingProblems(t *testing.T) {
	line := strings.Count(base, "\n") + 2 // the line under "publishing:"
	for _, tc := range []struct {
		block string // under publishing:
		field string
		msg   string
	}{
		{"  retry: {base: 50ms}\n", "publishing.retry.base", "want a delay of at least 100ms before the first retry, got 50ms"},
		{"  retry: {base: 0s}\n", "publishing.retry.base", "at least 100ms"},
		{"  retry: {base: -1s}\n", "publishing.retry.base", "at least 100ms"},
		{"  retry: {base: soon}\n", "publishing.retry.base", `want a duration such as 15m or 1h30m, got "soon"`},
		{"  retry: {base: 10s, max: 5s}\n", "publishing.retry.max", "the longest delay (5s) is shorter than the first one, base (10s): want max at least base"},
		{"  retry: {max: 10ms}\n", "publishing.retry.max", "want a longest delay of at least 100ms, got 10ms"},
		{"  retry: {attempts: 0}\n", "publishing.retry.attempts", "want from 1 to 50 attempts, got 0"},
		{"  retry: {attempts: 51}\n", "publishing.retry.attempts", "want from 1 to 50 attempts, got 51"},
		{"  retry: {tries: 3}\n", "publishing.retry.tries", `unknown key "tries"`},
		{"  concurrency: {webhook: 0}\n", "publishing.concurrency.webhook", "want from 1 to 256 posts of webhook at once, got 0"},
		{"  concurrency: {mastodon: 257}\n", "publishing.concurrency.mastodon", "want from 1 to 256 posts of mastodon at once, got 257"},
		{"  concurrency: {fax: 2}\n", "publishing.concurrency.fax", `unknown channel "fax": choose from x, bluesky, mastodon, threads, linkedin, instagram, facebook, outbox, webhook`},
		{"  concurrency: {webhook: many}\n", "publishing.concurrency.webhook", `want a whole number, got "many"`},
	} {
		t.Run(tc.block, func(t *testing.T) {
			_, ps := parse(t, base+"publishing:\n"+tc.block, nil)
			if len(ps) != 1 {
				t.Fatalf("got %d problems, want 1:\n%s", len(ps), list(ps))
			}
			p := ps[0]
			if p.Field != tc.field || p.Line != line || p.File != "campaign.yaml" || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("got %s\nwant campaign.yaml:%d: %s: …%s…", p, line, tc.field, tc.msg)
			}
		})
	}
	_, ps := parse(t, base+"publishing:\n  retry:\n    base: 1ms\n    attempts: 99\n  concurrency:\n    fax: 1\n", nil)
	got := map[string]int{}
	for _, p := range ps {
		got[p.Field] = p.Line
	}
	want := map[string]int{"publishing.retry.base": line + 1, "publishing.retry.attempts": line + 2, "publishing.concurrency.fax": line + 4}
	if len(got) != len(want) {
		t.Errorf("several mistakes: got\n%s want %v", list(ps), want)
	}
	for f, l := range want {
		if got[f] != l {
			t.Errorf("%s: reported at line %d, want %d", f, got[f], l)
		}
	}
}

// TestGrace: the window is a duration from 1m to 24h as load.go and the
// README say; 15m when the file sets none.
func TestGrace(t *testing.T) {
	for _, tc := range []struct {
		line string
		want time.Duration // 0: refused
	}{
		{"", 15 * time.Minute},
		{"grace: 1m\n", time.Minute},
		{"grace: 2h\n", 2 * time.Hour},
		{"grace: 24h\n", 24 * time.Hour},
		{"grace: 30s\n", 0},
		{"grace: 59s\n", 0},
		{"grace: 0s\n", 0},
		{"grace: -5m\n", 0},
		{"grace: 24h1s\n", 0},
	} {
		c, ps := parse(t, base+tc.line, nil)
		if tc.want == 0 {
			if len(ps) != 1 || ps[0].Field != "grace" || ps[0].Line != strings.Count(base, "\n")+1 ||
				!strings.Contains(ps[0].Msg, "want a duration from 1m to 24h (default 15m), got ") {
				t.Errorf("%q: got\n%s want one problem at grace", tc.line, list(ps))
			}
			continue
		}
		if ps != nil {
			t.Errorf("%q refused:\n%s", tc.line, list(ps))
			continue
		}
		if c.Grace != tc.want {
			t.Errorf("%q: grace %s, want %s", tc.line, c.Grace, tc.want)
		}
	}
	if _, ps := parse(t, base+"grace: soon\n", nil); len(ps) != 1 || !strings.Contains(ps[0].Msg, "want a duration such as 15m") {
		t.Errorf("grace: soon: got\n%s want the decoder's one problem", list(ps))
	}
}
