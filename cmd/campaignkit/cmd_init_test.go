package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitEssentials makes a campaign from the essentials, lints it (exit
// 0, the pending languages as warnings) and builds it: only the first
// language is built until the others are translated.
func TestInitEssentials(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ocean")
	code, _, errs := runCLI(t, "init", dir, "--name", "World Ocean Day 2027", "--slug", "ocean-2027",
		"--languages", "en,fr,ar", "--day", "2027-06-08", "--theme", "community")
	if code != 0 {
		t.Fatalf("init: exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(filepath.Join(dir, "campaign.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	for _, want := range []string{
		"\nname: \"World Ocean Day 2027\"\n", "\nslug: ocean-2027 ", "\nday: 2027-06-08\n",
		"\nweek: {start: 2027-06-04, end: 2027-06-10}\n", "\nlanguages: [en, fr, ar]\n", "\npending: [fr, ar] ",
		"\ntheme: community\n", "#WorldOceanDay2027", "REPLACE",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("campaign.yaml lacks %q:\n%s", want, src)
		}
	}
	for _, demo := range []string{"Migrant", "migrant", "Guterres", "IOM", "2026", "UNESCO", "WHO"} {
		if strings.Contains(src, demo) {
			t.Errorf("campaign.yaml has the demo's %q", demo)
		}
	}
	logo, err := os.ReadFile(filepath.Join(dir, "logo.png"))
	demoLogo, _ := os.ReadFile("../../assets/demo/logo.png")
	if err != nil || len(logo) == 0 || string(logo) == string(demoLogo) {
		t.Errorf("logo.png: want a placeholder of its own (err %v)", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "photos")); err == nil {
		t.Error("init copied the demo's photos")
	}

	file := filepath.Join(dir, "campaign.yaml")
	code, out, errs := runCLI(t, "lint", "--campaign", file)
	if code != 0 {
		t.Fatalf("lint of the new campaign: exit %d:\n%s%s", code, out, errs)
	}
	for _, want := range []string{"warning: ", `missing translation in "fr", a pending language`, "pending, left out of builds: fr, ar"} {
		if !strings.Contains(out, want) {
			t.Errorf("lint output lacks %q:\n%s", want, out)
		}
	}
	dist := filepath.Join(t.TempDir(), "dist")
	if code, _, errs := runCLI(t, "build", "-q", "--campaign", file, "-o", dist, "--preset", "og"); code != 0 {
		t.Fatalf("build of the new campaign: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dist, "ocean-2027.partial", "cards", "en", "quote", "og.png")); err != nil {
		t.Errorf("the first language's card is not built: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dist, "ocean-2027.partial", "cards", "fr")); err == nil {
		t.Error("the pending language fr was built")
	}
}

func TestInitRefusesBadEssentials(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--day", "20 June"}, "--day: want a date such as 2027-06-20"},
		{[]string{"--languages", "en,xx-nope"}, "--languages"},
		{[]string{"--slug", "Not A Slug"}, "--slug: want lowercase letters"},
		{[]string{"--timezone", "Mars/Olympus"}, "--timezone: unknown time zone"},
		{[]string{"--theme", "no-such-theme"}, `--theme: unknown theme "no-such-theme"`},
	} {
		dir := filepath.Join(t.TempDir(), "new")
		code, _, errs := runCLI(t, append([]string{"init", dir}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("init %v: exit %d, %q; want 2 with %q", tc.args, code, errs, tc.want)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("init %v wrote %s", tc.args, dir)
		}
	}
}
