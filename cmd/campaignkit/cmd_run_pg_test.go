//go:build unix

package main

import (
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/queue/postgres/pgtest"
)

// TestMain stops the throwaway PostgreSQL server of the tests that started
// one.
func TestMain(m *testing.M) { pgtest.Main(m) }

// TestRunnersSurviveKills is TestRunSurvivesKills with three runners of
// one campaign sharing a PostgreSQL store (`run --store postgres://…`):
// 200 posts fall due over 12 seconds while a runner picked at random is
// SIGKILLed 20 times and restarted at once. Every post is published once
// (the queue records one published attempt, the shared outbox has one
// folder, the webhook receiver acts once), and on time: a restarted runner
// takes back at once the posts its dead predecessor held, whichever runner
// then claims them.
func TestRunnersSurviveKills(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs for about 20 seconds")
	}
	url := pgtest.URL(t)
	killTest{store: url, runners: 3, posts: 200, every: 60 * time.Millisecond, kills: 20, pause: [2]int{150, 700},
		imageSide: 512, maxP99: 5 * time.Second}.run(t)
}
