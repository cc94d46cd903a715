package alert

import (
	"fmt"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/runner"
)

// message is an event written out once for every channel.
type message struct {
	event   runner.Event
	subject string  // one line, "[campaignkit] missed: post launch-en to mastodon (slug)"
	text    string  // plain text: the mail body
	chat    string  // Slack/Teams text
	payload Payload // the JSON webhook body
}

// Payload is the body of a webhook in the json format. Times are UTC;
// Local is At in the campaign's zone.
type Payload struct {
	Kind     string    `json:"kind"` // failed, missed, token-expired or runner-down
	Key      string    `json:"key"`  // the event's identity, also sent as Idempotency-Key
	At       time.Time `json:"at"`
	Local    string    `json:"local"`
	Timezone string    `json:"timezone"`
	Campaign string    `json:"campaign,omitempty"`
	PostID   string    `json:"post_id,omitempty"`
	Channel  string    `json:"channel,omitempty"`
	Lang     string    `json:"lang,omitempty"`
	Planned  time.Time `json:"planned,omitzero"`
	Subject  string    `json:"subject"`
	Message  string    `json:"message"` // what happened
	Action   string    `json:"action"`  // what to do
	Text     string    `json:"text"`    // the whole alert, as in the mail
}

// compose writes e out for every channel, with times in loc and in UTC.
func compose(e runner.Event, loc *time.Location) *message {
	m := &message{event: e, subject: subject(e)}
	head := headline(e)

	var b strings.Builder
	b.WriteString(head + "\n\n")
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(&b, "%-10s%s\n", name+":", value)
		}
	}
	field("Campaign", e.Source)
	field("Post", postLine(e))
	if !e.Planned.IsZero() {
		field("Planned", when(e.Planned, loc, "15:04"))
	}
	field("When", when(e.At, loc, "15:04:05"))
	b.WriteString("\nWhat happened:\n" + orNone(e.Message) + "\n")
	b.WriteString("\nWhat to do:\n" + orNone(e.Action) + "\n")
	b.WriteString("\n-- \nSent once by campaignkit, for event " + e.Key + ".\n")
	m.text = b.String()

	var c strings.Builder
	c.WriteString("*" + slackEscape(m.subject) + "*\n" + slackEscape(head) + "\n")
	if !e.Planned.IsZero() {
		c.WriteString("Planned: " + slackEscape(when(e.Planned, loc, "15:04")) + "\n")
	}
	c.WriteString("When: " + slackEscape(when(e.At, loc, "15:04:05")) + "\n")
	c.WriteString("What happened: " + slackEscape(orNone(e.Message)) + "\n")
	c.WriteString("What to do: " + slackEscape(orNone(e.Action)))
	m.chat = c.String()

	m.payload = Payload{
		Kind: string(e.Kind), Key: e.Key, At: e.At.UTC(), Local: e.At.In(loc).Format(time.RFC3339), Timezone: loc.String(),
		Campaign: e.Source, PostID: e.PostID, Channel: e.Channel, Lang: e.Lang, Planned: e.Planned.UTC(),
		Subject: m.subject, Message: e.Message, Action: e.Action, Text: m.text,
	}
	return m
}

// subject is the mail's subject and the chat message's first line.
func subject(e runner.Event) string {
	var what string
	switch {
	case e.PostID != "" && e.Channel != "":
		what = "post " + e.PostID + " to " + e.Channel
	case e.PostID != "":
		what = "post " + e.PostID
	case e.Kind == runner.RunnerDown:
		what = "a runner stopped without stopping cleanly"
	default:
		what = clip(e.Message, 80)
	}
	s := "[campaignkit] " + string(e.Kind) + ": " + what
	if e.Source != "" {
		s += " (" + e.Source + ")"
	}
	return oneLine(s)
}

// headline says in one sentence what happened.
func headline(e runner.Event) string {
	post := "post " + orNone(e.PostID)
	switch e.Kind {
	case runner.Unauthorized:
		return fmt.Sprintf("%s refused campaignkit's token, so %s was not published: the token has expired or been revoked, or it lacks a permission.", orNone(e.Channel), post)
	case runner.GaveUp:
		return fmt.Sprintf("Post %s to %s failed and will not be retried.", orNone(e.PostID), orNone(e.Channel))
	case runner.MissedPost:
		return fmt.Sprintf("Post %s to %s was missed: its time passed beyond the grace window, so it was not sent.", orNone(e.PostID), orNone(e.Channel))
	case runner.RunnerDown:
		return "A campaignkit runner stopped without stopping cleanly (a crash, a kill or a dead machine)."
	}
	return "campaignkit reports: " + string(e.Kind) + "."
}

func postLine(e runner.Event) string {
	if e.PostID == "" {
		return ""
	}
	s := e.PostID
	if e.Lang != "" {
		s += " (" + e.Lang + ")"
	}
	if e.Channel != "" {
		s += " to " + e.Channel
	}
	return s
}

// when gives t in loc and in UTC, to the precision of clock:
// "Fri 18 Dec 2026 10:00 CET (Europe/Paris), 2026-12-18 09:00 UTC".
func when(t time.Time, loc *time.Location, clock string) string {
	utc := t.UTC().Format("2006-01-02 " + clock + " UTC")
	if loc == time.UTC {
		return t.UTC().Format("Mon 2 Jan 2006 " + clock + " UTC")
	}
	return t.In(loc).Format("Mon 2 Jan 2006 "+clock+" MST") + " (" + loc.String() + "), " + utc
}

// logAttrs carries the whole alert into a log line, for when the log is
// the only place it reaches.
func (m *message) logAttrs() []any {
	e := m.event
	return []any{"kind", string(e.Kind), "key", e.Key, "campaign", e.Source, "post", e.PostID, "channel_of_post", e.Channel,
		"message", e.Message, "action", e.Action}
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(none)"
	}
	return s
}

// oneLine keeps a header value on one line: no CR, LF or other control
// characters that would start a new header.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

func clip(s string, n int) string {
	s = oneLine(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// slackEscape escapes the three characters Slack's mrkdwn reserves for
// links and mentions.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace
