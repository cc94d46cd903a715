package caption

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

func date(d int) campaign.Date {
	return campaign.Date{Time: time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC)}
}

// testCampaign has one card of each kind, in the six languages Alt has
// sentences for plus German.
func testCampaign() *campaign.Campaign {
	all := func(en, fr, es, ar, zh, ru, de string) campaign.Text {
		return campaign.Text{"en": en, "fr": fr, "es": es, "ar": ar, "zh": zh, "ru": ru, "de": de}
	}
	return &campaign.Campaign{
		Name:      "Test",
		Slug:      "test",
		Title:     all("Test Day", "Journée test", "Día de prueba", "يوم الاختبار", "测试日", "День теста", "Testtag"),
		Tagline:   all("Together", "Ensemble", "Juntos", "معًا", "携手", "Вместе", "Gemeinsam"),
		Day:       date(18),
		Week:      campaign.Week{Start: date(16), End: date(18)},
		Languages: []string{"en", "fr", "es", "ar", "zh", "ru", "de"},
		Hashtags:  []string{"#TestDay", "#Together"},
		Handles:   map[string]string{"x": "@test", "mastodon": "@test@example.social", "instagram": "testgram"},
		Links:     map[string]string{"site": "https://example.org/day/"},
		Cards: []campaign.Card{
			{ID: "tag", Kind: campaign.Hashtag, Tag: all("#TestDay", "#TestDay", "#TestDay", "#TestDay", "#TestDay", "#TestDay", "#TestDay"),
				Text: all("Every one of us counts.", "Chacun compte.", "Cada persona cuenta.", "كلّ واحد منّا مهمّ.", "每个人都重要。", "Важен каждый.", "Jede und jeder zählt.")},
			{ID: "quote", Kind: campaign.Quote,
				Quote:   all("We are stronger together", "Ensemble, nous sommes plus forts", "Juntos somos más fuertes", "معًا نحن أقوى", "团结让我们更强大", "Вместе мы сильнее", "Gemeinsam sind wir stärker"),
				Speaker: all("Ana Lima", "Ana Lima", "Ana Lima", "آنا ليما", "安娜·利马", "Ана Лима", "Ana Lima"),
				Role:    all("Mayor", "Maire", "Alcaldesa", "رئيسة البلدية", "市长", "Мэр", "Bürgermeisterin")},
			{ID: "stat", Kind: campaign.Stat,
				Figure: all("12 million", "12 millions", "12 millones", "12 مليون", "1200万", "12 млн", "12 Millionen"),
				Label:  all("people moved this year", "de personnes se sont déplacées cette année", "de personas se desplazaron este año", "شخص انتقلوا هذا العام", "人今年迁移", "человек переехали в этом году", "Menschen sind dieses Jahr umgezogen"),
				Source: all("Source: Test Office", "Source : Bureau test", "Fuente: Oficina de prueba", "المصدر: مكتب الاختبار", "来源：测试办公室", "Источник: тестовое бюро", "Quelle: Testamt")},
			{ID: "story", Kind: campaign.Story, Photo: "photo.png",
				Name:  all("Sam, teacher", "Sam, enseignant", "Sam, maestro", "سام، معلّم", "萨姆，教师", "Сэм, учитель", "Sam, Lehrer"),
				Quote: all("I teach the children of my street 📚", "J’enseigne aux enfants de ma rue 📚", "Enseño a los niños de mi calle 📚", "أعلّم أطفال شارعي 📚", "我教我这条街上的孩子 📚", "Я учу детей с моей улицы 📚", "Ich unterrichte die Kinder meiner Straße 📚")},
			{ID: "countdown", Kind: campaign.Countdown,
				Phrase: campaign.Plural{
					"en": {"one": "{n} day to Test Day", "other": "{n} days to Test Day"},
					"fr": {"one": "Plus que {n} jour avant la Journée test", "other": "Plus que {n} jours avant la Journée test"},
					"es": {"one": "Falta {n} día para el Día de prueba", "other": "Faltan {n} días para el Día de prueba"},
					"ar": {"one": "بقي يوم واحد على يوم الاختبار", "two": "بقي يومان على يوم الاختبار", "few": "بقيت {n} أيام على يوم الاختبار", "many": "بقي {n} يومًا على يوم الاختبار", "other": "بقي {n} يوم على يوم الاختبار"},
					"zh": {"other": "距测试日还有{n}天"},
					"ru": {"one": "До Дня теста остался {n} день", "few": "До Дня теста осталось {n} дня", "many": "До Дня теста осталось {n} дней"},
					"de": {"one": "Noch {n} Tag bis zum Testtag", "other": "Noch {n} Tage bis zum Testtag"},
				},
				Today: all("Today is Test Day", "C’est aujourd’hui la Journée test", "Hoy es el Día de prueba", "اليوم هو يوم الاختبار", "今天是测试日", "Сегодня День теста", "Heute ist Testtag")},
		},
	}
}

