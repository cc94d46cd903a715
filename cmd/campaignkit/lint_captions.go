package main

import (
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/caption"
)

// Captions over a platform's limit are refused when published or pasted;
// lint finds them while the text can still be changed.
func init() {
	lintChecks = append(lintChecks, func(lc *loadedCampaign) []toolkit.Problem { return caption.Lint(lc.Campaign) })
}
