package doctor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/godbus/dbus/v5"
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

// sessionBus connects to the user's D-Bus session bus, or says why not.
func sessionBus(env Env) (*dbus.Conn, string) {
	if env.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" && env.Getenv("XDG_RUNTIME_DIR") == "" {
		return nil, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset)"
	}
	conn, err := dbus.ConnectSessionBus()
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
		if hasOwner(ctx, conn, "org.kde.StatusNotifierWatcher") {
			return Result{Status: OK, Detail: "a StatusNotifierItem host is running"}
		}
		return Result{Status: Warn, Detail: "no tray host (plain GNOME shows no tray icons)",
			Fix: "install a tray extension (e.g. AppIndicator support) or use notifications and `tidbit learn`"}
	}}
}

// IdleSource reports which idle-time sources this session offers. Tidbit's
// idle watching itself arrives with the moments feature; until then this
// check says what it will be able to use.
func IdleSource(env Env) Check {
	return Check{Name: "idle source", Run: func(ctx context.Context) Result {
		var found []string
		if conn, _ := sessionBus(env); conn != nil {
			for _, n := range []string{"org.gnome.Mutter.IdleMonitor", "org.freedesktop.ScreenSaver"} {
				if hasOwner(ctx, conn, n) {
					found = append(found, n)
				}
			}
			conn.Close()
		}
		if env.Getenv("DISPLAY") != "" {
			found = append(found, "X11 MIT-SCREEN-SAVER on "+env.Getenv("DISPLAY"))
		}
		if len(found) == 0 {
			return Result{Status: Warn, Detail: "none found: Tidbit will not pop up on idle alone",
				Fix: "run inside a desktop session (X11, GNOME or KDE)"}
		}
		return Result{Status: Warn, Detail: "available: " + strings.Join(found, ", ") + "; Tidbit does not watch idle time yet (it comes with moments)"}
	}}
}
