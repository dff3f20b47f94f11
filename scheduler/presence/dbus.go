package presence

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
)

// bus is a D-Bus connection opened on first use and reopened after the bus
// went away, so a restarted session bus does not leave the Monitor blind.
type bus struct {
	name string // "session" or "system"
	addr string // "" standard
	mu   sync.Mutex
	conn *dbus.Conn
}

func (b *bus) get(ctx context.Context) (*dbus.Conn, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn != nil && b.conn.Connected() {
		return b.conn, nil
	}
	var (
		c   *dbus.Conn
		err error
	)
	switch {
	case b.addr != "":
		c, err = dbus.Connect(b.addr, dbus.WithContext(context.WithoutCancel(ctx)))
	case b.name == "system":
		c, err = dbus.ConnectSystemBus()
	default:
		c, err = connectSessionNoLaunch()
	}
	if err != nil {
		return nil, fmt.Errorf("connecting to the %s bus: %w", b.name, err)
	}
	b.conn = c
	return c, nil
}

func (b *bus) close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn == nil {
		return nil
	}
	err := b.conn.Close()
	b.conn = nil
	return err
}

func (b *bus) call(ctx context.Context, dest string, path dbus.ObjectPath, method string, args ...any) (*dbus.Call, error) {
	c, err := b.get(ctx)
	if err != nil {
		return nil, err
	}
	// No auto-start: reading idle time or a property must not launch a service.
	call := c.Object(dest, path).CallWithContext(ctx, method, dbus.FlagNoAutoStart, args...)
	if call.Err != nil {
		return nil, describeDBusErr(call.Err)
	}
	return call, nil
}

func (b *bus) property(ctx context.Context, dest string, path dbus.ObjectPath, iface, prop string) (dbus.Variant, error) {
	var v dbus.Variant
	call, err := b.call(ctx, dest, path, "org.freedesktop.DBus.Properties.Get", iface, prop)
	if err != nil {
		return v, err
	}
	if err := call.Store(&v); err != nil {
		return v, fmt.Errorf("reading %s.%s: %w", iface, prop, err)
	}
	return v, nil
}

// describeDBusErr keeps the D-Bus error name, which says whether the service is
// missing (ServiceUnknown), went away mid-call (NoReply) or timed out.
func describeDBusErr(err error) error {
	var de dbus.Error
	if errors.As(err, &de) {
		msg := de.Name
		if len(de.Body) > 0 {
			if s, ok := de.Body[0].(string); ok {
				msg += ": " + s
			}
		}
		return errors.New(msg)
	}
	return err
}

// mutterIdle is GNOME's org.gnome.Mutter.IdleMonitor (X11 and Wayland).
type mutterIdle struct{ b *bus }

func (mutterIdle) Name() string { return "GNOME Mutter IdleMonitor (D-Bus)" }

func (s mutterIdle) IdleTime(ctx context.Context) (time.Duration, error) {
	call, err := s.b.call(ctx, "org.gnome.Mutter.IdleMonitor", "/org/gnome/Mutter/IdleMonitor/Core",
		"org.gnome.Mutter.IdleMonitor.GetIdletime")
	if err != nil {
		return 0, err
	}
	var ms uint64
	if err := call.Store(&ms); err != nil {
		return 0, fmt.Errorf("GetIdletime reply: %w", err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// screenSaverIdle is org.freedesktop.ScreenSaver GetSessionIdleTime (KDE and
// others), in seconds.
type screenSaverIdle struct{ b *bus }

func (screenSaverIdle) Name() string { return "org.freedesktop.ScreenSaver (D-Bus)" }

func (s screenSaverIdle) IdleTime(ctx context.Context) (time.Duration, error) {
	call, err := s.b.call(ctx, "org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver",
		"org.freedesktop.ScreenSaver.GetSessionIdleTime")
	if err != nil {
		return 0, err
	}
	var sec uint32
	if err := call.Store(&sec); err != nil {
		return 0, fmt.Errorf("GetSessionIdleTime reply: %w", err)
	}
	return time.Duration(sec) * time.Second, nil
}

// logindLocked reads the session's LockedHint from systemd-logind.
type logindLocked struct {
	b         *bus
	sessionID string // XDG_SESSION_ID; "" uses the caller's session ("auto")
}

func (logindLocked) Signal() Signal { return Locked }
func (logindLocked) Name() string   { return "logind LockedHint (D-Bus)" }

func (l logindLocked) Check(ctx context.Context) (bool, error) {
	path := dbus.ObjectPath("/org/freedesktop/login1/session/auto")
	if l.sessionID != "" {
		call, err := l.b.call(ctx, "org.freedesktop.login1", "/org/freedesktop/login1",
			"org.freedesktop.login1.Manager.GetSession", l.sessionID)
		if err != nil {
			return false, err
		}
		if err := call.Store(&path); err != nil {
			return false, fmt.Errorf("GetSession reply: %w", err)
		}
	}
	v, err := l.b.property(ctx, "org.freedesktop.login1", path, "org.freedesktop.login1.Session", "LockedHint")
	if err != nil {
		return false, err
	}
	on, ok := v.Value().(bool)
	if !ok {
		return false, fmt.Errorf("LockedHint is %s, not a boolean", v.Signature())
	}
	return on, nil
}

// notificationsInhibited reads org.freedesktop.Notifications' Inhibited
// property (KDE Plasma's do-not-disturb; other servers may implement it).
type notificationsInhibited struct{ b *bus }

func (notificationsInhibited) Signal() Signal { return DoNotDisturb }
func (notificationsInhibited) Name() string   { return "org.freedesktop.Notifications Inhibited (D-Bus)" }

func (n notificationsInhibited) Check(ctx context.Context) (bool, error) {
	v, err := n.b.property(ctx, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
		"org.freedesktop.Notifications", "Inhibited")
	if err != nil {
		return false, err
	}
	on, ok := v.Value().(bool)
	if !ok {
		return false, fmt.Errorf("Inhibited is %s, not a boolean", v.Signature())
	}
	return on, nil
}

// connectSessionNoLaunch connects to the running session bus only. godbus's
// ConnectSessionBus runs dbus-launch when no bus is found, which would leave
// a stray dbus-daemon behind on a machine without a desktop session.
func connectSessionNoLaunch() (*dbus.Conn, error) {
	c, err := dbus.SessionBusPrivateNoAutoStartup()
	if err != nil {
		return nil, err
	}
	if err := c.Auth(nil); err != nil {
		c.Close()
		return nil, err
	}
	if err := c.Hello(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}
