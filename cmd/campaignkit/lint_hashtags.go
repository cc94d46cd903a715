package main

import "github.com/campaignkit/campaignkit/toolkit"

// Multi-word hashtags in one case are read to screen-reader users as one
// unknown word; lint asks for CamelCase.
func init() {
	lintChecks = append(lintChecks, func(lc *loadedCampaign) []toolkit.Problem { return lc.HashtagProblems() })
}
