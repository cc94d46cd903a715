package publish

import (
	"context"
	"fmt"
)

// ByLanguage publishes each post through the publisher of its language:
// one channel served by several accounts (@UNmigration for English,
// @ONUmigracion for Spanish).
type ByLanguage struct {
	Channel string
	// Pick returns the publisher for a language tag, or an error saying
	// no account serves it.
	Pick func(lang string) (Publisher, error)
}

var _ Publisher = (*ByLanguage)(nil)

// Name returns the channel.
func (b *ByLanguage) Name() string { return b.Channel }

// Publish hands p to the publisher of p.Lang. A language no account serves
// is a permanent failure: retrying will not add an account.
func (b *ByLanguage) Publish(ctx context.Context, p Post) (Result, error) {
	pub, err := b.Pick(p.Lang)
	if err != nil {
		return Result{}, &PermanentError{Msg: fmt.Sprintf("%s: post %s: %v", b.Channel, p.ID, err)}
	}
	return pub.Publish(ctx, p)
}
