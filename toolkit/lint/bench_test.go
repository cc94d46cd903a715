package lint

import (
	"context"
	"io/fs"
	"testing"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

// BenchmarkDemo lints the demo campaign: every check, every card laid out
// in every language and size.
func BenchmarkDemo(b *testing.B) {
	c, err := campaign.Load(assets.Demo, assets.DemoFile)
	if err != nil {
		b.Fatal(err)
	}
	in := Input{Campaign: c, FS: assets.Demo, Themes: func(name string) (*theme.Theme, fs.FS, error) {
		th, err := theme.Load(assets.Themes, name)
		return th, assets.Themes, err
	}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}
