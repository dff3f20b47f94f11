//go:build !windows && !darwin

package presence

import (
	"context"
	"strings"
)

// platformBackends lists, in order of preference, the idle sources and the
// signals to probe on Linux and the BSDs.
func platformBackends(ctx context.Context, o *Options) ([]IdleSource, []Checker, []func() error) {
	var (
		idles   []IdleSource
		checks  []Checker
		closers []func() error
	)
	if o.SessionBus != "-" {
		sb := &bus{name: "session", addr: o.SessionBus}
		closers = append(closers, sb.close)
		idles = append(idles, mutterIdle{sb}, screenSaverIdle{sb})
		checks = append(checks, notificationsInhibited{sb})
	}
	if o.SystemBus != "-" {
		yb := &bus{name: "system", addr: o.SystemBus}
		closers = append(closers, yb.close)
		checks = append(checks, logindLocked{b: yb, sessionID: o.Getenv("XDG_SESSION_ID")})
	}
	display := o.Display
	if display == "" {
		display = o.Getenv("DISPLAY")
	}
	if display != "" && display != "-" {
		x := newX11(display)
		closers = append(closers, x.close)
		idles = append(idles, x11Idle{x})
		checks = append(checks, x11Fullscreen{x})
	}
	if !o.DisableCommands {
		if strings.Contains(strings.ToUpper(o.Getenv("XDG_CURRENT_DESKTOP")), "GNOME") {
			checks = append(checks, gnomeBanners{o.Run})
		}
		checks = append(checks, xfceDND{o.Run}, pactlMicrophone{o.Run})
	}
	return idles, checks, closers
}
