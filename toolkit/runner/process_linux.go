package runner

import (
	"os"
	"strconv"
	"strings"
)

// ProcessStart identifies when process pid started: its start time in
// clock ticks since boot, from /proc/<pid>/stat, with the boot's id, so a
// pid reused after a reboot is not taken for the same process either. ""
// when it cannot be read.
func ProcessStart(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	// the command name (field 2) is in parentheses and may hold spaces;
	// the fields after its closing parenthesis start at field 3
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return ""
	}
	fields := strings.Fields(s[i+1:])
	const starttime = 22 - 3
	if len(fields) <= starttime {
		return ""
	}
	return fields[starttime] + "@" + bootID()
}

func bootID() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return "boot"
	}
	return strings.ReplaceAll(strings.TrimSpace(string(b)), "-", "")[:8]
}

// processAlive reports whether process pid, started at start, still runs.
// An unknown start ("") is taken as alive: its lease is left to expire.
func processAlive(pid int, start string) bool {
	if start == "" {
		return true
	}
	now := ProcessStart(pid)
	return now != "" && now == start
}
