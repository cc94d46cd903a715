package campaign

import (
	"strings"
	"testing"
)

func TestHashtagWords(t *testing.T) {
	tests := []struct {
		tag  string
		want string // words joined by spaces; "" for no problem
	}{
		{"#ItTakesACommunity", ""},
		{"#MigrantsDay", ""},
		{"#ittakesacommunity", "it takes a community"},
		{"#MIGRANTSDAY", "migrants day"},
		{"#migrantsday", "migrants day"},
		{"#migrantsday2026", "migrants day 2026"},
		{"#Migrantsday", "migrants day"},
		{"#iamamigrant", "i am a migrant"},
		{"#migration", ""},
		{"#everyone", ""},
		{"#Refugees", ""},
		{"#sustainability", ""}, // not made of common words: no guess
		{"#移民", ""},
		{"#مهاجرون", ""},
		{"#деньмигрантов", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(HashtagWords(tt.tag), " "); got != tt.want {
			t.Errorf("HashtagWords(%s) = %q, want %q", tt.tag, got, tt.want)
		}
	}
	if got := CamelCase([]string{"it", "takes", "a", "community"}); got != "#ItTakesACommunity" {
		t.Errorf("CamelCase = %s", got)
	}
}

func TestHashtagProblems(t *testing.T) {
	src := strings.NewReplacer(
		`hashtags: ["#TestDay"]`, `hashtags: ["#TestDay", "#migrantsday"]`,
		"text: {en: Hi, ar: أهلا}", "text: {en: \"Hi #ittakesacommunity\", ar: أهلا}",
	).Replace(base)
	c, ps := parse(t, src, nil)
	if ps != nil {
		t.Fatalf("setup: %v", ps)
	}
	got := c.HashtagProblems()
	want := map[string]int{"hashtags[1]": 9, "posts[0].text.en": 28}
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(got), len(want), list(got))
	}
	for _, p := range got {
		if line, ok := want[p.Field]; !ok || p.Line != line {
			t.Errorf("unexpected %v (want lines %v)", p, want)
		}
		if !strings.Contains(p.Msg, "#MigrantsDay") && !strings.Contains(p.Msg, "#ItTakesACommunity") {
			t.Errorf("%v: does not suggest the CamelCase form", p)
		}
	}
}
