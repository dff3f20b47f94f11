package dbustest

import "syscall"

// dieWithParent has the kernel kill the bus when the test binary dies.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
