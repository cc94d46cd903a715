//go:build !linux

package runner

// ProcessStart is "" where the system does not say when a process
// started: the posts of a dead runner then wait for their lease to end.
func ProcessStart(pid int) string { return "" }

func processAlive(pid int, start string) bool { return true }
