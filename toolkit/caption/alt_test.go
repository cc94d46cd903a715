package caption

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

func TestAlt(t *testing.T) {
	c := testCampaign()
	tests := []struct {
		lang, card, want string
	}{
		{"en", "tag", "Hashtag TestDay in large letters, with the words “Every one of us counts.” Test Day."},
		{"en", "quote", "Quote by Ana Lima, Mayor: “We are stronger together”. Test Day."},
		{"en", "stat", "Key figure: 12 million people moved this year. Source: Test Office. Test Day."},
		{"en", "story", "Illustrated portrait of Sam, teacher, with the words “I teach the children of my street”. Test Day."},
		{"en", "countdown-2", "2 days to Test Day."},
		{"en", "countdown-0", "Today is Test Day."},
		{"fr", "tag", "Le hashtag TestDay en grands caractères, avec ces mots\u00a0: «\u00a0Chacun compte.\u00a0» Journée test."},
		{"fr", "quote", "Ana Lima, Maire, déclare\u00a0: «\u00a0Ensemble, nous sommes plus forts\u00a0». Journée test."},
		{"fr", "stat", "Chiffre clé\u00a0: 12 millions de personnes se sont déplacées cette année. Source : Bureau test. Journée test."},
		{"fr", "story", "Portrait en illustration représentant Sam, enseignant, avec ces mots\u00a0: «\u00a0J’enseigne aux enfants de ma rue\u00a0». Journée test."},
		{"fr", "countdown-2", "Plus que 2 jours avant la Journée test."},
		{"fr", "countdown-0", "C’est aujourd’hui la Journée test."},
		{"es", "tag", "La etiqueta TestDay en letras grandes, con estas palabras: «Cada persona cuenta.» Día de prueba."},
		{"es", "quote", "Cita de Ana Lima, Alcaldesa: «Juntos somos más fuertes». Día de prueba."},
		{"es", "stat", "Dato clave: 12 millones de personas se desplazaron este año. Fuente: Oficina de prueba. Día de prueba."},
		{"es", "story", "Retrato ilustrado que representa a Sam, maestro, con estas palabras: «Enseño a los niños de mi calle». Día de prueba."},
		{"es", "countdown-2", "Faltan 2 días para el Día de prueba."},
		{"es", "countdown-0", "Hoy es el Día de prueba."},
		{"ar", "tag", "الوسم TestDay بخط كبير، مع عبارة: «كلّ واحد منّا مهمّ.» يوم الاختبار."},
		{"ar", "quote", "اقتباس من آنا ليما، رئيسة البلدية: «معًا نحن أقوى». يوم الاختبار."},
		{"ar", "stat", "رقم بارز: 12 مليون شخص انتقلوا هذا العام. المصدر: مكتب الاختبار. يوم الاختبار."},
		{"ar", "story", "رسم توضيحي يصوّر سام، معلّم، مع هذه الكلمات: «أعلّم أطفال شارعي». يوم الاختبار."},
		{"ar", "countdown-2", "بقي يومان على يوم الاختبار."},
		{"ar", "countdown-0", "اليوم هو يوم الاختبار."},
		{"zh", "tag", "大字显示的话题标签 TestDay，配文：“每个人都重要。”测试日。"},
		{"zh", "quote", "引述市长安娜·利马的话：“团结让我们更强大”。测试日。"},
		{"zh", "stat", "关键数据：1200万人今年迁移。来源：测试办公室。测试日。"},
		{"zh", "story", "插画人物：萨姆，教师；配文：“我教我这条街上的孩子”。测试日。"},
		{"zh", "countdown-2", "距测试日还有2天。"},
		{"zh", "countdown-0", "今天是测试日。"},
		{"ru", "tag", "Хештег TestDay крупными буквами и подпись: «Важен каждый.» День теста."},
		{"ru", "quote", "Цитата — Ана Лима, Мэр: «Вместе мы сильнее». День теста."},
		{"ru", "stat", "Ключевая цифра: 12 млн человек переехали в этом году. Источник: тестовое бюро. День теста."},
		{"ru", "story", "Иллюстрированный портрет: Сэм, учитель. Цитата: «Я учу детей с моей улицы». День теста."},
		{"ru", "countdown-2", "До Дня теста осталось 2 дня."},
		{"ru", "countdown-0", "Сегодня День теста."},
		{"de", "tag", "Hashtag TestDay in large letters, with the words “Jede und jeder zählt.” Testtag."},
		{"de", "quote", "Quote by Ana Lima, Bürgermeisterin: “Gemeinsam sind wir stärker”. Testtag."},
		{"de", "stat", "Key figure: 12 Millionen Menschen sind dieses Jahr umgezogen. Quelle: Testamt. Testtag."},
		{"de", "story", "Illustrated portrait of Sam, Lehrer, with the words “Ich unterrichte die Kinder meiner Straße”. Testtag."},
		{"de", "countdown-2", "Noch 2 Tage bis zum Testtag."},
		{"de", "countdown-0", "Heute ist Testtag."},
		// no texts in Portuguese: English sentences, English texts
		{"pt", "quote", "Quote by Ana Lima, Mayor: “We are stronger together”. Test Day."},
	}
	for _, tt := range tests {
		card, ok := c.CardByID(tt.card)
		if !ok {
			t.Fatalf("no card %q", tt.card)
		}
		got := Alt(c, card, tt.lang)
		if got != tt.want {
			t.Errorf("Alt(%s, %s):\ngot  %q\nwant %q", tt.card, tt.lang, got, tt.want)
		}
		checkAlt(t, tt.card+" "+tt.lang, got)
	}
}

