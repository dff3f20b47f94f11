//go:build darwin

package presence

import (
	"context"
	"time"
)

// macIdle reads HIDIdleTime from `ioreg -c IOHIDSystem` (no cgo needed).
type macIdle struct{ run Runner }

func (macIdle) Name() string { return "macOS IOHIDSystem HIDIdleTime (ioreg)" }

func (m macIdle) IdleTime(ctx context.Context) (time.Duration, error) {
	out, err := m.run(ctx, "ioreg", "-c", "IOHIDSystem", "-d", "4", "-k", "HIDIdleTime")
	if err != nil {
		return 0, err
	}
	return ParseHIDIdleTime(out)
}

// platformBackends on macOS: idle time only; Focus (do-not-disturb) and
// fullscreen detection are not implemented.
func platformBackends(ctx context.Context, o *Options) ([]IdleSource, []Checker, []func() error) {
	return []IdleSource{macIdle{o.Run}}, nil, nil
}
