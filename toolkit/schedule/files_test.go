//go:build unix

package schedule

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campaignkit/campaignkit/schedules"
	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/toolkittest"
)

// TestFindRefusesUnreadableScheduleFiles: a schedule file that is a named
// pipe or leads out of the campaign folder is a problem placed at the
// campaign's `schedule:` field (no file: the caller knows the line), and
// finding it never blocks.
func TestFindRefusesUnreadableScheduleFiles(t *testing.T) {
	top := t.TempDir()
	dir := filepath.Join(top, "c")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(top, "theirs.yaml"), []byte("slots: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	toolkittest.FIFO(t, filepath.Join(dir, "pipe.yaml"))
	if err := os.Symlink("../theirs.yaml", filepath.Join(dir, "out.yaml")); err != nil {
		t.Fatal(err)
	}
	f, err := toolkit.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct{ name, msg string }{
		{"pipe", "named pipe"},
		{"pipe.yaml", "named pipe"},
		{"out", "leads outside the folder"},
		{"out.yaml", "leads outside the folder"},
	} {
		err := toolkittest.Returns(t, 10*time.Second, "Find("+tc.name+")", func() error {
			_, err := Find(f, schedules.FS, tc.name)
			return err
		})
		var ie *toolkit.InvalidError
		if !errors.As(err, &ie) || len(ie.Problems) != 1 {
			t.Fatalf("%s: got %v, want one problem", tc.name, err)
		}
		if p := ie.Problems[0]; p.File != "" || p.Field != "schedule" || !strings.Contains(p.Msg, tc.msg) {
			t.Errorf("%s: got %+v, want a problem at the field schedule saying %q", tc.name, p, tc.msg)
		}
	}
}
