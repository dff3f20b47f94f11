//go:build !windows

package presence

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jezek/xgb"
)

// need skips (locally) or fails (CI=true) when a program the test runs is missing.
func need(t *testing.T, program, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err == nil {
		return p
	}
	msg := fmt.Sprintf("%s not found: install Debian package %s", program, debianPackage)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// startBus starts a private dbus-daemon with its socket in a temp folder and a
// configuration with no service directories, so nothing real is activated on
// it. It returns the bus address; the daemon is killed by PID at cleanup.
func startBus(t *testing.T) string {
	t.Helper()
	daemon := need(t, "dbus-daemon", "dbus")
	dir := t.TempDir()
	sock := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "bus.conf")
	err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
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
	out, err := exec.Command(daemon, "--config-file="+conf, "--fork", "--print-pid=1", "--nosyslog").Output()
	if err != nil {
		t.Fatalf("starting dbus-daemon: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("dbus-daemon printed %q, not a PID", out)
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGTERM) })
	waitFor(t, func() bool { _, err := os.Stat(sock); return err == nil }, "dbus-daemon socket")
	return "unix:path=" + sock
}

// startXvfb starts Xvfb on a free display number, with no TCP listener, and
// returns ":N" and the PID (killed at cleanup). Numbers are drawn from
// 200-899: other programs on a shared machine tend to use the low ones (and
// -displayfd would start at :0).
func startXvfb(t *testing.T) (string, int) {
	t.Helper()
	xvfb := need(t, "Xvfb", "xvfb")
	newX11("") // silences xgb's logger
	var lastErr error
	for try := 0; try < 10; try++ {
		n := 200 + rand.IntN(700)
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		// -noreset: by default the server resets when its last client leaves,
		// and a connection made during the reset breaks.
		cmd := exec.Command(xvfb, display, "-nolisten", "tcp", "-noreset", "-screen", "0", "640x480x24")
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting Xvfb: %v", err)
		}
		pid := cmd.Process.Pid
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		t.Cleanup(func() {
			_ = syscall.Kill(pid, syscall.SIGTERM)
			<-exited
		})
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			select {
			case <-exited:
				lastErr = fmt.Errorf("Xvfb %s exited at start", display)
			default:
			}
			if lastErr != nil {
				break
			}
			c, err := xgb.NewConnDisplay(display)
			if err == nil {
				c.Close()
				return display, pid
			}
			lastErr = nil
			time.Sleep(50 * time.Millisecond)
		}
		if lastErr == nil {
			t.Fatalf("Xvfb %s (pid %d) accepts no connection after 10 s", display, pid)
		}
	}
	t.Fatalf("no free X display found: %v", lastErr)
	return "", 0
}

func waitFor(t *testing.T, ok func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
