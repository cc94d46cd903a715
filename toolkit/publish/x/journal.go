package x

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/publish"
)

const (
	stateSending = "sending" // the create request may have reached X
	stateDone    = "done"
)

// record is a post's line in the journal.
type record struct {
	PostID   string    `json:"post_id"`
	Account  string    `json:"account,omitempty"`
	State    string    `json:"state"`
	IntentAt time.Time `json:"intent_at"`
	TweetID  string    `json:"tweet_id,omitempty"`
}

func (p *Publisher) journalPath(postID string) string {
	sum := sha256.Sum256([]byte(postID))
	return filepath.Join(p.cfg.Journal, hex.EncodeToString(sum[:16])+".json")
}

func (p *Publisher) journalLoad(postID string) (record, error) {
	if p.cfg.Journal == "" {
		return record{}, nil
	}
	b, err := os.ReadFile(p.journalPath(postID))
	if errors.Is(err, fs.ErrNotExist) {
		return record{}, nil
	}
	if err != nil {
		return record{}, fmt.Errorf("x: journal: %w", err)
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil || r.PostID != postID {
		// A damaged record proves nothing either way: look before sending.
		return record{State: stateSending}, nil
	}
	return r, nil
}

func (p *Publisher) journalWrite(r record) error {
	if p.cfg.Journal == "" {
		return nil
	}
	if err := os.MkdirAll(p.cfg.Journal, 0o700); err != nil {
		return fmt.Errorf("x: journal: %w", err)
	}
	b, _ := json.Marshal(r)
	if err := toolkit.WriteFileBytes(p.journalPath(r.PostID), 0o600, append(b, '\n')); err != nil {
		return fmt.Errorf("x: journal: %w", err)
	}
	return nil
}

// journalIntent records, durably, that the post is about to be sent:
// after a crash from here on, the post may be on X.
func (p *Publisher) journalIntent(post publish.Post, now time.Time) error {
	return p.journalWrite(record{PostID: post.ID, Account: p.cfg.Account, State: stateSending, IntentAt: now.UTC()})
}

// journalDone records the post's X id. A failure here is not the post's
// failure: the post is out, and a later attempt finds it by lookup.
func (p *Publisher) journalDone(postID, tweetID string) {
	r, _ := p.journalLoad(postID)
	r.PostID, r.Account, r.State, r.TweetID = postID, p.cfg.Account, stateDone, tweetID
	_ = p.journalWrite(r)
}
