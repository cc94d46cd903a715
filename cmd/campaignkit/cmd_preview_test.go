package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const previewCampaign = `name: Preview Command Test
slug: preview-cmd
title: {en: Test Day}
day: 2026-12-18
week: {start: 2026-12-17, end: 2026-12-18}
timezone: Europe/London
languages: [en]
theme: un-blue
hashtags: ["#TestDay"]
cards:
  - id: q
    kind: quote
    quote: {en: "QUOTE"}
    speaker: {en: Ana}
    role: {en: Organiser}
`

var previewing = regexp.MustCompile(`previewing on (http://127\.0\.0\.1:\d+)/`)

// previewState is the part of /state.json the test reads.
type previewState struct {
	Status string `json:"status"`
	Cards  []struct {
		ID    string `json:"id"`
		Langs []struct {
			Images []struct {
				URL string `json:"url"`
			} `json:"images"`
			Captions []struct {
				Text string `json:"text"`
			} `json:"captions"`
		} `json:"languages"`
	} `json:"cards"`
}

// TestPreview runs `campaignkit preview` on a campaign file, edits it and
// sees the page's state follow, then stops it as Ctrl-C does.
func TestPreview(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "campaign.yaml")
	write := func(quote string) {
		tmp := file + ".tmp"
		if err := os.WriteFile(tmp, []byte(strings.Replace(previewCampaign, "QUOTE", quote, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, file); err != nil {
			t.Fatal(err)
		}
	}
	write("Every one of us can play a part.")
	c := startCommand(t, nil, "preview", "-c", file, "--addr", "127.0.0.1:0", "--preset", "x")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	line := c.out.waitFor(t, ctx, "saying where preview listens", previewing.MatchString)
	base := previewing.FindStringSubmatch(line)[1]

	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := bufio.NewScanner(resp.Body)
	// waitState reads events until the state satisfies ok
	waitState := func(what string, ok func(previewState) bool) previewState {
		t.Helper()
		for events.Scan() {
			if !strings.HasPrefix(events.Text(), "data: ") {
				continue
			}
			r, err := http.Get(base + "/state.json")
			if err != nil {
				t.Fatal(err)
			}
			var st previewState
			err = json.NewDecoder(r.Body).Decode(&st)
			r.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if ok(st) {
				return st
			}
		}
		t.Fatalf("event stream ended before %s: %v; log:\n%s", what, events.Err(), c.log)
		return previewState{}
	}
	url := func(st previewState) string {
		if len(st.Cards) == 0 || len(st.Cards[0].Langs) == 0 || len(st.Cards[0].Langs[0].Images) == 0 {
			return ""
		}
		return st.Cards[0].Langs[0].Images[0].URL
	}
	caption := func(st previewState) string {
		if len(st.Cards) == 0 || len(st.Cards[0].Langs) == 0 || len(st.Cards[0].Langs[0].Captions) == 0 {
			return ""
		}
		return st.Cards[0].Langs[0].Captions[0].Text
	}
	first := waitState("the card drawn", func(st previewState) bool { return st.Status == "ready" && url(st) != "" })
	img, err := http.Get(base + url(first))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(img.Body)
	img.Body.Close()
	if img.StatusCode != 200 || img.Header.Get("Content-Type") != "image/png" || len(data) == 0 {
		t.Errorf("GET %s: %d %s, %d bytes", url(first), img.StatusCode, img.Header.Get("Content-Type"), len(data))
	}

	write("Together we are stronger.")
	second := waitState("the edit shown", func(st previewState) bool {
		return st.Status == "ready" && strings.Contains(caption(st), "Together we are stronger.")
	})
	if url(second) == url(first) || url(second) == "" {
		t.Errorf("after the edit the image is %q, want a new one (was %q)", url(second), url(first))
	}
	c.stop(t, 15*time.Second)
}

func TestPreviewRefuses(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--addr", "0.0.0.0:8090"}, "loopback address only"},
		{[]string{"--addr", "127.0.0.1:0", "--preset", "poster"}, `--preset "poster": no such size`},
	}
	for _, tt := range tests {
		var stderr strings.Builder
		code := run(context.Background(), append([]string{"campaignkit", "preview"}, tt.args...), io.Discard, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("preview %v: exit %d, %q; want 2 and %q", tt.args, code, stderr.String(), tt.want)
		}
	}
}
