package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
)

// tmpPrefix starts the name of a folder being written. Such folders are
// never posts: Posts skips them and Publish and Clean remove leftovers.
const tmpPrefix = ".tmp-"

// Outbox is the default publisher: it writes each post into a folder of its
// own, <dir>/<post id>/, holding post.json and a copy of every image. A folder
// is written under a temporary name beside it, synced and renamed into place,
// so a crash leaves either no post or a complete one, never half of one.
type Outbox struct {
	dir string
}

var _ Publisher = (*Outbox)(nil)

// NewOutbox returns an outbox writing into dir, which is created on first use.
func NewOutbox(dir string) *Outbox { return &Outbox{dir: dir} }

// Name returns "outbox".
func (o *Outbox) Name() string { return "outbox" }

// Dir returns the folder the outbox writes into.
func (o *Outbox) Dir() string { return o.dir }

// OutboxPost is the content of an outbox folder's post.json.
type OutboxPost struct {
	ID      string        `json:"id"`
	Channel string        `json:"channel"`
	Lang    string        `json:"lang"`
	At      time.Time     `json:"at"`
	Text    string        `json:"text"`
	Link    string        `json:"link,omitempty"`
	Images  []OutboxImage `json:"images"`
}

// OutboxImage is one image of an OutboxPost; File is relative to the post's
// folder.
type OutboxImage struct {
	File   string `json:"file"`
	Alt    string `json:"alt"`
	Type   string `json:"type"`
	SHA256 string `json:"sha256"`
}

// Publish writes p's folder unless it already exists; publishing the same ID
// again returns the existing folder without writing anything.
func (o *Outbox) Publish(ctx context.Context, p Post) (Result, error) {
	if err := checkFolderName(p.ID); err != nil {
		return Result{}, &PermanentError{Msg: "outbox: " + err.Error()}
	}
	final := filepath.Join(o.dir, p.ID)
	done, err := o.exists(final)
	if err != nil {
		return Result{}, err
	}
	if done {
		return o.result(final, p.ID), nil
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	files, err := loadMedia(p)
	if err != nil {
		return Result{}, err
	}
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return Result{}, fmt.Errorf("outbox: %w", err)
	}
	// A leftover of an earlier attempt at this post, cut short by a crash.
	// The runner's lease means no one else is writing this post right now.
	// Only a retry can have one, and looking costs a read of the whole
	// outbox folder, which a burst of first attempts must not pay.
	if Attempt(ctx) != 1 {
		if err := o.removeTemps(tmpPrefix + p.ID + "-"); err != nil {
			return Result{}, err
		}
	}
	tmp, err := os.MkdirTemp(o.dir, tmpPrefix+p.ID+"-")
	if err != nil {
		return Result{}, fmt.Errorf("outbox: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = os.RemoveAll(tmp)
		}
	}()

	doc := OutboxPost{ID: p.ID, Channel: p.Channel, Lang: p.Lang, At: p.At.UTC(), Text: p.Text, Link: p.Link, Images: []OutboxImage{}}
	for i, m := range files {
		name := fmt.Sprintf("%d-%s", i+1, m.Name)
		if err := writeFileSync(filepath.Join(tmp, name), m.Data); err != nil {
			return Result{}, fmt.Errorf("outbox: post %s: %w", p.ID, err)
		}
		doc.Images = append(doc.Images, OutboxImage{File: name, Alt: m.Alt, Type: m.Type, SHA256: m.sha256()})
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return Result{}, fmt.Errorf("outbox: post %s: %w", p.ID, err)
	}
	if err := writeFileSync(filepath.Join(tmp, "post.json"), append(b, '\n')); err != nil {
		return Result{}, fmt.Errorf("outbox: post %s: %w", p.ID, err)
	}
	if err := toolkit.SyncDir(tmp); err != nil {
		return Result{}, fmt.Errorf("outbox: post %s: %w", p.ID, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		// Someone else renamed a complete copy into place first: that one counts.
		if done, _ := o.exists(final); done {
			return o.result(final, p.ID), nil
		}
		return Result{}, fmt.Errorf("outbox: post %s: %w", p.ID, err)
	}
	committed = true
	if err := toolkit.SyncDir(o.dir); err != nil {
		return Result{}, fmt.Errorf("outbox: post %s: %w", p.ID, err)
	}
	return o.result(final, p.ID), nil
}

// exists reports whether the post folder is in place. A folder without
// post.json is not something the outbox writes; it is reported, not hidden.
func (o *Outbox) exists(final string) (bool, error) {
	fi, err := os.Stat(final)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("outbox: %w", err)
	}
	if !fi.IsDir() {
		return false, &PermanentError{Msg: fmt.Sprintf("outbox: %s exists and is not a folder", final)}
	}
	if _, err := os.Stat(filepath.Join(final, "post.json")); err != nil {
		return false, &PermanentError{Msg: fmt.Sprintf("outbox: %s exists without post.json; move it away", final)}
	}
	return true, nil
}

func (o *Outbox) result(final, id string) Result {
	abs, err := filepath.Abs(final)
	if err != nil {
		abs = final
	}
	return Result{RemoteID: id, URL: (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()}
}

// Clean removes every folder left half-written by a crash. Call it when no
// other process is publishing into the same outbox (at start-up).
func (o *Outbox) Clean() error { return o.removeTemps(tmpPrefix) }

func (o *Outbox) removeTemps(prefix string) error {
	entries, err := os.ReadDir(o.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			if err := os.RemoveAll(filepath.Join(o.dir, e.Name())); err != nil {
				return fmt.Errorf("outbox: removing leftover %s: %w", e.Name(), err)
			}
		}
	}
	return nil
}

// Posts lists the complete posts in the outbox, sorted by time then ID.
// Folders being written (or left over by a crash) are not listed.
func (o *Outbox) Posts() ([]OutboxPost, error) {
	entries, err := os.ReadDir(o.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	var posts []OutboxPost
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(o.dir, e.Name(), "post.json"))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("outbox: %w", err)
		}
		var p OutboxPost
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, fmt.Errorf("outbox: %s/post.json: %w", e.Name(), err)
		}
		posts = append(posts, p)
	}
	sort.Slice(posts, func(i, j int) bool {
		if !posts[i].At.Equal(posts[j].At) {
			return posts[i].At.Before(posts[j].At)
		}
		return posts[i].ID < posts[j].ID
	})
	return posts, nil
}

// checkFolderName accepts post IDs that are safe as a folder name on every
// system: letters, digits and - _ . + = @, not starting with a dot.
func checkFolderName(id string) error {
	if id == "" {
		return errors.New("post has no ID")
	}
	if len(id) > 200 {
		return fmt.Errorf("post ID %.20q… is %d bytes; at most 200 allowed", id, len(id))
	}
	if id[0] == '.' {
		return fmt.Errorf("post ID %q starts with a dot", id)
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.+=@", r)
		if !ok {
			return fmt.Errorf("post ID %q has %q; allowed are letters, digits and - _ . + = @", id, r)
		}
	}
	return nil
}

// writeFileSync writes data to a new file and syncs it to disk.
func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
