package doctor

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/godbus/dbus/v5"
	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

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

// PopupWMs are the X11 window managers, by the name they give themselves,
// under which the end-to-end tests (cmd/tidbit-ui, TestDesktopPopup) check
// that the lesson pop-up takes no keyboard focus.
var PopupWMs = []string{"Openbox", "Xfwm4", "Metacity"}

var quietXGB sync.Once

// WindowManager is the name the window manager of an X11 display gives
// itself (_NET_WM_NAME of its _NET_SUPPORTING_WM_CHECK window); "" when
// none says (no EWMH window manager runs).
func WindowManager(display string) (string, error) {
	quietXGB.Do(func() { xgb.Logger = log.New(io.Discard, "", 0) }) // it warns about a missing .Xauthority
	c, err := xgb.NewConnDisplay(display)
	if err != nil {
		return "", fmt.Errorf("connecting to X display %s: %w", display, err)
	}
	defer c.Close()
	atom := func(name string) (xproto.Atom, error) {
		r, err := xproto.InternAtom(c, false, uint16(len(name)), name).Reply()
		if err != nil {
			return 0, err
		}
		return r.Atom, nil
	}
	check, err := atom("_NET_SUPPORTING_WM_CHECK")
	if err != nil {
		return "", err
	}
	name, err := atom("_NET_WM_NAME")
	if err != nil {
		return "", err
	}
	root := xproto.Setup(c).DefaultScreen(c).Root
	r, err := xproto.GetProperty(c, false, root, check, xproto.AtomWindow, 0, 1).Reply()
	if err != nil || len(r.Value) != 4 {
		return "", err
	}
	n, err := xproto.GetProperty(c, false, xproto.Window(xgb.Get32(r.Value)), name, xproto.GetPropertyTypeAny, 0, 64).Reply()
	if err != nil {
		return "", err
	}
	return string(n.Value), nil
}

// Popup says how an offer will appear on this desktop: as a notification
// (notifyOffers, or Wayland without XWayland), or as the pop-up window
// under a window manager the pop-up was or was not checked under. A
// window manager Tidbit was not tested with is a warning, with the way
// out should a pop-up take the keyboard focus there.
func Popup(env Env, notifyOffers bool) Check {
	return Check{Name: "pop-up", Run: func(ctx context.Context) Result {
		x := env.Getenv("DISPLAY")
		switch {
		case notifyOffers:
			return Result{Status: OK, Detail: "offers come as desktop notifications (notify_offers is on)"}
		case x == "" && env.Getenv("WAYLAND_DISPLAY") != "":
			return Result{Status: OK, Detail: "offers come as desktop notifications (Wayland without XWayland)"}
		case x == "":
			return Result{Status: OK, Detail: "no display: no pop-ups (see display)"}
		}
		wm, err := WindowManager(x)
		return popupUnder(wm, err)
	}}
}

// popupUnder is Popup's verdict on an X11 window manager named wm (err:
// it could not be asked).
func popupUnder(wm string, err error) Result {
	switch {
	case err != nil:
		return Result{Status: Warn, Detail: fmt.Sprintf("cannot ask the window manager: %v", err)}
	case wm == "":
		return Result{Status: Warn, Detail: "no window manager answers (EWMH): the pop-up cannot be kept on top and off the task bar",
			Fix: "if a pop-up gets in your way, run `tidbit settings set notify_offers=true`"}
	case slices.Contains(PopupWMs, wm):
		return Result{Status: OK, Detail: fmt.Sprintf("the pop-up takes no keyboard focus under %s (tested)", wm)}
	}
	return Result{Status: Warn, Detail: fmt.Sprintf("the pop-up was not tested under %s (tested: %s)", wm, strings.Join(PopupWMs, ", ")),
		Fix: "if a pop-up takes your keyboard focus, run `tidbit settings set notify_offers=true`"}
}
