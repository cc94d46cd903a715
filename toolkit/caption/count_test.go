package caption

import (
	"errors"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

const (
	family   = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466"             // 👨‍👩‍👧‍👦, 7 code points
	flag     = "\U0001F1FA\U0001F1F3"                                                   // 🇺🇳, 2 regional indicators
	thumbs   = "\U0001F44D\U0001F3FD"                                                   // 👍🏽, with a skin tone
	keycap   = "1\uFE0F\u20E3"                                                          // 1️⃣
	heart    = "\u2764\uFE0F"                                                           // ❤️
	england  = "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F" // 🏴 and tag characters
	coder    = "\U0001F469\U0001F3FD\u200D\U0001F4BB"                                   // 👩🏽‍💻, ZWJ after a skin tone
	arabic   = "مَرْحَبًا"                                                              // 5 letters, 4 diacritics
	cafeNFC  = "caf\u00e9"
	cafeNFD  = "cafe\u0301"
	longLink = "https://www.example.org/a/rather/long/path/to/a/page?with=query"
)

func TestCount(t *testing.T) {
	tests := []struct {
		platform, s string
		want        int
	}{
		{"x", "hello", 5},
		{"x", longLink, 23},
		{"x", "see " + longLink + ".", 4 + 23 + 1},
		{"x", "go to www.un.org/en now", 6 + 23 + 4},
		{"x", "visit un.org", 6 + 23},
		{"x", "mail info@un.org", 16},
		{"x", "你好", 4},
		{"x", "你好，世界", 10},
		{"x", family, 2},
		{"x", flag, 2},
		{"x", thumbs, 2},
		{"x", keycap, 2},
		{"x", heart, 2},
		{"x", england, 2},
		{"x", coder, 2},
		{"x", "\U0001F30D", 2},
		{"x", "hi " + family + flag, 3 + 2 + 2},
		{"x", "\U0001F389" + family + family, 2 + 2 + 2},
		{"x", arabic, 9},
		{"x", cafeNFC, 4},
		{"x", cafeNFD, 4},
		{"x", "“quoted”", 8},
		{"x", "…", 2},
		{"x", "Привет", 6},
		{"x", "", 0},

		{"bluesky", "hello", 5},
		{"bluesky", "https://example.org", 19},
		{"bluesky", "你好", 2},
		{"bluesky", family, 1},
		{"bluesky", flag, 1},
		{"bluesky", flag + flag + flag, 3},
		{"bluesky", "\U0001F389" + family + family + thumbs, 4},
		{"bluesky", thumbs, 1},
		{"bluesky", keycap, 1},
		{"bluesky", england, 1},
		{"bluesky", coder, 1},
		{"bluesky", arabic, 5},
		{"bluesky", cafeNFC, 4},
		{"bluesky", cafeNFD, 4},

		{"mastodon", "hello", 5},
		{"mastodon", longLink, 23},
		{"mastodon", "read " + longLink + ", then share", 5 + 23 + 12},
		{"mastodon", "www.un.org", 10},
		{"mastodon", "thanks @IOM@mastodon.social!", 7 + 4 + 1},
		{"mastodon", "thanks @iom", 11},
		{"mastodon", "mail info@un.org", 16},
		{"mastodon", "你好", 2},
		{"mastodon", family, 1},
		{"mastodon", flag, 1},
		{"mastodon", thumbs, 1},
		{"mastodon", england + coder, 2},
		{"mastodon", arabic, 5},
		{"mastodon", cafeNFD, 4},

		{"threads", "hello", 5},
		{"threads", family, 7},
		{"threads", flag, 2},
		{"threads", thumbs, 2},
		{"threads", "你好", 2},
		{"threads", arabic, 9},
		{"threads", cafeNFC, 4},
		{"threads", cafeNFD, 5},
		{"threads", "https://example.org", 19},
		{"linkedin", family, 7},
		{"instagram", cafeNFD, 5},
		{"facebook", "你好", 2},
	}
	for _, tt := range tests {
		if got := Count(tt.platform, tt.s); got != tt.want {
			t.Errorf("Count(%q, %q) = %d, want %d", tt.platform, tt.s, got, tt.want)
		}
	}
}

func TestCheckLimits(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		platform, s string
		count       int
		over        bool
	}{
		{"x", a(280), 280, false},
		{"x", a(281), 281, true},
		{"x", strings.Repeat("字", 140), 280, false},
		{"x", strings.Repeat("字", 140) + "a", 281, true},
		{"x", a(256) + " " + longLink, 280, false},
		{"x", a(257) + " " + longLink, 281, true},
		{"x", strings.Repeat(family, 140), 280, false},
		{"x", strings.Repeat(family, 140) + ".", 281, true},
		{"bluesky", a(300), 300, false},
		{"bluesky", a(301), 301, true},
		{"bluesky", strings.Repeat(flag, 300), 300, false},
		{"bluesky", strings.Repeat(flag, 301), 301, true},
		{"mastodon", a(476) + " " + longLink, 500, false},
		{"mastodon", a(477) + " " + longLink, 501, true},
		{"mastodon", a(500), 500, false},
		{"mastodon", a(501), 501, true},
		{"threads", a(500), 500, false},
		{"threads", a(501), 501, true},
		{"linkedin", a(3000), 3000, false},
		{"linkedin", a(3001), 3001, true},
		{"instagram", a(2200), 2200, false},
		{"instagram", a(2201), 2201, true},
		{"facebook", a(63206), 63206, false},
		{"facebook", a(63207), 63207, true},
	}
	for _, tt := range tests {
		if got := Count(tt.platform, tt.s); got != tt.count {
			t.Errorf("Count(%s, %d bytes) = %d, want %d", tt.platform, len(tt.s), got, tt.count)
		}
		err := Check(tt.platform, tt.s)
		var le *LimitError
		if got := errors.As(err, &le); got != tt.over {
			t.Errorf("Check(%s, %d bytes) = %v, want over %v", tt.platform, len(tt.s), err, tt.over)
			continue
		}
		if tt.over && (le.Platform != tt.platform || le.Count != tt.count || le.Limit != Limit(tt.platform) || !le.TooLong()) {
			t.Errorf("Check(%s, %d bytes): got %+v", tt.platform, len(tt.s), le)
		}
	}
}

