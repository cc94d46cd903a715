// Package caption writes the text that goes with a card: the caption of a
// post on each platform, checked against that platform's limit the way the
// platform itself counts, and the alt text of a card image in the card's
// language. Lint reports every caption of a campaign that would be refused.
package caption
