//go:build !linux && !windows

package dbustest

import "syscall"

// dieWithParent: only Linux can tie a child's life to its parent's; the
// bus is still stopped by PID at cleanup.
func dieWithParent() *syscall.SysProcAttr { return nil }
