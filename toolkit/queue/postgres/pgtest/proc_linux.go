package pgtest

import "syscall"

// sysProcAttr runs a server process as cred (nil: as this process) and
// has the kernel kill it if the test binary dies without stopping it.
func sysProcAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
}