// buildCase is a caption Build must write: post in lang on platform.
type buildCase struct {
	name           string
	post           campaign.Post
	lang, platform string
	want           string
}

// checkBuilds builds every case twice: the caption must be the one wanted,
// and the same both times.
func checkBuilds(t *testing.T, c *campaign.Campaign, tests []buildCase) {
	t.Helper()
	for _, tt := range tests {
		got, err := Build(c, tt.post, tt.lang, tt.platform)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s:\ngot  %q\nwant %q", tt.name, got, tt.want)
		}
		if again, _ := Build(c, tt.post, tt.lang, tt.platform); again != got {
			t.Errorf("%s: not deterministic: %q, then %q", tt.name, got, again)
		}
	}
}

func TestBuild(t *testing.T) {
	c := testCampaign()
	post := campaign.Post{
		ID:   "hello",
		Card: "tag",
		Link: "site",
		Text: campaign.Text{"en": "Hello #testday", "fr": "Bonjour", "zh": "你好 @TEST"},
		Overrides: map[string]campaign.Text{
			"mastodon": {"en": "Short one #TestDay #Together"},
		},
	}
	noLink := post
	noLink.Link = ""
	handled := post
	handled.Text = campaign.Text{"en": "Thanks @Test! and @testing"}
	checkBuilds(t, c, []buildCase{
		{"hashtag already in the text is not repeated", post, "en", "x",
			"Hello #testday\n\n#Together\n\n@test\n\nhttps://example.org/day/"},
		{"no handle on bluesky", post, "en", "bluesky",
			"Hello #testday\n\n#Together\n\nhttps://example.org/day/"},
		{"override replaces the text", post, "en", "mastodon",
			"Short one #TestDay #Together\n\n@test@example.social\n\nhttps://example.org/day/"},
		{"override only on its platform", post, "en", "threads",
			"Hello #testday\n\n#Together\n\nhttps://example.org/day/"},
		{"handle without @, link in bio", post, "en", "instagram",
			"Hello #testday\n\n#Together\n\n@testgram\n\nLink in bio: example.org/day"},
		{"link in bio in French", post, "fr", "instagram",
			"Bonjour\n\n#TestDay #Together\n\n@testgram\n\nLien dans la bio\u00a0: example.org/day"},
		{"link in bio in Chinese", post, "zh", "instagram",
			"你好 @TEST\n\n#TestDay #Together\n\n@testgram\n\n链接见主页简介：example.org/day"},
		{"handle already mentioned", post, "zh", "x",
			"你好 @TEST\n\n#TestDay #Together\n\nhttps://example.org/day/"},
		{"handle mentioned, not a longer one", handled, "en", "x",
			"Thanks @Test! and @testing\n\n#TestDay #Together\n\nhttps://example.org/day/"},
		{"no link", noLink, "fr", "x",
			"Bonjour\n\n#TestDay #Together\n\n@test"},
		{"outbox: no handle, no limit", post, "fr", "outbox",
			"Bonjour\n\n#TestDay #Together\n\nhttps://example.org/day/"},
	})
}

