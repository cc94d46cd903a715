package caption

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

// MaxAlt is the longest alt text Alt writes, in characters (code points):
// the limit of Mastodon and Bluesky, and about what a screen-reader user
// will sit through.
const MaxAlt = 1000

// altTemplates are the sentences alt text is made of in one language.
// Placeholders: {tag} {text} {speaker} {role} {quote} {stat} {source}
// {name} {phrase}.
type altTemplates struct {
	hashtag, hashtagText string
	quote, quoteNoRole   string
	stat                 string
	source               string // used unless the source already starts with sourceWord
	sourceWord           string
	story                string
}

// alts are written for a listener: no "image of" (the screen reader says
// it is an image), no # read out as "number sign", no emoji names.
var alts = map[string]altTemplates{
	"en": {
		hashtag:     "Hashtag {tag} in large letters",
		hashtagText: "Hashtag {tag} in large letters, with the words “{text}”",
		quote:       "Quote by {speaker}, {role}: “{quote}”",
		quoteNoRole: "Quote by {speaker}: “{quote}”",
		stat:        "Key figure: {stat}",
		source:      "Source: {source}",
		sourceWord:  "source",
		story:       "Illustrated portrait of {name}, with the words “{quote}”",
	},
	"fr": {
		hashtag:     "Le hashtag {tag} en grands caractères",
		hashtagText: "Le hashtag {tag} en grands caractères, avec ces mots\u00a0: «\u00a0{text}\u00a0»",
		quote:       "{speaker}, {role}, déclare\u00a0: «\u00a0{quote}\u00a0»",
		quoteNoRole: "{speaker} déclare\u00a0: «\u00a0{quote}\u00a0»",
		stat:        "Chiffre clé\u00a0: {stat}",
		source:      "Source\u00a0: {source}",
		sourceWord:  "source",
		story:       "Portrait en illustration représentant {name}, avec ces mots\u00a0: «\u00a0{quote}\u00a0»",
	},
	"es": {
		hashtag:     "La etiqueta {tag} en letras grandes",
		hashtagText: "La etiqueta {tag} en letras grandes, con estas palabras: «{text}»",
		quote:       "Cita de {speaker}, {role}: «{quote}»",
		quoteNoRole: "Cita de {speaker}: «{quote}»",
		stat:        "Dato clave: {stat}",
		source:      "Fuente: {source}",
		sourceWord:  "fuente",
		story:       "Retrato ilustrado que representa a {name}, con estas palabras: «{quote}»",
	},
	"ar": {
		hashtag:     "الوسم {tag} بخط كبير",
		hashtagText: "الوسم {tag} بخط كبير، مع عبارة: «{text}»",
		quote:       "اقتباس من {speaker}، {role}: «{quote}»",
		quoteNoRole: "اقتباس من {speaker}: «{quote}»",
		stat:        "رقم بارز: {stat}",
		source:      "المصدر: {source}",
		sourceWord:  "المصدر",
		story:       "رسم توضيحي يصوّر {name}، مع هذه الكلمات: «{quote}»",
	},
	"zh": {
		hashtag:     "大字显示的话题标签 {tag}",
		hashtagText: "大字显示的话题标签 {tag}，配文：“{text}”",
		quote:       "引述{role}{speaker}的话：“{quote}”",
		quoteNoRole: "引述{speaker}的话：“{quote}”",
		stat:        "关键数据：{stat}",
		source:      "来源：{source}",
		sourceWord:  "来源",
		story:       "插画人物：{name}；配文：“{quote}”",
	},
	"ru": {
		hashtag:     "Хештег {tag} крупными буквами",
		hashtagText: "Хештег {tag} крупными буквами и подпись: «{text}»",
		quote:       "Цитата — {speaker}, {role}: «{quote}»",
		quoteNoRole: "Цитата — {speaker}: «{quote}»",
		stat:        "Ключевая цифра: {stat}",
		source:      "Источник: {source}",
		sourceWord:  "источник",
		story:       "Иллюстрированный портрет: {name}. Цитата: «{quote}»",
	},
}

