package daemon

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/tidbit-learn/tidbit/app/doctor"
)

// Notification is a desktop notification with actions.
type Notification struct {
	Summary, Body string
	Actions       []Action
	// Timeout is how long the server shows it; 0: the server's default.
	Timeout time.Duration
	// OnAction gets the chosen action's key, or "" when the notification
	// was closed or expired without one. Called once, on another goroutine.
	OnAction func(key string)
}

// Action is a button on a notification.
type Action struct{ Key, Label string }

// Notifier shows notifications; DBusNotifier is the real one.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
	Close() error
}

const (
	notifyName  = "org.freedesktop.Notifications"
	notifyPath  = "/org/freedesktop/Notifications"
	notifyIface = "org.freedesktop.Notifications"
)

// DBusNotifier talks to the desktop's notification server
// (org.freedesktop.Notifications) on the session bus.
type DBusNotifier struct {
	conn    *dbus.Conn
	signals chan *dbus.Signal
	mu      sync.Mutex
	waiting map[uint32]func(string)
	done    chan struct{}
}

// NewDBusNotifier connects to the running session bus at address ("" :
// the one getenv's DBUS_SESSION_BUS_ADDRESS or XDG_RUNTIME_DIR names). It
// never starts a bus: godbus's ConnectSessionBus would run dbus-launch and
// leave a daemon behind.
func NewDBusNotifier(address string, getenv func(string) string) (*DBusNotifier, error) {
	var conn *dbus.Conn
	if address == "" {
		c, why := doctor.SessionBus(doctor.Env{Getenv: getenv})
		if c == nil {
			return nil, fmt.Errorf("notifications: %s", why)
		}
		conn = c
	} else {
		c, err := dbus.Connect(address)
		if err != nil {
			return nil, fmt.Errorf("notifications: cannot reach the session bus: %w", err)
		}
		conn = c
	}
	n := &DBusNotifier{conn: conn, signals: make(chan *dbus.Signal, 16), waiting: map[uint32]func(string){}, done: make(chan struct{})}
	for _, member := range []string{"ActionInvoked", "NotificationClosed"} {
		if err := conn.AddMatchSignal(dbus.WithMatchInterface(notifyIface), dbus.WithMatchMember(member), dbus.WithMatchObjectPath(notifyPath)); err != nil {
			conn.Close()
			return nil, fmt.Errorf("notifications: %w", err)
		}
	}
	conn.Signal(n.signals)
	go n.listen()
	return n, nil
}

func (n *DBusNotifier) listen() {
	defer close(n.done)
	for sig := range n.signals {
		if len(sig.Body) < 2 {
			continue
		}
		id, ok := sig.Body[0].(uint32)
		if !ok {
			continue
		}
		key := ""
		if sig.Name == notifyIface+".ActionInvoked" {
			key, _ = sig.Body[1].(string)
		}
		n.mu.Lock()
		f := n.waiting[id]
		delete(n.waiting, id)
		n.mu.Unlock()
		if f != nil {
			f(key)
		}
	}
}

// Available reports whether a notification server runs.
func (n *DBusNotifier) Available(ctx context.Context) bool {
	var ok bool
	err := n.conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, notifyName).Store(&ok)
	return err == nil && ok
}

// Notify shows n. A server that does not answer within ctx is an error.
func (n *DBusNotifier) Notify(ctx context.Context, note Notification) error {
	actions := make([]string, 0, 2*len(note.Actions))
	for _, a := range note.Actions {
		actions = append(actions, a.Key, a.Label)
	}
	timeout := int32(-1)
	if note.Timeout > 0 {
		timeout = int32(note.Timeout / time.Millisecond)
	}
	hints := map[string]dbus.Variant{"desktop-entry": dbus.MakeVariant("tidbit"), "urgency": dbus.MakeVariant(byte(0))}
	// The reply and a quick click's ActionInvoked can race: hold the lock
	// across the call so listen finds the callback.
	n.mu.Lock()
	defer n.mu.Unlock()
	var id uint32
	err := n.conn.Object(notifyName, notifyPath).CallWithContext(ctx, notifyIface+".Notify", 0,
		"Tidbit", uint32(0), "", note.Summary, note.Body, actions, hints, timeout).Store(&id)
	if err != nil {
		return fmt.Errorf("showing a notification: %w", err)
	}
	if note.OnAction != nil {
		n.waiting[id] = note.OnAction
	}
	return nil
}

// Close disconnects.
func (n *DBusNotifier) Close() error {
	if n == nil || n.conn == nil {
		return errors.New("notifications: not connected")
	}
	// Closing the connection closes the signal channel (godbus), which
	// ends listen.
	err := n.conn.Close()
	<-n.done
	return err
}
