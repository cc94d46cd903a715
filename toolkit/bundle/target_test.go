package bundle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// The test binary doubles as a build process that the kill tests start and
// kill: with these variables set it builds the campaign in SRC into OUT
// and, with CRASH, kills itself at that step of the swap.
const (
	envChildSrc   = "CAMPAIGNKIT_TEST_BUNDLE_SRC"
	envChildOut   = "CAMPAIGNKIT_TEST_BUNDLE_OUT"
	envChildCrash = "CAMPAIGNKIT_TEST_BUNDLE_CRASH"
	envChildLink  = "CAMPAIGNKIT_TEST_BUNDLE_NO_EXCHANGE"
)

func TestMain(m *testing.M) {
	if src := os.Getenv(envChildSrc); src != "" {
		os.Exit(childBuild(src, os.Getenv(envChildOut), os.Getenv(envChildCrash), os.Getenv(envChildLink) != ""))
	}
	os.Exit(m.Run())
}

func childBuild(src, out, crashAt string, noExchange bool) int {
	if noExchange {
		exchangeWorks = false
	}
	crashHook = func(step string) {
		if step == crashAt {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way
		}
	}
	o, err := tinyOptions(src, out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_, stats, err := Build(context.Background(), o)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("%d rendered, %d unchanged\n", stats.Rendered, stats.Reused)
	return 0
}

// tiny is a campaign of one quote card in one language: 8 images.
const tiny = `name: Tiny
slug: tiny
title: {en: Tiny Day}
day: 2026-12-18
week: {start: 2026-12-18, end: 2026-12-18}
timezone: Europe/London
languages: [en]
theme: high-contrast
cards:
  - id: q
    kind: quote
    quote: {en: QUOTE}
    speaker: {en: Someone}
    role: {en: Somewhere}
`

// writeTiny writes the tiny campaign with quote into a new folder.
func writeTiny(t *testing.T, quote string) string {
	t.Helper()
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "campaign.yaml"), []byte(strings.Replace(tiny, "QUOTE", quote, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return src
}

func tinyOptions(src, out string) (Options, error) {
	fsys := os.DirFS(src)
	c, err := campaign.Load(fsys, "campaign.yaml")
	if err != nil {
		return Options{}, err
	}
	return Options{
		CardOptions: CardOptions{
			Campaign: c, CampaignFS: fsys, Workers: 2,
			Themes: func(name string) (*theme.Theme, fs.FS, error) {
				th, err := theme.Load(assets.Themes, name)
				return th, assets.Themes, err
			},
		},
		Dir: out,
	}, nil
}

func buildTiny(t *testing.T, src, out string, edit func(*Options)) Stats {
	t.Helper()
	o, err := tinyOptions(src, out)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(&o)
	}
	_, stats, err := Build(context.Background(), o)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return stats
}

// treeSums hashes every file under root (following a link at root
// itself), by slash path; nil when root does not exist.
func treeSums(t *testing.T, root string) map[string]string {
	t.Helper()
	st, err := os.Stat(root)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	if !st.IsDir() {
		b, _ := os.ReadFile(root)
		out["."] = sha256Hex(b)
		return out
	}
	fsys := os.DirFS(root)
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := fsys.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		out[p] = hex.EncodeToString(h.Sum(nil))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(a, b map[string]string) bool {
	if a == nil || b == nil || len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// leftovers lists what builds leave beside the bundles in out besides the
// bundles and the cache.
func leftovers(t *testing.T, out string) []string {
	t.Helper()
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	live, _ := os.Readlink(filepath.Join(out, "tiny")) // where a link-swapped bundle lives
	var names []string
	for _, e := range entries {
		switch e.Name() {
		case live:
		case "tiny", "tiny" + PartialSuffix, ".campaignkit-cache":
		default:
			names = append(names, e.Name())
		}
	}
	return names
}

// TestBuildSurvivesKills kills a build at each step of the swap, and at
// random moments, and checks that dist/tiny is always the old bundle or the
// new one, whole, and that the next build sweeps what the killed one left.
func TestBuildSurvivesKills(t *testing.T) {
	if testing.Short() {
		t.Skip("runs about twenty builds as processes")
	}
	oldSrc, newSrc := writeTiny(t, "The old words."), writeTiny(t, "The new words.")
	want := map[string]map[string]string{}
	for name, src := range map[string]string{"old": oldSrc, "new": newSrc} {
		out := t.TempDir()
		buildTiny(t, src, out, nil)
		want[name] = treeSums(t, filepath.Join(out, "tiny"))
	}
	if sameTree(want["old"], want["new"]) {
		t.Fatal("the old and the new bundle are the same")
	}
	child := func(out, crash string, noExchange bool, src ...string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		from := newSrc
		if len(src) > 0 {
			from = src[0]
		}
		cmd.Env = append(os.Environ(), envChildSrc+"="+from, envChildOut+"="+out, envChildCrash+"="+crash)
		if noExchange {
			cmd.Env = append(cmd.Env, envChildLink+"=1")
		}
		return cmd
	}
	is := func(t *testing.T, out string, allowed ...string) {
		t.Helper()
		got := treeSums(t, filepath.Join(out, "tiny"))
		for _, a := range allowed {
			if sameTree(got, want[a]) {
				return
			}
		}
		t.Errorf("dist/tiny is neither %v bundle, whole: %d files", allowed, len(got))
	}
	steps := []struct {
		crash      string
		noExchange bool
		after      []string // what dist/tiny may be once killed there
	}{
		{"staged", false, []string{"old"}},
		{"exchanged", false, []string{"new"}},
		{"committed", false, []string{"new"}},
		{"staged", true, []string{"old"}},
		{"linked", true, []string{"new"}},
		{"committed", true, []string{"new"}},
	}
	for _, s := range steps {
		t.Run(fmt.Sprintf("%s/exchange=%v", s.crash, !s.noExchange), func(t *testing.T) {
			out := t.TempDir()
			func() { // the old bundle, written the same way the child will write
				if s.noExchange {
					exchangeWorks = false
					defer func() { exchangeWorks = true }()
				}
				buildTiny(t, oldSrc, out, nil)
			}()
			err := child(out, s.crash, s.noExchange).Run()
			if st, ok := err.(*exec.ExitError); !ok || st.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("the build was not killed at %s: %v", s.crash, err)
			}
			is(t, out, s.after...)
			buildTiny(t, newSrc, out, nil)
			is(t, out, "new")
			if l := leftovers(t, out); len(l) > 0 {
				t.Errorf("after the next build, left over: %v", l)
			}
		})
	}
	t.Run("set-aside", func(t *testing.T) {
		// A real folder on a system without exchange is set aside before
		// the link goes in: killed between the two, the next build puts
		// the old bundle back before anything else.
		out := t.TempDir()
		buildTiny(t, oldSrc, out, nil)
		child(out, "set-aside", true).Run()
		tg, err := openTarget(context.Background(), out, "tiny", false, nil)
		if err != nil {
			t.Fatal(err)
		}
		tg.close()
		is(t, out, "old")
	})
	t.Run("random", func(t *testing.T) {
		out := t.TempDir()
		buildTiny(t, oldSrc, out, nil)
		r := rand.New(rand.NewPCG(1, 2))
		for i := range 10 {
			// every build draws: the sources alternate
			cmd := child(out, "", i%4 >= 2, []string{newSrc, oldSrc}[i%2])
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			timer := time.AfterFunc(time.Duration(r.IntN(700))*time.Millisecond, func() { cmd.Process.Kill() })
			cmd.Wait()
			timer.Stop()
			is(t, out, "old", "new")
		}
		buildTiny(t, newSrc, out, nil)
		is(t, out, "new")
		if l := leftovers(t, out); len(l) > 0 {
			t.Errorf("left over: %v", l)
		}
	})
}

// TestBuildRefusesWhatItDidNotWrite: a folder at dist/<slug> that is not a
// bundle campaignkit wrote is never replaced, whatever it is.
func TestBuildRefusesWhatItDidNotWrite(t *testing.T) {
	src := writeTiny(t, "Words.")
	cases := []struct {
		name  string
		setup func(t *testing.T, out string)
		want  string
	}{
		{"user folder", func(t *testing.T, out string) {
			writeFiles(t, filepath.Join(out, "tiny"), "campaign.yaml", "logo.png", "photos/a.jpg")
		}, "holds campaign.yaml, logo.png, photos/"},
		{"many files", func(t *testing.T, out string) {
			writeFiles(t, filepath.Join(out, "tiny"), "a", "b", "c", "d", "e", "f")
		}, "holds a, b, c and 3 more"},
		{"empty folder", func(t *testing.T, out string) {
			os.MkdirAll(filepath.Join(out, "tiny"), 0o755)
		}, "empty folder"},
		{"file", func(t *testing.T, out string) {
			writeFiles(t, out, "tiny")
		}, "is a file"},
		{"link elsewhere", func(t *testing.T, out string) {
			os.Symlink(t.TempDir(), filepath.Join(out, "tiny"))
		}, "symbolic link"},
		{"bundle of another campaign", func(t *testing.T, out string) {
			writeFiles(t, filepath.Join(out, "tiny"), "cards/en/q/x.png", "index.html")
			os.WriteFile(filepath.Join(out, "tiny", "manifest.json"), []byte(`{"campaign":{"slug":"other"}}`), 0o644)
		}, "not a bundle campaignkit wrote"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			c.setup(t, out)
			before := treeSums(t, filepath.Join(out, "tiny"))
			o, err := tinyOptions(src, out)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = Build(context.Background(), o)
			if !toolkit.IsInvalid(err) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "will not replace") {
				t.Fatalf("got %v, want an invalid-input error saying %q", err, c.want)
			}
			if after := treeSums(t, filepath.Join(out, "tiny")); len(before) > 0 && !sameTree(before, after) {
				t.Error("the folder changed")
			}
			if l := leftovers(t, out); len(l) > 0 {
				t.Errorf("left behind: %v", l)
			}
		})
	}
	t.Run("output is a file", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "dist")
		writeFiles(t, filepath.Dir(out), "dist")
		o, _ := tinyOptions(src, out)
		_, _, err := Build(context.Background(), o)
		if !toolkit.IsInvalid(err) || !strings.Contains(err.Error(), "-o: ") || !strings.Contains(err.Error(), "not a folder") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("bundle from before the marker", func(t *testing.T) {
		out := t.TempDir()
		writeFiles(t, filepath.Join(out, "tiny"), "cards/en/q/x.png", "index.html", "tiny.zip", "posts.csv")
		os.WriteFile(filepath.Join(out, "tiny", "manifest.json"), []byte(`{"campaign":{"slug":"tiny"}}`), 0o644)
		buildTiny(t, src, out, nil)
		if !hasMarker(filepath.Join(out, "tiny")) {
			t.Error("the old bundle was not replaced by a marked one")
		}
	})
}

func writeFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("user data "+n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBuildsWaitForEachOther: a build of the same campaign into the same
// folder waits while another holds the lock, and goes on once it is free.
func TestBuildsWaitForEachOther(t *testing.T) {
	src, out := writeTiny(t, "Words."), t.TempDir()
	os.MkdirAll(cacheDir(out), 0o755)
	unlock, err := lockFile(context.Background(), filepath.Join(cacheDir(out), "tiny.lock"), nil)
	if err != nil {
		t.Fatal(err)
	}
	waiting, done := make(chan struct{}), make(chan error, 1)
	go func() {
		o, _ := tinyOptions(src, out)
		o.Waiting = func() { close(waiting) }
		_, _, err := Build(context.Background(), o)
		done <- err
	}()
	<-waiting
	if _, err := os.Stat(filepath.Join(out, "tiny")); err == nil {
		t.Error("the waiting build wrote its bundle while the lock was held")
	}
	select {
	case err := <-done:
		t.Fatalf("the build finished while the lock was held: %v", err)
	default:
	}
	unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// a waiting build gives up when its context ends
	unlock, _ = lockFile(context.Background(), filepath.Join(cacheDir(out), "tiny.lock"), nil)
	defer unlock()
	ctx, cancel := context.WithCancel(context.Background())
	o, _ := tinyOptions(src, out)
	o.Waiting = cancel
	if _, _, err := Build(ctx, o); err != context.Canceled {
		t.Errorf("cancelled while waiting: %v", err)
	}
}

// TestPartialBuildKeepsFullBundle: a partial build goes to its own folder,
// leaves the full bundle byte for byte, and the next full build draws
// nothing.
func TestPartialBuildKeepsFullBundle(t *testing.T) {
	src, out := writeTiny(t, "Words."), t.TempDir()
	if st := buildTiny(t, src, out, nil); st.Rendered != len(toolkit.Presets) {
		t.Fatalf("first build: %+v", st)
	}
	full := treeSums(t, filepath.Join(out, "tiny"))
	og, _ := toolkit.PresetByName("og")
	st := buildTiny(t, src, out, func(o *Options) { o.Presets = []toolkit.Preset{og}; o.Languages = []string{"en"} })
	if st.Rendered != 0 || st.Reused != 1 {
		t.Errorf("partial build of what the full build made: %+v, want 1 reused", st)
	}
	if !sameTree(full, treeSums(t, filepath.Join(out, "tiny"))) {
		t.Error("the partial build changed the full bundle")
	}
	part := treeSums(t, filepath.Join(out, "tiny"+PartialSuffix))
	if _, ok := part["cards/en/q/og.png"]; !ok || part["cards/en/q/x.png"] != "" {
		t.Errorf("the partial bundle holds %d files; want og and not x", len(part))
	}
	if st := buildTiny(t, src, out, nil); st.Rendered != 0 {
		t.Errorf("full build after a partial one drew %d images, want 0", st.Rendered)
	}

	// after an edit, a partial build draws its part, and the next full
	// build reuses that instead of drawing it again
	os.WriteFile(filepath.Join(src, "campaign.yaml"), []byte(strings.Replace(tiny, "QUOTE", "Other words.", 1)), 0o644)
	if st := buildTiny(t, src, out, func(o *Options) { o.Presets = []toolkit.Preset{og} }); st.Rendered != 1 {
		t.Errorf("partial build after an edit: %+v", st)
	}
	if st := buildTiny(t, src, out, nil); st.Rendered != len(toolkit.Presets)-1 || st.Reused != 1 {
		t.Errorf("full build after it: %+v, want og reused", st)
	}
}

// TestCacheOutlivesTheExecutable: the cache is keyed on what draws the
// pixels, not on the program's bytes, so another executable of the same
// code (go run against go build, or a rebuild) reuses every image.
func TestCacheOutlivesTheExecutable(t *testing.T) {
	if testing.Short() {
		t.Skip("copies the test binary")
	}
	src, out := writeTiny(t, "Words."), t.TempDir()
	other := filepath.Join(t.TempDir(), "other.test")
	exe, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, append(exe, "a different executable"...), 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(bin string) string {
		cmd := exec.Command(bin, "-test.run=^$")
		cmd.Env = append(os.Environ(), envChildSrc+"="+src, envChildOut+"="+out)
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v", bin, err)
		}
		return strings.TrimSpace(string(b))
	}
	if got := run(os.Args[0]); got != fmt.Sprintf("%d rendered, 0 unchanged", len(toolkit.Presets)) {
		t.Fatalf("first build: %s", got)
	}
	if got := run(other); got != fmt.Sprintf("0 rendered, %d unchanged", len(toolkit.Presets)) {
		t.Errorf("the same code from another executable: %s, want every image reused", got)
	}
}