func TestLimit(t *testing.T) {
	want := map[string]int{"x": 280, "bluesky": 300, "mastodon": 500, "threads": 500, "linkedin": 3000, "instagram": 2200, "facebook": 63206}
	for _, p := range campaign.Platforms {
		if got := Limit(p); got != want[p] {
			t.Errorf("Limit(%q) = %d, want %d", p, got, want[p])
		}
	}
	if got := Limit("myspace"); got != 0 {
		t.Errorf("Limit(myspace) = %d, want 0", got)
	}
	err := Check("myspace", "hi")
	if err == nil || !strings.Contains(err.Error(), `unknown platform "myspace"`) {
		t.Errorf("Check(myspace): got %v, want an unknown platform error", err)
	}
	var le *LimitError
	if errors.As(err, &le) {
		t.Errorf("Check(myspace): got a *LimitError, want another error")
	}
}

func TestInstagramHashtags(t *testing.T) {
	tags := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(" #tag")
			b.WriteByte(byte('a' + i/26))
			b.WriteByte(byte('a' + i%26))
		}
		return "Caption" + b.String()
	}
	tests := []struct {
		name     string
		s        string
		hashtags int
		over     bool
	}{
		{"30 hashtags", tags(30), 30, false},
		{"31 hashtags", tags(31), 31, true},
		{"numbers are not hashtags", tags(30) + " #1 #2026", 30, false},
		{"link fragments are not hashtags", tags(30) + " https://example.org/#section", 30, false},
		{"inside a word", tags(30) + " C#sharp", 30, false},
		{"non-Latin", tags(29) + " #يوم_المهاجرين #移民日", 31, true},
	}
	for _, tt := range tests {
		if got := HashtagCount(tt.s); got != tt.hashtags {
			t.Errorf("%s: HashtagCount = %d, want %d", tt.name, got, tt.hashtags)
		}
		err := Check("instagram", tt.s)
		var le *LimitError
		if got := errors.As(err, &le); got != tt.over {
			t.Errorf("%s: Check = %v, want over %v", tt.name, err, tt.over)
			continue
		}
		if tt.over && (le.Hashtags != tt.hashtags || le.MaxHashtags != 30 || le.TooLong() || !le.TooManyHashtags()) {
			t.Errorf("%s: got %+v", tt.name, le)
		}
	}
	// other platforms do not count hashtags
	if err := Check("x", tags(31)[:200]); err != nil {
		t.Errorf("x with many hashtags: got %v, want nil", err)
	}
}

func TestLimitErrorMessage(t *testing.T) {
	tests := []struct {
		err  *LimitError
		want string
	}{
		{&LimitError{Platform: "x", Count: 300, Limit: 280},
			"caption is too long for x: 300 weighted characters (a link counts 23, CJK characters and emoji 2) where 280 are allowed; shorten it by 20 or more"},
		{&LimitError{Platform: "bluesky", Count: 301, Limit: 300},
			"caption is too long for bluesky: 301 characters where 300 are allowed; shorten it by 1 or more"},
		{&LimitError{Platform: "instagram", Count: 100, Limit: 2200, Hashtags: 33, MaxHashtags: 30},
			"caption has 33 hashtags where instagram allows 30; remove 3 or more"},
		{&LimitError{Platform: "instagram", Count: 2300, Limit: 2200, Hashtags: 31, MaxHashtags: 30},
			"caption is too long for instagram: 2300 characters where 2200 are allowed; shorten it by 100 or more, and has 31 hashtags where instagram allows 30; remove 1 or more"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}
