//go:build linux

package session

import (
	"context"
	"errors"
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
