package bundle

import (
	"context"
	"io/fs"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/theme"
)

func demoBuildOptions(b *testing.B, dir string) Options { return demoBuildOptionsT(b, dir) }

func demoBuildOptionsT(b testing.TB, dir string) Options {
	b.Helper()
	c, err := campaign.Load(assets.Demo, assets.DemoFile)
	if err != nil {
		b.Fatal(err)
	}
	return Options{
		CardOptions: CardOptions{Campaign: c, CampaignFS: assets.Demo, Themes: func(name string) (*theme.Theme, fs.FS, error) {
			th, err := theme.Load(assets.Themes, name)
			return th, assets.Themes, err
		}},
		Dir: dir, Theme: c.Theme,
	}
}

// BenchmarkNoopRebuild rebuilds the whole demo bundle (816 images, zips,
// pages) when nothing changed: everything is reused from the last build.
func BenchmarkNoopRebuild(b *testing.B) {
	o := demoBuildOptions(b, b.TempDir())
	if _, _, err := Build(context.Background(), o); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_, st, err := Build(context.Background(), o)
		if err != nil {
			b.Fatal(err)
		}
		if st.Rendered != 0 {
			b.Fatalf("rendered %d images on a rebuild with nothing changed", st.Rendered)
		}
	}
}

// BenchmarkBuild builds the whole demo bundle (816 images, zips, pages)
// from nothing, into a fresh folder each time: the cold build.
func BenchmarkBuild(b *testing.B) {
	root := b.TempDir()
	n := 0
	for b.Loop() {
		n++
		o := demoBuildOptions(b, filepath.Join(root, strconv.Itoa(n)))
		_, st, err := Build(context.Background(), o)
		if err != nil {
			b.Fatal(err)
		}
		if st.Reused != 0 {
			b.Fatalf("reused %d images on a cold build", st.Reused)
		}
		b.ReportMetric(float64(st.Rendered), "images/op")
	}
}
