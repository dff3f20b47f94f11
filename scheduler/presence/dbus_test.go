//go:build !windows && !darwin

package presence

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"

	"github.com/tidbit-learn/tidbit/scheduler/presence/dbustest"
)

// service is a stand-in D-Bus service on the private bus.
type service struct {
	conn *dbus.Conn
}

func export(t *testing.T, addr, name string) *service {
	t.Helper()
	c, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	reply, err := c.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("owning %s: %v %v", name, reply, err)
	}
	return &service{conn: c}
}

// mutter answers GetIdletime; when hold is set it tells got and never replies.
type mutter struct {
	ms   atomic.Uint64
	hold atomic.Bool
	got  chan struct{}
}

func (m *mutter) GetIdletime() (uint64, *dbus.Error) {
	if m.hold.Load() {
		m.got <- struct{}{}
		select {} // the test closes the connection or lets the caller time out
	}
	return m.ms.Load(), nil
}

type screenSaver struct{ sec uint32 }

func (s screenSaver) GetSessionIdleTime() (uint32, *dbus.Error) { return s.sec, nil }

type loginManager struct{}

func (loginManager) GetSession(id string) (dbus.ObjectPath, *dbus.Error) {
	if id != "c7" {
		return "", dbus.NewError("org.freedesktop.login1.NoSuchSession", []any{"no session " + id})
	}
	return "/org/freedesktop/login1/session/c7", nil
}

