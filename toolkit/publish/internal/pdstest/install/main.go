// Command install installs the real Bluesky PDS that the publish tests
// run (see package pdstest) with npm ci, once, so that `go test` never
// downloads anything. .ci/run calls it before the tests:
//
//	go run ./toolkit/publish/internal/pdstest/install
//
// It prints the install folder; CAMPAIGNKIT_PDS_DIR chooses another.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/pdstest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	dir, err := pdstest.Install(ctx, os.Stderr)
	cancel()
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "install: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(dir)
}
