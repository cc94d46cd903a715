// Package blueskytest lets tests outside toolkit/publish (the crash test
// of cmd/campaignkit) run the real Bluesky PDS that the Bluesky
// publisher's own tests use: @atproto/pds on loopback, from
// toolkit/publish/internal/pdstest, which says how it is installed. There
// is no fake Bluesky: the real server is the reference.
package blueskytest

import (
	"testing"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/pdstest"
)

// Server is a running PDS with one account; Posts lists its post records.
type Server = pdstest.Server

// Post is a post record as the PDS keeps it.
type Post = pdstest.Post

// InstallCommand installs the PDS; messages name it.
const InstallCommand = pdstest.InstallCommand

// Start returns a running PDS with one account, stopped when the test
// ends; it skips the test when the PDS is not installed here, and fails
// it instead when CI is set.
func Start(t testing.TB) *Server {
	t.Helper()
	return pdstest.Start(t)
}

// StartIfInstalled is Start for a test that covers more than Bluesky: when
// the PDS is not installed here it returns nil and why, and the test goes
// on without Bluesky. With CI set a missing PDS fails the test.
func StartIfInstalled(t testing.TB) (*Server, string) {
	t.Helper()
	return pdstest.StartIfInstalled(t)
}
