// Package intent is the journal a publisher keeps for a network that has
// no idempotency key (X, LinkedIn, Threads, Facebook, Instagram): before
// each step that may make a post appear it records what it is about to
// do, and after it what the network answered, so that an attempt after a
// crash or a lost answer knows whether to look for an earlier copy, which
// container to reuse, or that the post is already out.
//
// Records are kept in memory and, when a folder is given, in one small
// file per post written atomically with mode 0600.
package intent

import (
	"cmp"
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
	"github.com/campaignkit/campaignkit/toolkit/publish"
)

// States a record goes through.
const (
	// Sending: the request that creates the post may have reached the
	// network; its answer is not known.
	Sending = "sending"
	// Prepared: a Threads or Instagram container exists
	// (Record.Container) and has not been published.
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
	Container string    `json:"container,omitempty"` // Threads, Instagram: the media container made for it
	RemoteID  string    `json:"remote_id,omitempty"`
	URL       string    `json:"url,omitempty"`
}

// Journal records intents. The zero value keeps them in memory only.
type Journal struct {
	Dir     string // "" for memory only
	Account string // recorded with every record, for whoever reads the folder

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
	// The X and Meta publishers journaled before they shared this
	// journal: their records name the remote id, the container and two
	// states their own way, and a post they journaled must not go out
	// twice after an upgrade.
	var old struct {
		Record
		TweetID     string `json:"tweet_id"`
		ContainerID string `json:"container_id"`
	}
	if json.Unmarshal(b, &old) != nil || old.PostID != postID {
		return Record{PostID: postID, State: Sending}, nil
	}
	r = old.Record
	r.RemoteID = cmp.Or(r.RemoteID, old.TweetID)
	r.Container = cmp.Or(r.Container, old.ContainerID)
	switch r.State {
	case "container":
		r.State = Prepared
	case "publishing":
		r.State = Sending
	}
	return r, nil
}

// Save records r, in memory and, with a folder, durably before it
// returns.
func (j *Journal) Save(r Record) error {
	if r.Account == "" {
		r.Account = j.Account
	}
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

// Intend records, durably, that the request that makes the post of r
// is about to be sent: from here on, after a crash, the post may be out.
// The time of the first intent is kept, so that a look for an earlier
// copy reaches back to it.
func (j *Journal) Intend(r Record, now time.Time) (Record, error) {
	r.State = Sending
	if r.IntentAt.IsZero() {
		r.IntentAt = now.UTC()
	}
	return r, j.Save(r)
}

// Done records that the post is out as res. A failure to write it is not
// the post's failure: the post is out, and a later attempt finds it by
// looking.
func (j *Journal) Done(postID string, res publish.Result) publish.Result {
	r, _ := j.Load(postID)
	r.PostID, r.State, r.RemoteID, r.URL = postID, Done, res.RemoteID, res.URL
	_ = j.Save(r)
	return res
}

// Out reports whether the record says the post is out, with its id.
func (r Record) Out() bool { return r.State == Done && r.RemoteID != "" }

// MayExist reports whether an attempt that reached the network may have
// gone before: the journal knows of the post, or attempt (the runner's,
// publish.Attempt) says this is not the first.
func (r Record) MayExist(attempt int) bool { return r.State != "" || attempt > 1 }

// Since is how far back to look for the copy an earlier attempt made of
// a post planned at at: an hour before it, or a minute before the first
// intent the journal has, whichever is earlier.
func (r Record) Since(at time.Time) time.Time {
	since := at.Add(-time.Hour)
	if !r.IntentAt.IsZero() && r.IntentAt.Add(-time.Minute).Before(since) {
		since = r.IntentAt.Add(-time.Minute)
	}
	return since
}
