//go:build linux

package session

import (
	"context"
	"errors"
	"github.com/tidbit-learn/tidbit/app/doctor"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// TestStartAndClose brings a full session up (the panel's tray watcher
// answers on the private bus), runs a program in it with the session's
// environment, and checks Close stops every process it started.
func TestStartAndClose(t *testing.T) {
	if m := Missing(); len(m) > 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must install: %s", strings.Join(m, ", "))
		}
		t.Skipf("install %s to run this test", strings.Join(m, ", "))
	}
	s, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			s.Close()
		}
	}()
	conn, err := dbus.Connect(s.Bus)
	if err != nil {
		t.Fatal(err)
	}
	var owner string
	err = conn.BusObject().Call("org.freedesktop.DBus.GetNameOwner", 0, "org.kde.StatusNotifierWatcher").Store(&owner)
	conn.Close()
	if err != nil || owner == "" {
		t.Fatalf("no tray watcher on the private bus: %v", err)
	}
	sh, err := s.Start("sh", "-c", `echo "$DISPLAY $HOME"; exec sleep 60`)
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	s.mu.Lock()
	for _, p := range s.procs {
		pids = append(pids, p.cmd.Process.Pid)
	}
	s.mu.Unlock()
	if len(pids) != 5 { // Xvfb, dbus-daemon, openbox, xfce4-panel, sh
		t.Fatalf("started %d processes, want 5", len(pids))
	}
	deadline := time.Now().Add(5 * time.Second)
	var out []byte
	for time.Now().Before(deadline) {
		out, _ = os.ReadFile(s.Dir + "/log/sh.log")
		if len(out) > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if want := s.Display + " " + s.Dir + "/home\n"; string(out) != want {
		t.Fatalf("the program saw %q, want %q", out, want)
	}
	if err := s.Exited(sh); err == nil || err.Error() != "still running" {
		t.Fatalf("Exited before the end: %v", err)
	}
	dir := s.Dir
	s.Close()
	closed = true
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("process %d still exists after Close: %v", pid, err)
		}
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the session folder %s is still there: %v", dir, err)
	}
}

// TestWindowManagers starts a session (no panel) with each window manager
// and reads which one answers: the name on its _NET_SUPPORTING_WM_CHECK
// window. A window manager that is not installed is skipped (a failure
// under CI=true, which installs them all).
func TestWindowManagers(t *testing.T) {
	cases := []struct {
		name, wm, answers string
	}{
		{"default", "", "Openbox"},
		{"openbox", Openbox, "Openbox"},
		{"xfwm4", Xfwm4, "Xfwm4"},
		{"metacity", Metacity, "Metacity"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if m := MissingWM(tc.wm); len(m) > 0 {
				if os.Getenv("CI") == "true" {
					t.Fatalf("CI must install: %s", strings.Join(m, ", "))
				}
				t.Skipf("install %s to run this test", strings.Join(m, ", "))
			}
			s, err := Start(t.Context(), Options{WM: tc.wm, NoPanel: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got := wmName(t, s.Display); got != tc.answers {
				t.Fatalf("the window manager is %q, want %q", got, tc.answers)
			}
			// `tidbit doctor` knows the pop-up was tested under it.
			env := doctor.Env{Getenv: func(k string) string { return map[string]string{"DISPLAY": s.Display}[k] }}
			if r := doctor.Popup(env, false).Run(t.Context()); r.Status != doctor.OK || !strings.Contains(r.Detail, tc.answers+" (tested)") {
				t.Fatalf("doctor's pop-up check: %+v", r)
			}
		})
	}
}

// wmName is the name the window manager gives itself, as `tidbit doctor`
// reads it.
func wmName(t *testing.T, display string) string {
	name, err := doctor.WindowManager(display)
	if err != nil {
		t.Fatal(err)
	}
	return name
}

func TestMissingWM(t *testing.T) {
	m := MissingWM("twm")
	if len(m) != 1 || !strings.Contains(m[0], `window manager "twm"`) || !strings.Contains(m[0], "openbox, xfwm4, metacity") {
		t.Fatalf("MissingWM(twm) = %q, want it named as unknown with the choices", m)
	}
}