func TestBuildErrors(t *testing.T) {
	c := testCampaign()
	long := campaign.Post{ID: "long", Link: "site", Text: campaign.Text{"en": strings.Repeat("word ", 60)}}
	tests := []struct {
		name           string
		post           campaign.Post
		lang, platform string
		want           string // in the message
		limit          bool   // wraps a *LimitError
	}{
		{"over the limit", long, "en", "x", `post "long" in "en" on x: caption is too long for x: 351 weighted characters`, true},
		{"fits elsewhere", long, "en", "mastodon", "", false},
		{"missing language", long, "fr", "x", `post "long": no caption text in "fr"; add text.fr`, false},
		{"rotation without text", campaign.Post{Card: "nope"}, "en", "x", `card "nope": no caption text in "en"`, false},
		{"unknown platform", long, "en", "myspace", `unknown platform "myspace"`, false},
	}
	for _, tt := range tests {
		_, err := Build(c, tt.post, tt.lang, tt.platform)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: got %v, want no error", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
			continue
		}
		var le *LimitError
		if got := errors.As(err, &le); got != tt.limit {
			t.Errorf("%s: wraps a *LimitError: got %v, want %v", tt.name, got, tt.limit)
		}
	}
}

func TestBuildRotation(t *testing.T) {
	c := testCampaign()
	rot := func(card string) campaign.Post { return campaign.Post{Card: card, Text: campaign.Text{}} }
	tagline := rot("quote")
	tagline.Text = campaign.Text{"en": "Together"}
	own := rot("quote")
	own.Text = campaign.Text{"en": "Our own words"}
	checkBuilds(t, c, []buildCase{
		{"quote", rot("quote"), "en", "bluesky", "“We are stronger together” — Ana Lima, Mayor\n\n#TestDay #Together"},
		{"quote in French", rot("quote"), "fr", "bluesky", "«\u00a0Ensemble, nous sommes plus forts\u00a0» — Ana Lima, Maire\n\n#TestDay #Together"},
		{"quote in Chinese", rot("quote"), "zh", "bluesky", "“团结让我们更强大”——市长安娜·利马\n\n#TestDay #Together"},
		{"the tagline the schedule filled in", tagline, "en", "bluesky", "“We are stronger together” — Ana Lima, Mayor\n\n#TestDay #Together"},
		{"a slot's own text", own, "en", "bluesky", "Our own words\n\n#TestDay #Together"},
		{"stat", rot("stat"), "en", "bluesky", "12 million people moved this year. Source: Test Office.\n\n#TestDay #Together"},
		{"stat in Chinese", rot("stat"), "zh", "bluesky", "1200万人今年迁移。来源：测试办公室。\n\n#TestDay #Together"},
		{"story", rot("story"), "es", "bluesky", "«Enseño a los niños de mi calle 📚» — Sam, maestro\n\n#TestDay #Together"},
		{"hashtag card", rot("tag"), "en", "bluesky", "Every one of us counts. #TestDay\n\n#Together"},
		{"countdown", rot("countdown-2"), "ru", "bluesky", "До Дня теста осталось 2 дня\n\n#TestDay #Together"},
		{"countdown in Arabic", rot("countdown-2"), "ar", "bluesky", "بقي يومان على يوم الاختبار\n\n#TestDay #Together"},
	})
}

// A text made from a card is the campaign's to shorten; one it wrote is not.
func TestBuildRotationShortened(t *testing.T) {
	c := testCampaign()
	c.Cards[1].Quote["en"] = strings.Repeat("Migrants build the places we share. ", 12)
	c.Cards[1].Quote["zh"] = strings.Repeat("移民建设我们共同的家园。", 30)
	for _, lang := range []string{"en", "zh"} {
		for _, platform := range []string{"x", "bluesky"} {
			got, err := Build(c, campaign.Post{Card: "quote", Link: "site"}, lang, platform)
			if err != nil {
				t.Errorf("%s %s: %v", lang, platform, err)
				continue
			}
			if n := Count(platform, got); n > Limit(platform) || n < Limit(platform)-40 {
				t.Errorf("%s %s: got %d of %d, want it shortened to just fit:\n%s", lang, platform, n, Limit(platform), got)
			}
			if !strings.Contains(got, "…") || !strings.HasSuffix(got, "https://example.org/day/") {
				t.Errorf("%s %s: got %q, want the quotation cut with … and the link kept", lang, platform, got)
			}
		}
	}
}
