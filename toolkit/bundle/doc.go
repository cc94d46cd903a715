// Package bundle writes the toolkit bundle under dist/<slug>/: the rendered
// cards, manifest.json, captions, calendar.ics, posts.csv, index.html and the
// zips, atomically and reproducibly (same input, same bytes).
package bundle
