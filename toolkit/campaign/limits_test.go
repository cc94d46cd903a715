package campaign

import (
	"strings"
	"testing"
)

func TestLimitsPosts(t *testing.T) {
	for _, tc := range []struct {
		limits string
		want   int // 0: refused
	}{
		{"", DefaultMaxPosts},
		{"limits: {posts: 20000}\n", 20000},
		{"limits: {posts: 100000}\n", 100000},
		{"limits: {posts: -1}\n", 0},
		{"limits: {posts: 100001}\n", 0},
	} {
		c, ps := parse(t, base+tc.limits, nil)
		if tc.want == 0 {
			if len(ps) != 1 || ps[0].Field != "limits.posts" || ps[0].Line != strings.Count(base, "\n")+1 || !strings.Contains(ps[0].Msg, "from 1 to 100000") {
				t.Errorf("%q: got %s, want one problem at limits.posts", tc.limits, list(ps))
			}
			continue
		}
		if ps != nil {
			t.Errorf("%q: refused:\n%s", tc.limits, list(ps))
			continue
		}
		if got := c.MaxPosts(); got != tc.want {
			t.Errorf("%q: MaxPosts %d, want %d", tc.limits, got, tc.want)
		}
	}
}
