// Package intent is the journal a publisher keeps for a network that has
// no idempotency key (LinkedIn, Threads): before each step that may make
// a post appear it records what it is about to do, and after it what the
// network answered, so that an attempt after a crash or a lost answer
// knows whether to look for an earlier copy, which container to reuse,
// or that the post is already out.
//
// Records are kept in memory and, when a folder is given, in one small
// file per post written atomically with mode 0600.
package intent

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
)

// States a record goes through.
const (
	// Sending: the request that creates the post may have reached the
	// network; its answer is not known.
	Sending = "sending"
	// Prepared: a Threads container exists (Record.Container) and has not
	// been published.
	Prepared = "prepared"
	// Done: the post is out (Record.RemoteID).
	Done = "done"
)

// Record is what the journal knows of one post.
type Record struct {
	PostID    string    `json:"post_id"`
	Account   string    `json:"account,omitempty"`
	State     string    `json:"state"`
	IntentAt  time.Time `json:"intent_at,omitzero"`  // when the first create request went
	Container string    `json:"container,omitempty"` // Threads: the media container made for it
	RemoteID  string    `json:"remote_id,omitempty"`
	URL       string    `json:"url,omitempty"`
}

// Journal records intents. The zero value keeps them in memory only.
type Journal struct {
	Dir string // "" for memory only

	mu  sync.Mutex
	mem map[string]Record
}

// New returns a journal in dir ("" for memory only).
func New(dir string) *Journal { return &Journal{Dir: dir} }

func (j *Journal) path(postID string) string {
	sum := sha256.Sum256([]byte(postID))
	return filepath.Join(j.Dir, hex.EncodeToString(sum[:16])+".json")
}

// Load returns the record of postID; a post never seen has State "".
// A damaged file proves nothing either way and is returned as Sending,
// so that the caller looks before sending.
func (j *Journal) Load(postID string) (Record, error) {
	j.mu.Lock()
	r, ok := j.mem[postID]
	j.mu.Unlock()
	if ok || j.Dir == "" {
		return r, nil
	}
	b, err := os.ReadFile(j.path(postID))
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, nil
	}
	if err != nil {
		return Record{}, fmt.Errorf("journal: %w", err)
	}
	if json.Unmarshal(b, &r) != nil || r.PostID != postID {
		return Record{PostID: postID, State: Sending}, nil
	}
	return r, nil
}

// Save records r, in memory and, with a folder, durably before it
// returns.
func (j *Journal) Save(r Record) error {
	j.mu.Lock()
	if j.mem == nil {
		j.mem = map[string]Record{}
	}
	j.mem[r.PostID] = r
	j.mu.Unlock()
	if j.Dir == "" {
		return nil
	}
	if err := os.MkdirAll(j.Dir, 0o700); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	b, _ := json.Marshal(r)
	if err := toolkit.WriteFileBytes(j.path(r.PostID), 0o600, append(b, '\n')); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}
