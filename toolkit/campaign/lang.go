package campaign

import (
	"fmt"

	"github.com/campaignkit/campaignkit/toolkit/i18n"
)

// checkLanguage reports a language tag that names no real language, or
// one whose script no embedded font draws (its cards would show boxes).
func checkLanguage(tag string) string {
	l, err := i18n.Parse(tag)
	if err != nil {
		return err.Error()
	}
	if err := l.FontErr(); err != nil {
		return fmt.Sprintf("language %q: %v, so its cards cannot be drawn; leave it out of languages", tag, err)
	}
	return ""
}
