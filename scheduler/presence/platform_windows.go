//go:build windows

package presence

import (
	"context"
	"fmt"
	"syscall"
	"time"
	"unsafe"
)

var (
	user32               = syscall.NewLazyDLL("user32.dll")
	kernel32             = syscall.NewLazyDLL("kernel32.dll")
	procGetLastInputInfo = user32.NewProc("GetLastInputInfo")
	procGetTickCount     = kernel32.NewProc("GetTickCount")
)

// windowsIdle is GetLastInputInfo against GetTickCount (both 32-bit
// milliseconds; the subtraction survives the 49-day wrap).
type windowsIdle struct{}

func (windowsIdle) Name() string { return "Windows GetLastInputInfo" }

func (windowsIdle) IdleTime(ctx context.Context) (time.Duration, error) {
	var info struct {
		cbSize uint32
		dwTime uint32
	}
	info.cbSize = uint32(unsafe.Sizeof(info))
	r, _, err := procGetLastInputInfo.Call(uintptr(unsafe.Pointer(&info)))
	if r == 0 {
		return 0, fmt.Errorf("GetLastInputInfo: %w", err)
	}
	tick, _, _ := procGetTickCount.Call()
	return time.Duration(uint32(tick)-info.dwTime) * time.Millisecond, nil
}

// platformBackends on Windows: idle time only. Not-now signals
// (SHQueryUserNotificationState for presentation and quiet-time modes) are not
// implemented yet.
func platformBackends(ctx context.Context, o *Options) ([]IdleSource, []Checker, []func() error) {
	return []IdleSource{windowsIdle{}}, nil, nil
}
