//go:build !windows

// Package dbustest is for tests only: it starts a private D-Bus session
// bus, so tests of D-Bus clients and services never touch the desktop's
// real bus.
//
// It exists because helpers in _test.go files cannot be shared between
// packages, and the same start-up was written again in scheduler/presence,
// app/tray and app/daemon. It sits under scheduler/ (which imports nothing
// from app/) so that every layer above may import it. Production code
// must not import it: it imports package testing.
package dbustest

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Start starts a dbus-daemon with its socket in a temp folder and returns
// the bus address (unix:path=...). Its configuration has no service
// directories, so nothing real is activated on it, and lets any
// connection own any name and eavesdrop. The daemon is stopped by PID
// when the test ends (on Linux it also dies with the test binary, should
// a timeout kill that first). A missing dbus-daemon skips the test, or
// fails it when CI=true, since CI must prove it.
func Start(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		msg := "dbus-daemon not found: install the Debian package dbus"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "bus.conf")
	err = os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=`+sock+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	// It prints its address once it listens: the socket file alone shows
	// up before the daemon accepts connections.
	ready, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer ready.Close()
	cmd := exec.Command(bin, "--config-file="+conf, "--nofork", "--nopidfile", "--nosyslog", "--print-address=1")
	// Its only chatter on stderr is about raising the fd limit, which a
	// test bus does not need.
	cmd.Stdout, cmd.Stderr = w, nil
	cmd.SysProcAttr = dieWithParent()
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatalf("starting dbus-daemon: %v", err)
	}
	pid := cmd.Process.Pid
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(pid, syscall.SIGKILL)
			<-exited
		}
	})
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(ready).ReadString('\n')
		line <- strings.TrimSpace(l)
	}()
	select {
	case l := <-line:
		if l == "" {
			<-exited
			t.Fatalf("dbus-daemon exited before listening: %v", waitErr)
		}
		return "unix:path=" + sock
	case <-time.After(10 * time.Second):
		t.Fatalf("dbus-daemon did not listen on %s within 10 s", sock)
	}
	return ""
}
