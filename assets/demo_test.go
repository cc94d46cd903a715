package assets_test

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/campaignkit/campaignkit/assets"
	"github.com/campaignkit/campaignkit/assets/art"
	"github.com/campaignkit/campaignkit/schedules"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

func loadDemo(t *testing.T) *campaign.Campaign {
	t.Helper()
	c, err := campaign.Load(assets.Demo, assets.DemoFile)
	if err != nil {
		t.Fatalf("the embedded demo does not load: %v", err)
	}
	return c
}

// The demo is what a first-time user sees: it must have every card kind the
// issue promises, in the six UN languages.
func TestDemoContent(t *testing.T) {
	c := loadDemo(t)
	if got, want := strings.Join(c.Languages, " "), "en fr es ar zh ru"; got != want {
		t.Errorf("languages %q, want %q", got, want)
	}
	count := map[campaign.Kind]int{}
	for _, card := range c.Cards {
		count[card.Kind]++
	}
	for kind, min := range map[campaign.Kind]int{campaign.Hashtag: 2, campaign.Quote: 3, campaign.Stat: 3, campaign.Story: 2, campaign.Countdown: 1} {
		if count[kind] < min {
			t.Errorf("%d %s cards, want at least %d", count[kind], kind, min)
		}
	}
	speakers := map[string]bool{}
	for _, card := range c.Cards {
		if card.Kind == campaign.Quote {
			speakers[card.Speaker["en"]] = true
		}
		if card.Kind == campaign.Stat && !strings.Contains(card.Source["en"], "WHO") {
			t.Errorf("stat card %s: source %q does not name its source", card.ID, card.Source["en"])
		}
	}
	for _, s := range []string{"António Guterres", "António Vitorino", "Audrey Azoulay"} {
		if !speakers[s] {
			t.Errorf("no quote card by %s", s)
		}
	}
	var countdown []campaign.Card
	for _, card := range c.ExpandedCards() {
		if card.Base == "countdown" {
			countdown = append(countdown, card)
		}
	}
	if len(countdown) != 7 {
		t.Fatalf("countdown expands to %d cards, want 7 (one per day of campaign week)", len(countdown))
	}
	if len(c.Posts) < 8 {
		t.Errorf("%d posts, want a campaign week of posts", len(c.Posts))
	}
	if c.Schedule == "" {
		t.Error("the demo names no schedule; `campaignkit run` on it would have nothing recurring")
	} else if _, err := fs.Stat(schedules.FS, c.Schedule+".yaml"); err != nil {
		t.Errorf("schedule %q: %v", c.Schedule, err)
	}
}

// Countdown phrases follow each language's plural rules.
func TestDemoCountdownPlurals(t *testing.T) {
	c := loadDemo(t)
	cards := map[int]campaign.Card{}
	for _, card := range c.ExpandedCards() {
		if card.Base == "countdown" {
			cards[card.Days] = card
		}
	}
	tests := []struct {
		lang string
		days int
		want string
	}{
		{"en", 1, "1 day to"},
		{"en", 3, "3 days to"},
		{"en", 0, "Today is International Migrants Day"},
		{"fr", 1, "Plus que 1 jour avant"},
		{"fr", 2, "Plus que 2 jours avant"},
		{"es", 1, "Falta 1 día"},
		{"es", 5, "Faltan 5 días"},
		{"ru", 1, "остался 1 день"},
		{"ru", 3, "осталось 3 дня"},
		{"ru", 5, "осталось 5 дней"},
		{"ar", 1, "بقي يوم واحد"},
		{"ar", 2, "بقي يومان"},
		{"ar", 4, "بقيت 4 أيام"},
		{"zh", 6, "还有6天"},
	}
	for _, tt := range tests {
		card, ok := cards[tt.days]
		if !ok {
			t.Fatalf("no countdown card for %d days", tt.days)
		}
		if got := c.CountdownText(card, tt.lang); !strings.Contains(got, tt.want) {
			t.Errorf("%s, %d days: %q, want it to contain %q", tt.lang, tt.days, got, tt.want)
		}
	}
}

// The material the demo is built from has personal e-mail addresses; none
// may reach the demo.
func TestDemoHasNoContactDetails(t *testing.T) {
	// a fediverse handle (@user@server) is not an address; user@host is
	email := regexp.MustCompile(`(?:^|[^@\w.%+-])([\w.%+-]+@[\w-]+\.[A-Za-z]{2,})`)
	err := fs.WalkDir(assets.Demo, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		data, err := fs.ReadFile(assets.Demo, p)
		if err != nil {
			return err
		}
		if m := email.FindSubmatch(data); m != nil {
			t.Errorf("%s holds an e-mail address %q", p, m[1])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The committed artwork is exactly what package art draws, so nobody can
// swap in a downloaded photo unnoticed and the generator stays the source.
func TestArtworkMatchesGenerator(t *testing.T) {
	for name, draw := range art.Files {
		want, err := draw()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		data, err := fs.ReadFile(assets.Demo, name)
		if err != nil {
			t.Fatalf("%s: %v (run `go run ./assets/art/gen`)", name, err)
		}
		got, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d := maxDiff(nrgba(got), nrgba(want)); d > 0 {
			t.Errorf("%s differs from the generator by up to %d levels: run `go run ./assets/art/gen`", name, d)
		}
	}
}

// nrgba converts as the PNG encoder does, so that partly transparent
// pixels compare exactly.
func nrgba(img image.Image) *image.NRGBA {
	out := image.NewNRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	return out
}

func maxDiff(a, b *image.NRGBA) int {
	if a.Bounds() != b.Bounds() {
		return 256
	}
	worst := 0
	for i := range a.Pix {
		d := int(a.Pix[i]) - int(b.Pix[i])
		if d < 0 {
			d = -d
		}
		worst = max(worst, d)
	}
	return worst
}
