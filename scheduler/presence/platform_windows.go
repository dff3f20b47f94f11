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
	shell32              = syscall.NewLazyDLL("shell32.dll")
	procQueryUserNotif   = shell32.NewProc("SHQueryUserNotificationState")
)

// QUERY_USER_NOTIFICATION_STATE values.
const (
	qunsNotPresent = 1 // screen saver or locked
	qunsBusy       = 2 // a fullscreen application
	qunsD3DFull    = 3 // a fullscreen Direct3D application (game, video)
	qunsPresenting = 4 // presentation mode
	qunsQuietTime  = 6 // first hour after a new user's first login
	qunsApp        = 7 // a fullscreen Store app
)

func userNotificationState() (uint32, error) {
	var state uint32
	r, _, _ := procQueryUserNotif.Call(uintptr(unsafe.Pointer(&state)))
	if r != 0 { // an HRESULT; S_OK is 0
		return 0, fmt.Errorf("SHQueryUserNotificationState: HRESULT 0x%08x", uint32(r))
	}
	return state, nil
}

// windowsState maps SHQueryUserNotificationState to one signal.
type windowsState struct {
	sig    Signal
	states []uint32
}

func (w windowsState) Signal() Signal { return w.sig }
func (windowsState) Name() string     { return "Windows SHQueryUserNotificationState" }

func (w windowsState) Check(ctx context.Context) (bool, error) {
	st, err := userNotificationState()
	if err != nil {
		return false, err
	}
	for _, v := range w.states {
		if st == v {
			return true, nil
		}
	}
	return false, nil
}

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

// platformBackends on Windows: GetLastInputInfo for idle time and
// SHQueryUserNotificationState for locked, fullscreen/presentation and quiet
// time. Focus assist (do-not-disturb) has no public API and is not read.
// Compiled, not run: there is no Windows machine in CI.
func platformBackends(ctx context.Context, o *Options) ([]IdleSource, []Checker, []func() error) {
	checks := []Checker{
		windowsState{Locked, []uint32{qunsNotPresent}},
		windowsState{Fullscreen, []uint32{qunsBusy, qunsD3DFull, qunsPresenting, qunsApp}},
		windowsState{DoNotDisturb, []uint32{qunsQuietTime}},
	}
	return []IdleSource{windowsIdle{}}, checks, nil
}