func exportProps(t *testing.T, s *service, path dbus.ObjectPath, iface, name string, v any) *prop.Properties {
	t.Helper()
	p, err := prop.Export(s.conn, path, prop.Map{iface: {name: {Value: v, Emit: prop.EmitTrue}}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func dbusOpts(addr string) Options {
	return Options{SessionBus: addr, SystemBus: addr, Display: "-", DisableCommands: true,
		CallTimeout: 500 * time.Millisecond, Getenv: func(string) string { return "" }}
}

func TestDBusIdleBackends(t *testing.T) {
	tests := []struct {
		name     string
		mutter   bool
		saver    bool
		want     time.Duration
		wantName string
	}{
		{"mutter preferred", true, true, 1234 * time.Millisecond, "Mutter"},
		{"screensaver in seconds", false, true, 42 * time.Second, "ScreenSaver"},
		{"nothing: unknown", false, false, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr := dbustest.Start(t)
			if tc.mutter {
				s := export(t, addr, "org.gnome.Mutter.IdleMonitor")
				m := &mutter{}
				m.ms.Store(1234)
				if err := s.conn.Export(m, "/org/gnome/Mutter/IdleMonitor/Core", "org.gnome.Mutter.IdleMonitor"); err != nil {
					t.Fatal(err)
				}
			}
			if tc.saver {
				s := export(t, addr, "org.freedesktop.ScreenSaver")
				if err := s.conn.Export(screenSaver{42}, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"); err != nil {
					t.Fatal(err)
				}
			}
			m := Probe(context.Background(), dbusOpts(addr))
			defer m.Close()
			d := m.Describe()
			got, err := m.IdleTime(context.Background())
			if tc.wantName == "" {
				if d.Known || err != ErrUnknown || !strings.Contains(d.String(), "unknown") {
					t.Fatalf("Describe = %+v, IdleTime err = %v; want unknown", d, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(d.Idle, tc.wantName) || got != tc.want {
				t.Fatalf("backend %q idle %v, want %s and %v", d.Idle, got, tc.wantName, tc.want)
			}
		})
	}
}

func TestDBusSignals(t *testing.T) {
	addr := dbustest.Start(t)
	login := export(t, addr, "org.freedesktop.login1")
	auto := exportProps(t, login, "/org/freedesktop/login1/session/auto", "org.freedesktop.login1.Session", "LockedHint", false)
	c7 := exportProps(t, login, "/org/freedesktop/login1/session/c7", "org.freedesktop.login1.Session", "LockedHint", true)
	if err := login.conn.Export(loginManager{}, "/org/freedesktop/login1", "org.freedesktop.login1.Manager"); err != nil {
		t.Fatal(err)
	}
	notif := export(t, addr, "org.freedesktop.Notifications")
	inhibited := exportProps(t, notif, "/org/freedesktop/Notifications", "org.freedesktop.Notifications", "Inhibited", false)

	tests := []struct {
		name      string
		session   string
		setAuto   bool
		setC7     bool
		inhibited bool
		want      string
	}{
		{"all clear", "", false, true, false, ""},
		{"locked (auto session)", "", true, true, false, "locked"},
		{"do not disturb", "", false, true, true, "do-not-disturb"},
		{"locked and dnd", "", true, false, true, "do-not-disturb,locked"},
		{"XDG_SESSION_ID picks the session", "c7", false, true, false, "locked"},
		{"XDG_SESSION_ID unlocked", "c7", true, false, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			auto.SetMust("org.freedesktop.login1.Session", "LockedHint", tc.setAuto)
			c7.SetMust("org.freedesktop.login1.Session", "LockedHint", tc.setC7)
			inhibited.SetMust("org.freedesktop.Notifications", "Inhibited", tc.inhibited)
			o := dbusOpts(addr)
			o.Getenv = func(k string) string {
				if k == "XDG_SESSION_ID" {
					return tc.session
				}
				return ""
			}
			m := Probe(context.Background(), o)
			defer m.Close()
			sigs, err := m.NotNow(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range sigs {
				names = append(names, string(s))
			}
			if got := strings.Join(names, ","); got != tc.want {
				t.Fatalf("NotNow = %q, want %q (%s)", got, tc.want, m.Describe())
			}
			locked, ok := m.Locked(context.Background())
			if !ok || locked != strings.Contains(tc.want, "locked") {
				t.Fatalf("Locked = %v, %v", locked, ok)
			}
		})
	}
}

// TestDBusServiceVanishes: the idle service takes the call and leaves the bus
// without replying, then is gone; a second one hangs. Every call ends with an
// error within CallTimeout and the Monitor keeps working.
func TestDBusServiceVanishes(t *testing.T) {
	addr := dbustest.Start(t)
	s := export(t, addr, "org.gnome.Mutter.IdleMonitor")
	svc := &mutter{got: make(chan struct{}, 1)}
	svc.ms.Store(5000)
	if err := s.conn.Export(svc, "/org/gnome/Mutter/IdleMonitor/Core", "org.gnome.Mutter.IdleMonitor"); err != nil {
		t.Fatal(err)
	}
	m := Probe(context.Background(), dbusOpts(addr))
	defer m.Close()
	if !m.Known() {
		t.Fatalf("Mutter stand-in not found: %s", m.Describe())
	}

	t.Run("vanishes mid-call", func(t *testing.T) {
		svc.hold.Store(true)
		errc := make(chan error, 1)
		go func() { _, err := m.IdleTime(context.Background()); errc <- err }()
		<-svc.got
		s.conn.Close()
		select {
		case err := <-errc:
			if err == nil || !strings.Contains(err.Error(), "NoReply") {
				t.Fatalf("IdleTime = %v, want a NoReply error", err)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("IdleTime hung after the service left")
		}
	})
	t.Run("gone", func(t *testing.T) {
		_, err := m.IdleTime(context.Background())
		if err == nil || !strings.Contains(err.Error(), "NameHasNoOwner") {
			t.Fatalf("IdleTime = %v, want NameHasNoOwner (calls never auto-start services)", err)
		}
	})
	t.Run("hangs", func(t *testing.T) {
		s2 := export(t, addr, "org.gnome.Mutter.IdleMonitor")
		hung := &mutter{got: make(chan struct{}, 1)}
		hung.hold.Store(true)
		if err := s2.conn.Export(hung, "/org/gnome/Mutter/IdleMonitor/Core", "org.gnome.Mutter.IdleMonitor"); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err := m.IdleTime(context.Background())
		if err == nil {
			t.Fatal("IdleTime from a hung service succeeded")
		}
		if el := time.Since(start); el > 2*time.Second {
			t.Fatalf("IdleTime took %v with CallTimeout 500ms", el)
		}
	})
}

// TestNotNowWithoutBackends: nothing works; presence is unknown and says so.
func TestNotNowWithoutBackends(t *testing.T) {
	m := New(nil, nil, Options{})
	sigs, err := m.NotNow(context.Background())
	if len(sigs) != 0 || err != nil {
		t.Fatalf("NotNow with nothing = %v, %v", sigs, err)
	}
	if _, ok := m.Locked(context.Background()); ok {
		t.Fatal("Locked claims a signal")
	}
	if !strings.Contains(m.Describe().String(), "never") && !strings.Contains(m.Describe().String(), "not pop up") {
		t.Fatalf("Describe = %q", m.Describe().String())
	}
}

// TestReprobe: Tidbit started before the desktop's idle service; a later
// Reprobe finds it.
func TestReprobe(t *testing.T) {
	addr := dbustest.Start(t)
	m := Probe(context.Background(), dbusOpts(addr))
	defer m.Close()
	if m.Known() || m.Reprobe(context.Background()) {
		t.Fatal("idle known with no service on the bus")
	}
	s := export(t, addr, "org.gnome.Mutter.IdleMonitor")
	svc := &mutter{}
	svc.ms.Store(2500)
	if err := s.conn.Export(svc, "/org/gnome/Mutter/IdleMonitor/Core", "org.gnome.Mutter.IdleMonitor"); err != nil {
		t.Fatal(err)
	}
	if !m.Reprobe(context.Background()) {
		t.Fatalf("Reprobe did not find the service: %s", m.Describe())
	}
	d, err := m.IdleTime(context.Background())
	if err != nil || d != 2500*time.Millisecond {
		t.Fatalf("IdleTime = %v, %v", d, err)
	}
	if got := m.Describe().Idle; !strings.Contains(got, "Mutter") {
		t.Fatalf("Describe().Idle = %q", got)
	}
}