// Alt returns the alt text of card's image in lang: card.Alt[lang] when the
// campaign gives one, as written; else a description of what the card
// shows, in lang's own sentences for en, fr, es, ar, zh and ru and in
// English sentences around the card's own texts for other languages,
// ending with the campaign's title unless the card already says it. A
// countdown card says its phrase for its number of days; a story card
// says its portrait is an illustration. A generated alt text has no emoji
// and no # before hashtags (a single-case hashtag is written in CamelCase
// so that it is read word by word), and is shortened to MaxAlt characters.
func Alt(c *campaign.Campaign, card campaign.Card, lang string) string {
	if a := strings.TrimSpace(card.Alt[lang]); a != "" {
		return a
	}
	tpl, ok := alts[baseLang(lang)]
	st := styleOf(lang)
	if !ok {
		tpl = alts["en"]
	}
	t := func(x campaign.Text) string { return speakable(text(c, x, lang)) }
	fill := func(f string, kv ...string) string {
		return strings.NewReplacer(kv...).Replace(f)
	}
	var parts []string
	switch card.Kind {
	case campaign.Hashtag:
		tag := card.Tag[lang]
		if words := campaign.HashtagWords(tag); words != nil {
			tag = campaign.CamelCase(words) // #migrantsday would be read as one word
		}
		tag = speakable(tag)
		if s := t(card.Text); s != "" {
			parts = append(parts, fill(tpl.hashtagText, "{tag}", tag, "{text}", s))
		} else {
			parts = append(parts, fill(tpl.hashtag, "{tag}", tag))
		}
	case campaign.Quote:
		f := tpl.quote
		if t(card.Role) == "" {
			f = tpl.quoteNoRole
		}
		parts = append(parts, fill(f, "{speaker}", t(card.Speaker), "{role}", t(card.Role), "{quote}", t(card.Quote)))
	case campaign.Stat:
		stat := t(card.Figure)
		if l := t(card.Label); l != "" {
			stat += st.join + l
		}
		parts = append(parts, fill(tpl.stat, "{stat}", stat))
		if src := t(card.Source); src != "" {
			if !strings.HasPrefix(strings.ToLower(src), tpl.sourceWord) && !labelled.MatchString(src) {
				src = fill(tpl.source, "{source}", src)
			}
			parts = append(parts, src)
		}
	case campaign.Story:
		parts = append(parts, fill(tpl.story, "{name}", t(card.Name), "{quote}", t(card.Quote)))
	case campaign.Countdown:
		// the phrase says it all, the day's name included, in whatever
		// grammatical case the language puts it
		phrase := speakable(c.CountdownText(card, lang))
		if phrase == "" {
			phrase = speakable(c.CountdownText(card, "en"))
		}
		parts = append(parts, phrase)
	}
	alt := st.sentences(parts...)
	if title := t(c.Title); title != "" && card.Kind != campaign.Countdown && !strings.Contains(strings.ToLower(alt), strings.ToLower(title)) {
		alt = st.sentences(alt, title)
	}
	return truncate(alt, MaxAlt)
}

// labelled matches a source that names itself one, in any language:
// "Quelle: …", "Source : …", "来源：…".
var labelled = regexp.MustCompile(`^\pL+\s?[:：]`)

// speakable is s as a screen reader should get it: no emoji, no # before
// a hashtag (CamelCase already makes it read word by word), one space
// between words.
func speakable(s string) string {
	var b strings.Builder
	eachGrapheme(s, func(g []rune) {
		if isEmoji(g) || len(g) == 1 && (g[0] == 0xFE0F || g[0] == 0x200D) {
			b.WriteByte(' ')
			return
		}
		b.WriteString(string(g))
	})
	s = b.String()
	var out strings.Builder
	prev := ' '
	for i, r := range s {
		if r == '#' && !isWordRune(prev) {
			if next, _ := utf8.DecodeRuneInString(s[i+1:]); isWordRune(next) {
				prev = r
				continue
			}
		}
		out.WriteRune(r)
		prev = r
	}
	return strings.Join(strings.FieldsFunc(out.String(), unicode.IsSpace), " ")
}
