package doctor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/tidbit-learn/tidbit/scheduler/presence"
)

// Env is the part of the environment the desktop checks read.
type Env struct {
	Getenv func(string) string
}

// Display reports the graphical session Tidbit would show windows in.
func Display(env Env) Check {
	return Check{Name: "display", Run: func(ctx context.Context) Result {
		wl, x := env.Getenv("WAYLAND_DISPLAY"), env.Getenv("DISPLAY")
		switch {
		case wl != "" && x != "":
			return Result{Status: OK, Detail: fmt.Sprintf("Wayland (%s) with XWayland (%s)", wl, x)}
		case wl != "":
			return Result{Status: Warn, Detail: "Wayland without XWayland: pop-ups will come as notifications",
				Fix: "enable XWayland for non-intrusive lesson windows"}
		case x != "":
			if sock := x11Socket(x); sock != "" {
				if _, err := os.Stat(sock); err != nil {
					return Result{Status: Warn, Detail: "DISPLAY=" + x + " but " + sock + " is missing", Fix: "start your desktop session"}
				}
			}
			return Result{Status: OK, Detail: "X11 (DISPLAY=" + x + ")"}
		}
		return Result{Status: Warn, Detail: "no graphical session: no pop-ups here",
			Fix: "`tidbit learn` works in this terminal; run Tidbit inside a desktop session for pop-ups"}
	}}
}

func x11Socket(display string) string {
	if !strings.HasPrefix(display, ":") {
		return "" // a remote or TCP display: nothing local to check
	}
	n, _, _ := strings.Cut(display[1:], ".")
	return filepath.Join("/tmp/.X11-unix", "X"+n)
}

// SessionBus connects to the user's running D-Bus session bus, or says
// why not; it never starts one. The caller closes the connection.
func SessionBus(env Env) (*dbus.Conn, string) { return sessionBus(env) }

// TrayHostRunning reports whether a StatusNotifierItem host (the tray)
// is on the session bus; known is false when the bus cannot be asked.
func TrayHostRunning(ctx context.Context, env Env) (running, known bool) {
	conn, _ := sessionBus(env)
	if conn == nil {
		return false, false
	}
	defer conn.Close()
	return hasOwner(ctx, conn, trayWatcher), true
}

// trayWatcher is the name a tray host owns on the session bus.
const trayWatcher = "org.kde.StatusNotifierWatcher"

// sessionBus connects to the user's D-Bus session bus, or says why not.
func sessionBus(env Env) (*dbus.Conn, string) {
	if env.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" && env.Getenv("XDG_RUNTIME_DIR") == "" {
		return nil, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset)"
	}
	// Only a running bus: godbus's ConnectSessionBus would start one with
	// dbus-launch and leave it behind.
	conn, err := dbus.SessionBusPrivateNoAutoStartup()
	if err == nil {
		if err = conn.Auth(nil); err == nil {
			err = conn.Hello()
		}
		if err != nil {
			conn.Close()
		}
	}
	if err != nil {
		return nil, "cannot reach the D-Bus session bus: " + err.Error()
	}
	return conn, ""
}

func hasOwner(ctx context.Context, conn *dbus.Conn, name string) bool {
	var ok bool
	err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, name).Store(&ok)
	return err == nil && ok
}

// TrayHost reports whether a StatusNotifierItem host (the tray) is running.
func TrayHost(env Env) Check {
	return Check{Name: "tray host", Run: func(ctx context.Context) Result {
		conn, why := sessionBus(env)
		if conn == nil {
			return Result{Status: Warn, Detail: why, Fix: "run Tidbit inside a desktop session; `tidbit learn` works without one"}
		}
		defer conn.Close()
		if hasOwner(ctx, conn, trayWatcher) {
			return Result{Status: OK, Detail: "a StatusNotifierItem host is running"}
		}
		return Result{Status: Warn, Detail: "no tray host (plain GNOME shows no tray icons)",
			Fix: "install a tray extension (e.g. AppIndicator support) or use notifications and `tidbit learn`"}
	}}
}

// IdleSource probes the idle-time backends and "not now" signals the
// scheduler would use (scheduler/presence), with every call bounded.
func IdleSource(env Env) Check {
	return Check{Name: "idle source", Run: func(ctx context.Context) Result {
		m := presence.Probe(ctx, presence.Options{Getenv: env.Getenv, Display: orDash(env.Getenv("DISPLAY"))})
		defer m.Close()
		d := m.Describe()
		signals := "none"
		if len(d.Signals) > 0 {
			signals = strings.Join(d.Signals, ", ")
		}
		if !d.Known {
			return Result{Status: Warn, Detail: "no idle-time source: Tidbit will not pop up on idle alone (calendar moments still work); not-now signals: " + signals,
				Fix: "run inside a desktop session (GNOME, KDE or X11)"}
		}
		return Result{Status: OK, Detail: d.Idle + "; not-now signals: " + signals}
	}}
}

// orDash turns an unset DISPLAY into presence's "no X11" marker, so the
// probe never falls back to a display the environment did not name.
func orDash(display string) string {
	if display == "" {
		return "-"
	}
	return display
}
