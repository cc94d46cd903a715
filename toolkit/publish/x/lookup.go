package x

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish"
)

type timelinePost struct {
	ID        string    `json:"id"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
	Entities  struct {
		URLs []struct {
			URL         string `json:"url"`
			ExpandedURL string `json:"expanded_url"`
			MediaKey    string `json:"media_key"`
		} `json:"urls"`
	} `json:"entities"`
	Attachments struct {
		MediaKeys []string `json:"media_keys"`
	} `json:"attachments"`
}

// lookup reads the account's posts since since for one with text and as
// many images: the copy an earlier attempt made.
func (p *Publisher) lookup(ctx context.Context, text string, images int, since time.Time) (publish.Result, bool, error) {
	uid, err := p.user(ctx)
	if err != nil {
		return publish.Result{}, false, err
	}
	q := url.Values{
		"max_results":  {strconv.Itoa(p.cfg.LookupCount)},
		"tweet.fields": {"created_at,entities,attachments"},
		"exclude":      {"replies,retweets"},
		"start_time":   {since.UTC().Truncate(time.Second).Format(time.RFC3339)},
	}
	var out struct {
		Data []timelinePost `json:"data"`
	}
	if err := p.call(ctx, epTimeline, http.MethodGet, "/2/users/"+url.PathEscape(uid)+"/tweets?"+q.Encode(), nil, &out); err != nil {
		return publish.Result{}, false, err
	}
	for _, tp := range out.Data {
		if len(tp.Attachments.MediaKeys) != images {
			continue
		}
		if publish.SameText(sourceText(tp), text) {
			return p.result(tp.ID), true, nil
		}
	}
	return publish.Result{}, false, nil
}

// sourceText undoes what X does to a post's text on the way back: links
// become t.co links (entities.urls gives each one's original), a t.co link
// to the media is appended, and &, < and > come back as HTML entities.
func sourceText(tp timelinePost) string {
	s := tp.Text
	for _, u := range tp.Entities.URLs {
		if u.URL == "" {
			continue
		}
		if u.MediaKey != "" || isMediaLink(u.ExpandedURL) {
			s = strings.Replace(s, u.URL, "", 1)
			continue
		}
		s = strings.Replace(s, u.URL, u.ExpandedURL, 1)
	}
	return html.UnescapeString(s)
}

func isMediaLink(u string) bool {
	return (strings.Contains(u, "://x.com/") || strings.Contains(u, "://twitter.com/")) &&
		(strings.Contains(u, "/photo/") || strings.Contains(u, "/video/"))
}
