package bundle

import (
	"time"

	"github.com/campaignkit/campaignkit/toolkit/campaign"
)

// ZipPlan is one of a bundle's zips: its file name and what goes in it.
type ZipPlan struct {
	Name    string
	Entries []ZipEntry
}

// PlanZips lists the zips Build writes for the bundle m describes (see
// planZips for what each holds), with the card images read from images
// (bundle path -> content) and every other file made from m as Build makes
// it. stamp is the time of every entry and the calendar's DTSTAMP; Build
// uses Stamp of the campaign day. A server that streams one of these plans
// with WriteZip sends the bytes of Build's zip.
func PlanZips(m *Manifest, stamp time.Time, images map[string]Source) ([]ZipPlan, error) {
	files, err := generatedFiles(m, stamp)
	if err != nil {
		return nil, err
	}
	mj, err := manifestJSON(m)
	if err != nil {
		return nil, err
	}
	tree := make(map[string]Source, len(files)+len(images)+1)
	for n, b := range files {
		tree[n] = Bytes(b)
	}
	tree["manifest.json"] = Bytes(mj)
	for n, src := range images {
		tree[n] = src
	}
	plans, err := planZips(m, stamp, tree, sha256Hex(mj))
	if err != nil {
		return nil, err
	}
	out := make([]ZipPlan, len(plans))
	for i, p := range plans {
		out[i] = ZipPlan{Name: p.name, Entries: p.entries}
	}
	return out, nil
}

// Stamp is the time Build gives the zips' entries and the calendar's
// DTSTAMP: the campaign day at midnight UTC.
func Stamp(day campaign.Date) time.Time { return bundleStamp(day) }
