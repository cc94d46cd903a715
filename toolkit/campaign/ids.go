package campaign

import (
	"fmt"

	"github.com/campaignkit/campaignkit/toolkit"
)

// MaxIDLen is the longest card or post id: ids become parts of file names
// (cards/<lang>/<id>/<preset>.png) and of post keys.
const MaxIDLen = 64

// checkID reports an id that is not lowercase letters, digits and dashes,
// or is too long; example shows a good one.
func checkID(id, example string) string {
	if !slugRe.MatchString(id) {
		return fmt.Sprintf("want lowercase letters, digits and dashes such as %s, got %q", example, id)
	}
	if n := len(id); n > MaxIDLen {
		return fmt.Sprintf("id %.20q… is %d characters long: at most %d (ids become file names)", id, n, MaxIDLen)
	}
	return ""
}

// checkGeneratedIDs reports a card whose id is also the id of a day of a
// countdown card: countdown X becomes X-0 … X-6, and the id X-3 would then
// name two cards.
func (c *Campaign) checkGeneratedIDs(ps *toolkit.Problems) {
	days := c.countdownDays()
	if len(days) == 0 {
		return
	}
	for j, cd := range c.Cards {
		if cd.Kind != Countdown || checkID(cd.ID, "") != "" {
			continue
		}
		made := map[string]bool{}
		for _, n := range days {
			made[fmt.Sprintf("%s-%d", cd.ID, n)] = true
		}
		for i, card := range c.Cards {
			if i == j || !made[card.ID] {
				continue
			}
			f := fmt.Sprintf("cards[%d].id", i)
			ps.Add(c.Pos.Line(f), f, "id %q is also a day of the countdown card cards[%d] %q, which makes %s-%d to %s-%d, one per day: choose another id",
				card.ID, j, cd.ID, cd.ID, days[0], cd.ID, days[len(days)-1])
		}
	}
}
