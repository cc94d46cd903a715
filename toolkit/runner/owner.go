package runner

import (
	"fmt"
	"strconv"
	"strings"
)

// OwnerName names a runner in leases and heartbeats: its host, its pid, the
// start of its process (see ProcessStart) and a random tag, as
// "host:pid:start:tag". Another runner of the same host can then tell that
// the process is gone, and not mistake a new process that reuses the pid
// for it.
func OwnerName(host string, pid int, start, tag string) string {
	return fmt.Sprintf("%s:%d:%s:%s", host, pid, start, tag)
}

// ParseOwner reads an owner name written by OwnerName. Host names may hold
// colons (IPv6 literals), so the fields are taken from the right.
func ParseOwner(owner string) (host string, pid int, start string, ok bool) {
	parts := strings.Split(owner, ":")
	if len(parts) < 4 {
		return "", 0, "", false
	}
	n := len(parts)
	pid, err := strconv.Atoi(parts[n-3])
	if err != nil || pid <= 0 || parts[n-2] == "" {
		return "", 0, "", false
	}
	return strings.Join(parts[:n-3], ":"), pid, parts[n-2], true
}
