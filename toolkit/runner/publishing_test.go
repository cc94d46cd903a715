package runner

import (
	"maps"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

func TestCampaignBackoff(t *testing.T) {
	d := DefaultBackoff
	for _, tc := range []struct {
		name  string
		retry campaign.Retry
		want  Backoff
	}{
		{"nothing set", campaign.Retry{}, d},
		{"all set", campaign.Retry{Base: time.Second, Max: time.Minute, Attempts: 3},
			Backoff{Base: time.Second, Max: time.Minute, Tries: 3, Window: d.Window}},
		{"attempts only", campaign.Retry{Attempts: 50}, Backoff{Base: d.Base, Max: d.Max, Tries: 50, Window: d.Window}},
		{"base under the default max", campaign.Retry{Base: 10 * time.Second}, Backoff{Base: 10 * time.Second, Max: d.Max, Tries: d.Tries, Window: d.Window}},
		{"base over the default max", campaign.Retry{Base: 10 * time.Minute}, Backoff{Base: 10 * time.Minute, Max: 10 * time.Minute, Tries: d.Tries, Window: d.Window}},
		{"max over the default base", campaign.Retry{Max: time.Hour}, Backoff{Base: d.Base, Max: time.Hour, Tries: d.Tries, Window: d.Window}},
		{"max under the default base", campaign.Retry{Max: 500 * time.Millisecond}, Backoff{Base: 500 * time.Millisecond, Max: 500 * time.Millisecond, Tries: d.Tries, Window: d.Window}},
	} {
		c := &campaign.Campaign{Publishing: campaign.Publishing{Retry: tc.retry}}
		if got := CampaignBackoff(c); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if got := CampaignBackoff(nil); got != d {
		t.Errorf("no campaign: got %+v, want DefaultBackoff", got)
	}
}

func TestCampaignConcurrency(t *testing.T) {
	c := &campaign.Campaign{Publishing: campaign.Publishing{Concurrency: map[string]int{"webhook": 16, "mastodon": 1}}}
	got := CampaignConcurrency(c)
	want := maps.Clone(DefaultConcurrency)
	want["webhook"], want["mastodon"] = 16, 1
	if !maps.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if DefaultConcurrency["webhook"] != 32 {
		t.Errorf("DefaultConcurrency was changed: %v", DefaultConcurrency)
	}
	if got := CampaignConcurrency(nil); !maps.Equal(got, DefaultConcurrency) {
		t.Errorf("no campaign: got %v, want DefaultConcurrency", got)
	}
}
