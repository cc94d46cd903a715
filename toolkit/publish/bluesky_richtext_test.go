package publish

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestDetectSpans(t *testing.T) {
	tests := []struct {
		text string
		want []string // kind:value@start-end
	}{
		{"Hello #MigrantsDay", []string{"tag:MigrantsDay@6-18"}},
		{"#first word", []string{"tag:first@0-6"}},
		{"Ends with a tag #IMD2026.", []string{"tag:IMD2026@16-24"}},
		{"🌍 #MigrantsDay", []string{"tag:MigrantsDay@5-17"}},      // the globe is 4 bytes
		{"Día del #Migrante", []string{"tag:Migrante@9-18"}},      // í is 2 bytes
		{"#DíaDelMigrante!", []string{"tag:DíaDelMigrante@0-16"}}, // í inside the tag
		{"日本語 #移民の日", []string{"tag:移民の日@10-23"}},                 // 3-byte runes
		{"Fullwidth ＃タグ", []string{"tag:タグ@10-19"}},               // ＃ is 3 bytes
		{"Number #1 and #2026", nil},                              // digits only: not tags
		{"no#tag here", nil},                                      // not after a space
		{"keycap #️⃣ here", nil},                                  // emoji, not a tag
		{"a lone # here", nil},
		{"Read https://un.org/migrants.", []string{"link:https://un.org/migrants@5-28"}},
		{"(see https://example.org/a_(b))", []string{"link:https://example.org/a_(b)@5-30"}},
		{"(see https://example.org/x)", []string{"link:https://example.org/x@5-26"}},
		{"http:// is not a link", nil},
		{"https://x.org/#frag #tag", []string{"link:https://x.org/#frag@0-19", "tag:tag@20-24"}},
		{"Thanks @iom.int and @unhcr.org.", []string{"mention:iom.int@7-15", "mention:unhcr.org@20-30"}},
		{"mail me at a@b.org", nil},
		{"@nodot is not a handle", nil},
		{"(@Poster.Test)", []string{"mention:poster.test@1-13"}},
		{"@x.123 bad tld", nil},
	}
	kinds := map[facetKind]string{facetTag: "tag", facetLink: "link", facetMention: "mention"}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			var got []string
			for _, s := range detectSpans(tt.text) {
				got = append(got, fmt.Sprintf("%s:%s@%d-%d", kinds[s.Kind], s.Value, s.Start, s.End))
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestGraphemeCount(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"e\u0301", 1}, // e + combining acute
		{"👩‍👩‍👧‍👦", 1}, // family: ZWJ sequence
		{"🇺🇳", 1},      // flag: regional indicator pair
		{"✊🏽", 1},      // skin tone modifier
		{"移民の日", 4},
		{"👧👩‍💻", 2}, // ZWJ sequence right after an emoji
		{"👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧", 3},
		{"a‍", 1},
		{strings.Repeat("é", 300), 300},
	}
	for _, tt := range tests {
		if got := graphemeCount(tt.text); got != tt.want {
			t.Errorf("graphemeCount(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func TestBlueskyRecordKey(t *testing.T) {
	tid := regexp.MustCompile(`^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$`)
	at := time.Date(2026, 12, 18, 9, 0, 0, 0, time.UTC)
	seen := map[string]string{}
	for i := 0; i < 200; i++ {
		p := Post{ID: fmt.Sprintf("migrants-day-%d-bluesky-en", i), At: at}
		k := BlueskyRecordKey(p)
		if !tid.MatchString(k) {
			t.Fatalf("BlueskyRecordKey(%q) = %q, not a valid TID", p.ID, k)
		}
		if k != BlueskyRecordKey(p) {
			t.Fatalf("BlueskyRecordKey(%q) is not stable", p.ID)
		}
		if other, dup := seen[k]; dup {
			t.Fatalf("posts %q and %q share key %q", other, p.ID, k)
		}
		seen[k] = p.ID
		micros := decodeTID(t, k) >> 10
		if got := time.UnixMicro(int64(micros)); got.Before(at) || !got.Before(at.Add(time.Second)) {
			t.Errorf("key %q has time %v, want within a second after %v", k, got, at)
		}
	}
	if k := BlueskyRecordKey(Post{ID: "ad-hoc"}); !tid.MatchString(k) {
		t.Errorf("key without a time = %q, not a valid TID", k)
	}
}

func decodeTID(t *testing.T, s string) uint64 {
	t.Helper()
	var v uint64
	for _, c := range s {
		i := strings.IndexRune(s32Alphabet, c)
		if i < 0 {
			t.Fatalf("%q: bad character %q", s, c)
		}
		v = v<<5 | uint64(i)
	}
	return v
}
