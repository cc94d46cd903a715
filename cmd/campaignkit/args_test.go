package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestUnknownCommand: a mistyped command or subcommand exits 2 and names
// the nearest one, without printing the help.
func TestUnknownCommand(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"bulid"}, `unknown command "bulid"; did you mean "build"?`},
		{[]string{"lnit", "dir"}, `did you mean "init"?`},
		{[]string{"formast"}, `did you mean "formats"?`},
		{[]string{"sched", "plan"}, `did you mean "schedule"?`},
		{[]string{"--version", "serv"}, `did you mean "serve"?`},
		{[]string{"schedule", "exprot", "--ics"}, `unknown command "schedule exprot"; did you mean "schedule export"?`},
		{[]string{"queue", "shwo", "abcd"}, `did you mean "queue show"?`},
		{[]string{"queue", "retyr"}, `did you mean "queue retry"?`},
		{[]string{"zzzzzzzz"}, `did you mean "`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errs := runCLI(t, tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errs, tt.want) {
				t.Errorf("stderr %q lacks %q", errs, tt.want)
			}
			if out != "" {
				t.Errorf("printed %q to stdout, want nothing", out)
			}
		})
	}
	if got, want := editDistance("bulid", "build"), 2; got != want {
		t.Errorf("editDistance(bulid, build) = %d, want %d", got, want)
	}
	if code, out, _ := runCLI(t, "help", "schedule", "export"); code != 0 || !strings.Contains(out, "schedule export") {
		t.Errorf("help schedule export: exit %d, %q", code, out)
	}
}

// TestPrepareArgs: flags written after positional arguments are moved in
// front of them, each with its value; "--" keeps what follows positional.
func TestPrepareArgs(t *testing.T) {
	app := newApp(io.Discard, io.Discard)
	tests := []struct{ in, want string }{
		{"init DIR --name x", "init --name x DIR"},
		{"init DIR --name=x", "init --name=x DIR"},
		{"queue show ID --json", "queue show --json ID"},
		{"queue show ID -c c.yaml --state s", "queue show -c c.yaml --state s ID"},
		{"queue cancel ID --reason -5 --state s", "queue cancel --reason -5 --state s ID"},
		{"queue retry ID --state=s", "queue retry --state=s ID"},
		{"queue cancel --state s -- -ID", "queue cancel --state s -- -ID"},
		{"init -- --odd --name x", "init -- --odd --name x"},
		{"init - --name x", "init --name x -"},
		{"render --card q -o out.png --lang ar", "render --card q -o out.png --lang ar"},
		{"--version", "--version"},
		{"queue", "queue"},
		{"schedule export --ics -o f.ics", "schedule export --ics -o f.ics"},
	}
	for _, tt := range tests {
		got, err := prepareArgs(app, append([]string{"campaignkit"}, strings.Fields(tt.in)...))
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if want := append([]string{"campaignkit"}, strings.Fields(tt.want)...); !slices.Equal(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.in, got, want)
		}
	}
}

// TestFlagsAfterArguments runs commands with flags after their arguments:
// the flags take effect, and a stray argument or unknown flag is refused
// with exit 2 rather than ignored.
func TestFlagsAfterArguments(t *testing.T) {
	dir := t.TempDir()

	// init DIR --name NAME
	init := filepath.Join(dir, "new")
	if code, _, errs := runCLI(t, "init", init, "--name", "Día de Prueba"); code != 0 {
		t.Fatalf("init DIR --name: exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(filepath.Join(init, "campaign.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\nname: \"Día de Prueba\"\n", "\nslug: dia-de-prueba "} {
		if !strings.Contains(string(data), want) {
			t.Errorf("init DIR --name: campaign.yaml lacks %q", want)
		}
	}
	if code, _, errs := runCLI(t, "lint", "-c", filepath.Join(init, "campaign.yaml")); code != 0 {
		t.Errorf("lint of the new campaign: exit %d: %s", code, errs)
	}
	other := filepath.Join(dir, "other")
	if code, _, errs := runCLI(t, "init", other, "--nmae", "x"); code != 2 || !strings.Contains(errs, "nmae") {
		t.Errorf("init DIR --nmae: exit %d, %s; want 2 naming the flag", code, errs)
	}
	if _, err := os.Stat(other); err == nil {
		t.Error("init DIR --nmae wrote DIR")
	}

	// render STRAY --card ...: render takes no arguments
	out := filepath.Join(dir, "card.png")
	if code, _, errs := runCLI(t, "render", "card.png", "--card", "hashtag-community", "-o", out); code != 2 || !strings.Contains(errs, `render takes no arguments, got "card.png"`) {
		t.Errorf("render card.png --card: exit %d, %s", code, errs)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("render with a stray argument wrote a card")
	}

	// queue show/cancel/retry ID --flags
	path := writeCampaign(t, dir, schedCampaign, nil)
	state := filepath.Join(dir, "state")
	code, stdout, errs := runCLI(t, "queue", "add", "-c", path, "--state", state, "--at", "2026-12-15 10:30", "--channel", "mastodon", "--text", "Join us")
	if code != 0 {
		t.Fatalf("add: exit %d: %s", code, errs)
	}
	id := strings.Fields(stdout)[0]
	code, stdout, errs = runCLI(t, "queue", "show", id, "-c", path, "--state", state, "--json")
	var shown map[string]any
	if code != 0 || json.Unmarshal([]byte(stdout), &shown) != nil || shown["id"] != id {
		t.Errorf("queue show ID --json: exit %d, %s%s", code, stdout, errs)
	}
	code, stdout, errs = runCLI(t, "queue", "cancel", id, "-c", path, "--state", state, "--reason", "-- wrong day")
	if code != 0 || !strings.Contains(stdout, "cancelled") {
		t.Fatalf("queue cancel ID --reason: exit %d, %s%s", code, stdout, errs)
	}
	_, stdout, _ = runCLI(t, "queue", "show", id, "--json", "-c", path, "--state", state)
	if err := json.Unmarshal([]byte(stdout), &shown); err != nil || shown["reason"] != "-- wrong day" {
		t.Errorf("queue cancel ID --reason: the reason was not recorded (%v):\n%s", err, stdout)
	}
	if code, stdout, errs := runCLI(t, "queue", "retry", id, "-c", path, "--state", state); code != 0 || !strings.Contains(stdout, "due again") {
		t.Errorf("queue retry ID --state: exit %d, %s%s", code, stdout, errs)
	}
	if code, _, errs := runCLI(t, "queue", "retry", id, "-c", path, "--state", state, "--jsno"); code != 2 || !strings.Contains(errs, "jsno") {
		t.Errorf("queue retry ID --jsno: exit %d, %s; want 2 naming the flag", code, errs)
	}
}