// TestReusedZipIsCheckedByHash: a zip damaged since the last build, even
// with its size kept, is written again rather than reused.
func TestReusedZipIsCheckedByHash(t *testing.T) {
	src, out := writeTiny(t, "Words."), t.TempDir()
	buildTiny(t, src, out, nil)
	zipPath := filepath.Join(out, "tiny", "tiny.zip")
	good := treeSums(t, filepath.Join(out, "tiny"))["tiny.zip"]
	b, err := os.ReadFile(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(zipPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	buildTiny(t, src, out, nil)
	if got := treeSums(t, filepath.Join(out, "tiny"))["tiny.zip"]; got != good {
		t.Error("a damaged zip of the same size was reused")
	}
}

// TestSameCanvasDrawnOnce: facebook and og are the same 1200×630 canvas:
// it is drawn once and both files hold its bytes.
func TestSameCanvasDrawnOnce(t *testing.T) {
	src, out := writeTiny(t, "Words."), t.TempDir()
	st := buildTiny(t, src, out, nil)
	if st.Rendered != len(toolkit.Presets) || st.Drawn != len(toolkit.Presets)-1 {
		t.Errorf("stats %+v: want %d rendered and one canvas fewer drawn", st, len(toolkit.Presets))
	}
	sums := treeSums(t, filepath.Join(out, "tiny"))
	fb, og := sums["cards/en/q/facebook.png"], sums["cards/en/q/og.png"]
	if fb == "" || fb != og {
		t.Errorf("facebook %q and og %q differ", fb, og)
	}
	if sums["cards/en/q/linkedin.png"] == fb {
		t.Error("linkedin (1200×627) shares facebook's canvas")
	}
}
