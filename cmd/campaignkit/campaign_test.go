package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/assets"
)

// TestErrorsNameFilesAsGiven: a problem in the campaign file, in a
// schedule or theme beside it, is reported under the path the user gave
// with --campaign (./work/c.yaml, ./work/my.yaml, ./work/themes/mine.yaml),
// with its line.
func TestErrorsNameFilesAsGiven(t *testing.T) {
	themeSrc, err := fs.ReadFile(assets.Themes, "community.yaml")
	if err != nil {
		t.Fatal(err)
	}
	badTheme := strings.Replace(strings.Replace(string(themeSrc), "name: community", "name: mine", 1), "margin: 0.07", "margin: 7", 1)
	marginLine := 1 + strings.Count(badTheme[:strings.Index(badTheme, "margin: 7")], "\n")
	badCron := "slots:\n  - id: a\n    cron: \"0 25 * * *\"\n    cards: [countdown-1]\n    channels: [x]\n"
	// line of key in src, from 1
	line := func(src, key string) string {
		i := strings.Index(src, "\n"+key)
		if i < 0 {
			t.Fatalf("no %q in the test campaign", key)
		}
		return strconv.Itoa(2 + strings.Count(src[:i], "\n"))
	}
	withTheme := strings.Replace(schedCampaign, "schedule: demo-week\n", "schedule: demo-week\ntheme: mine\n", 1)
	withLogo := strings.Replace(schedCampaign, "schedule: demo-week\n", "schedule: demo-week\nlogo: nologo.png\n", 1)
	unknownTheme := strings.Replace(schedCampaign, "schedule: demo-week\n", "schedule: demo-week\ntheme: nope\n", 1)
	badPost := strings.Replace(schedCampaign, "channels: [outbox]", "channels: [myspace]", 1)
	tests := []struct {
		name     string
		campaign string
		files    map[string]string // beside the campaign file
		args     []string
		want     string
	}{
		{"malformed campaign", "name: [oops\n", nil, []string{"lint"}, "./work/c.yaml:1: "},
		{"missing campaign", "", nil, []string{"lint", "--campaign", "./work/none.yaml"}, "./work/none.yaml: no such file"},
		{"missing logo", withLogo, nil, []string{"schedule", "plan"}, "./work/c.yaml:" + line(withLogo, "logo:") + ": logo: cannot read image"},
		{"post", badPost, nil, []string{"lint"}, "./work/c.yaml:" + line(badPost, "    channels: [myspace]") + ": posts[0].channels[0]: unknown channel"},
		{"schedule", strings.Replace(schedCampaign, "schedule: demo-week", "schedule: my", 1), map[string]string{"my.yaml": badCron}, []string{"schedule", "plan"}, "./work/my.yaml:3: slots[0].cron: invalid cron spec"},
		{"schedule in lint", strings.Replace(schedCampaign, "schedule: demo-week", "schedule: my", 1), map[string]string{"my.yaml": badCron}, []string{"lint"}, "./work/my.yaml:3: slots[0].cron"},
		{"theme", withTheme, map[string]string{"themes/mine.yaml": badTheme}, []string{"render", "--card", "countdown-1", "-o", "card.png"}, "./work/themes/mine.yaml:" + strconv.Itoa(marginLine) + ": margin: want a fraction"},
		{"theme in lint", withTheme, map[string]string{"themes/mine.yaml": badTheme}, []string{"lint"}, "./work/themes/mine.yaml:" + strconv.Itoa(marginLine) + ": margin"},
		{"unknown theme", unknownTheme, nil, []string{"render", "--card", "countdown-1", "-o", "card.png"}, "./work/c.yaml:" + line(unknownTheme, "theme:") + ": theme: unknown theme \"nope\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			if tt.campaign != "" {
				writeFile(t, filepath.Join("work", "c.yaml"), tt.campaign)
			}
			for name, data := range tt.files {
				writeFile(t, filepath.Join("work", filepath.FromSlash(name)), data)
			}
			args := tt.args
			if !strings.Contains(strings.Join(args, " "), "--campaign") {
				args = append(args, "--campaign", "./work/c.yaml")
			}
			code, _, errs := runCLI(t, args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errs, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, errs)
			}
		})
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
