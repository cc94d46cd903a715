package caption_test

import (
	"fmt"

	"github.com/campaignkit/campaignkit/toolkit/caption"
)

func ExampleCount() {
	s := "Together 🇺🇳 移民日 https://www.un.org/en/observances/migrants-day"
	for _, platform := range []string{"x", "bluesky", "mastodon", "threads"} {
		fmt.Printf("%s: %d of %d\n", platform, caption.Count(platform, s), caption.Limit(platform))
	}
	// Output:
	// x: 42 of 280
	// bluesky: 61 of 300
	// mastodon: 38 of 500
	// threads: 62 of 500
}

func ExampleCheck() {
	err := caption.Check("x", "Twenty-three characters: https://example.org/a/path/longer/than/twenty-three/characters")
	fmt.Println(err)
	err = caption.Check("bluesky", string(make([]byte, 301)))
	fmt.Println(err)
	// Output:
	// <nil>
	// caption is too long for bluesky: 301 characters where 300 are allowed; shorten it by 1 or more
}
