package graph

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"golang.org/x/text/unicode/norm"
)

// States of a journal record.
const (
	StateSending    = "sending"    // the request that publishes may have reached Meta
	StateContainer  = "container"  // Instagram: a container exists, not yet published
	StatePublishing = "publishing" // Instagram: media_publish may have reached Meta
	StateDone       = "done"
)

// Record is a post's line in the journal.
type Record struct {
	PostID    string    `json:"post_id"`
	Account   string    `json:"account,omitempty"`
	State     string    `json:"state"`
	IntentAt  time.Time `json:"intent_at"`
	Container string    `json:"container_id,omitempty"` // Instagram
	RemoteID  string    `json:"remote_id,omitempty"`
	URL       string    `json:"url,omitempty"`
}

// Journal keeps one record per post in a folder; an empty Dir keeps
// nothing (every retry then looks before sending).
type Journal struct {
	Dir     string
	Account string
}

func (j Journal) path(postID string) string {
	sum := sha256.Sum256([]byte(postID))
	return filepath.Join(j.Dir, hex.EncodeToString(sum[:16])+".json")
}

// Load returns the post's record; none is the zero Record.
func (j Journal) Load(postID string) (Record, error) {
	if j.Dir == "" {
		return Record{}, nil
	}
	b, err := os.ReadFile(j.path(postID))
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, nil
	}
	if err != nil {
		return Record{}, fmt.Errorf("journal: %w", err)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil || r.PostID != postID {
		// A damaged record proves nothing either way: look before sending.
		return Record{PostID: postID, State: StateSending}, nil
	}
	return r, nil
}

// Save writes r durably, replacing the post's earlier record.
func (j Journal) Save(r Record) error {
	if j.Dir == "" {
		return nil
	}
	r.Account = j.Account
	if err := os.MkdirAll(j.Dir, 0o700); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	b, _ := json.Marshal(r)
	if err := toolkit.WriteFileBytes(j.path(r.PostID), 0o600, append(b, '\n')); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// Normalize makes two texts that Meta considers the same compare equal:
// NFC, one kind of line end, no surrounding space.
func Normalize(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(norm.NFC.String(s))
}

// WithLink appends link on a line of its own unless text already has it.
func WithLink(text, link string) string {
	link = strings.TrimSpace(link)
	if link == "" || strings.Contains(text, link) {
		return text
	}
	if strings.TrimSpace(text) == "" {
		return link
	}
	return strings.TrimRight(text, " \n") + "\n\n" + link
}