// checkAlt checks what every generated alt text must be for a listener.
func checkAlt(t *testing.T, name, alt string) {
	t.Helper()
	if n := utf8.RuneCountInString(alt); n > MaxAlt || n == 0 {
		t.Errorf("%s: alt text has %d characters, want 1 to %d", name, n, MaxAlt)
	}
	if strings.Contains(alt, "#") {
		t.Errorf("%s: alt text %q has a # a screen reader would read out", name, alt)
	}
	if lower := strings.ToLower(alt); strings.Contains(lower, "image of") || strings.Contains(lower, "picture of") {
		t.Errorf("%s: alt text %q says it is an image", name, alt)
	}
	eachGrapheme(alt, func(g []rune) {
		if isEmoji(g) {
			t.Errorf("%s: alt text %q has the emoji %q", name, alt, string(g))
		}
	})
}

func TestAltHashtagWords(t *testing.T) {
	c := testCampaign()
	card := campaign.Card{ID: "tag", Kind: campaign.Hashtag, Tag: campaign.Text{"en": "#migrantsday"}}
	if got, want := Alt(c, card, "en"), "Hashtag MigrantsDay in large letters. Test Day."; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestAltOverride(t *testing.T) {
	c := testCampaign()
	card := c.Cards[1]
	card.Alt = campaign.Text{"en": "Ana Lima, smiling, says we are stronger together."}
	if got, want := Alt(c, card, "en"), card.Alt["en"]; got != want {
		t.Errorf("override: got %q, want %q", got, want)
	}
	if got := Alt(c, card, "fr"); !strings.HasPrefix(got, "Ana Lima, Maire, déclare") {
		t.Errorf("no override in fr: got %q, want the generated French alt text", got)
	}
	// a countdown day keeps its base card's override
	cd, _ := c.CardByID("countdown-2")
	cd.Alt = campaign.Text{"en": "Two days to go."}
	if got := Alt(c, cd, "en"); got != "Two days to go." {
		t.Errorf("countdown override: got %q", got)
	}
}

func TestAltLong(t *testing.T) {
	c := testCampaign()
	c.Cards[1].Quote["en"] = strings.Repeat("We are stronger together, #TestDay 🌍 ", 60)
	c.Cards[1].Quote["zh"] = strings.Repeat("团结让我们更强大，", 150)
	c.Cards[3].Quote["ar"] = strings.Repeat("أعلّم أطفال شارعي ", 80)
	tests := []struct {
		card, lang string
	}{
		{"quote", "en"}, {"quote", "zh"}, {"story", "ar"},
	}
	for _, tt := range tests {
		card, _ := c.CardByID(tt.card)
		got := Alt(c, card, tt.lang)
		checkAlt(t, tt.card+" "+tt.lang, got)
		if !strings.HasSuffix(got, "…") {
			t.Errorf("%s %s: got %q, want it cut with …", tt.card, tt.lang, got)
		}
		if n := utf8.RuneCountInString(got); n < MaxAlt-30 {
			t.Errorf("%s %s: got %d characters, want close to %d", tt.card, tt.lang, n, MaxAlt)
		}
		if tt.lang != "zh" && strings.HasSuffix(strings.TrimSuffix(got, "…"), "togeth") {
			t.Errorf("%s %s: cut inside a word: %q", tt.card, tt.lang, got[len(got)-40:])
		}
	}
}
