//go:build linux

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/store"
)

// The programs a real desktop session needs, with their Debian packages.
var desktopPrograms = [][2]string{
	{"Xvfb", "xvfb"}, {"dbus-daemon", "dbus"}, {"openbox", "openbox"}, {"xfce4-panel", "xfce4-panel"},
	{"xdotool", "xdotool"}, {"go", "golang (the Go toolchain)"},
}

func needPrograms(t testing.TB) {
	t.Helper()
	for _, p := range desktopPrograms {
		if _, err := exec.LookPath(p[0]); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing: CI must install the Debian package %s", p[0], p[1])
			}
			t.Skipf("%s is missing: install the Debian package %s to run the desktop test", p[0], p[1])
		}
	}
}

// session is a private desktop: Xvfb, a session bus, openbox and
// xfce4-panel as the tray host. Every process it starts is stopped by PID.
type session struct {
	t       testing.TB
	dir     string
	display string
	bus     string
	env     []string
}

// start runs a program of the session; the channel gets its exit.
func (s *session) start(name string, args ...string) (*exec.Cmd, <-chan error) {
	s.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = s.env
	log, err := os.Create(filepath.Join(s.dir, filepath.Base(name)+".log"))
	if err != nil {
		s.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	// Dies with the test binary even when a timeout kills it before cleanup.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("starting %s: %v", name, err)
	}
	done := make(chan error, 1)
	waited := make(chan struct{})
	go func() { done <- cmd.Wait(); close(waited) }()
	s.t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-waited
		log.Close()
	})
	return cmd, done
}

// logs returns what the session's programs wrote, for failure messages.
func (s *session) logs() string {
	var b strings.Builder
	files, _ := filepath.Glob(filepath.Join(s.dir, "*.log"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		fmt.Fprintf(&b, "--- %s\n%s\n", filepath.Base(f), data)
	}
	return b.String()
}

const panelXML = `<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=8;x=640;y=785"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="30"/>
      <property name="plugin-ids" type="array">
        <value type="int" value="1"/>
        <value type="int" value="2"/>
      </property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="separator"/>
    <property name="plugin-2" type="string" value="systray"/>
  </property>
</channel>
`

func newSession(t testing.TB) *session {
	t.Helper()
	// Not t.TempDir: programs started by the bus (xfconfd) may still be
	// writing as the test ends, so removal retries for a while.
	dir, err := os.MkdirTemp("", "tidbit-desktop-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i := 0; i < 50; i++ {
			if err := os.RemoveAll(dir); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("could not remove %s", dir)
	})
	s := &session{t: t, dir: dir}
	for _, d := range []string{"home", "config/xfce4/xfconf/xfce-perchannel-xml", "cache", "data", "runtime"} {
		if err := os.MkdirAll(filepath.Join(s.dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(s.dir, "config/xfce4/xfconf/xfce-perchannel-xml/xfce4-panel.xml"), []byte(panelXML), 0o600); err != nil {
		t.Fatal(err)
	}
	// Xvfb picks a free display and writes its number to fd 3.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	x.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := x.Start(); err != nil {
		t.Fatalf("starting Xvfb: %v", err)
	}
	t.Cleanup(func() { _ = x.Process.Kill(); _ = x.Wait() })
	w.Close()
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb did not report its display: %v", err)
	}
	s.display = ":" + strings.TrimSpace(line)
	s.bus = "unix:path=" + filepath.Join(s.dir, "bus")
	s.env = append(os.Environ(),
		"DISPLAY="+s.display, "DBUS_SESSION_BUS_ADDRESS="+s.bus, "HOME="+filepath.Join(s.dir, "home"),
		"XDG_CONFIG_HOME="+filepath.Join(s.dir, "config"), "XDG_CACHE_HOME="+filepath.Join(s.dir, "cache"),
		"XDG_DATA_HOME="+filepath.Join(s.dir, "data"), "XDG_RUNTIME_DIR="+filepath.Join(s.dir, "runtime"),
		"LANG=en_US.UTF-8", "LC_ALL=en_US.UTF-8",
		// No accessibility bus: GTK would start one that outlives the session.
		"NO_AT_BRIDGE=1", "GTK_A11Y=none")
	// xfconfd is started by the bus and inherits its environment, so the
	// bus gets XDG_CONFIG_HOME (the panel's config) from the start.
	s.start("dbus-daemon", "--session", "--nofork", "--nopidfile", "--address="+s.bus)
	waitFor(t, 10*time.Second, "the session bus", func() bool {
		_, err := os.Stat(filepath.Join(s.dir, "bus"))
		return err == nil
	}, s.logs)
	s.t.Cleanup(s.stopBusPeers)
	s.start("openbox")
	s.start("xfce4-panel", "--disable-wm-check")
	return s
}

// stopBusPeers stops the programs the private bus started for us
// (xfconfd): they are found by asking the bus for its peers' PIDs, so
// nothing outside this session is touched.
func (s *session) stopBusPeers() {
	conn, err := dbus.Connect(s.bus)
	if err != nil {
		return
	}
	defer conn.Close()
	var names []string
	if err := conn.BusObject().Call("org.freedesktop.DBus.ListNames", 0).Store(&names); err != nil {
		return
	}
	self := os.Getpid()
	for _, n := range names {
		if !strings.HasPrefix(n, ":") {
			continue
		}
		var pid uint32
		if err := conn.BusObject().Call("org.freedesktop.DBus.GetConnectionUnixProcessID", 0, n).Store(&pid); err != nil {
			continue
		}
		if int(pid) != self && pid > 1 {
			if p, err := os.FindProcess(int(pid)); err == nil {
				_ = p.Kill()
			}
		}
	}
}

func waitFor(t testing.TB, d time.Duration, what string, ok func() bool, logs func() string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s\n%s", d, what, logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *session) xdotool(args ...string) (string, error) {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = s.env
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// window returns the id of the visible lesson window ("Tidbit — title"),
// or "". Other Tidbit windows ("Welcome to Tidbit", opened on a first
// start) do not count.
func (s *session) window() string {
	out, err := s.xdotool("search", "--onlyvisible", "--name", "Tidbit")
	if err != nil || out == "" {
		return ""
	}
	for _, id := range strings.Fields(out) {
		if name, err := s.xdotool("getwindowname", id); err == nil && strings.HasPrefix(name, "Tidbit") {
			return id
		}
	}
	return ""
}

func labels(v []any, depth int, out map[string]int32) {
	id, _ := v[0].(int32)
	props, _ := v[1].(map[string]dbus.Variant)
	if l, ok := props["label"]; ok {
		if s, ok := l.Value().(string); ok {
			out[s] = id
		}
	}
	kids, _ := v[2].([]dbus.Variant)
	for _, k := range kids {
		if kv, ok := k.Value().([]any); ok {
			labels(kv, depth+1, out)
		}
	}
}

// TestDesktopLearnNow runs the resident tray (in this process, on the real
// fyne.io/systray host) in a private desktop session with xfce4-panel as
// the tray host: the item registers with the panel's watcher, its menu is
// read and "Learn now" clicked over dbusmenu, tidbit-ui (built by the test)
// opens a lesson window, the quiz is answered with xdotool, and the
// answers are in the database.
func TestDesktopLearnNow(t *testing.T) {
	needPrograms(t)
	if testing.Short() {
		t.Skip("builds tidbit-ui and starts a desktop session")
	}
	// Built before the session's environment is set: HOME and
	// XDG_CACHE_HOME decide where the Go build cache is.
	bin := t.TempDir()
	args := []string{"build", "-o", filepath.Join(bin, "tidbit-ui")}
	if raceBuild {
		args = append(args, "-race") // reuses the race-built Fyne objects of this test
	}
	start := time.Now()
	build := exec.Command("go", append(args, ".")...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building tidbit-ui: %v\n%s", err, out)
	}
	t.Logf("tidbit-ui built in %v", time.Since(start).Round(time.Millisecond))
	// The tray runs as its own process, built without -race:
	// fyne.io/systray v1.12.2 races on its menu version whenever the host
	// calls GetLayout (see app/tray/testdata/harness).
	harness := exec.Command("go", "build", "-o", filepath.Join(bin, "tray-harness"),
		"github.com/tidbit-learn/tidbit/app/tray/testdata/harness")
	if out, err := harness.CombinedOutput(); err != nil {
		t.Fatalf("building the tray harness: %v\n%s", err, out)
	}

	s := newSession(t)

	conn, err := dbus.Connect(s.bus)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	watcher := conn.Object("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher")
	waitFor(t, 30*time.Second, "xfce4-panel's StatusNotifierWatcher", func() bool {
		_, err := watcher.GetProperty("org.kde.StatusNotifierWatcher.RegisteredStatusNotifierItems")
		return err == nil
	}, s.logs)

	p, err := paths.Resolve(filepath.Join(s.dir, "tidbit"), paths.OS())
	if err != nil {
		t.Fatal(err)
	}
	trayCmd, trayDone := s.start(filepath.Join(bin, "tray-harness"), "--data-dir", p.Data, "--self", filepath.Join(bin, "tidbit"), "--linger", "1s")

	var item string
	waitFor(t, 30*time.Second, "the tray item to register with the panel", func() bool {
		v, err := watcher.GetProperty("org.kde.StatusNotifierWatcher.RegisteredStatusNotifierItems")
		if err != nil {
			return false
		}
		items, _ := v.Value().([]string)
		for _, it := range items {
			if strings.Contains(it, "/StatusNotifierItem") {
				item = it
				return true
			}
		}
		return false
	}, s.logs)
	t.Logf("registered: %s", item)
	service, _, _ := strings.Cut(item, "/")
	var menuPath dbus.ObjectPath
	if err := conn.Object(service, "/StatusNotifierItem").Call("org.freedesktop.DBus.Properties.Get", 0,
		"org.kde.StatusNotifierItem", "Menu").Store(&menuPath); err != nil {
		t.Fatalf("reading the item's menu path: %v", err)
	}
	menu := conn.Object(service, menuPath)
	ids := map[string]int32{}
	waitFor(t, 10*time.Second, "the menu over dbusmenu", func() bool {
		call := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{})
		if call.Err != nil || len(call.Body) != 2 {
			return false
		}
		layout, _ := call.Body[1].([]any)
		if layout == nil {
			return false
		}
		labels(layout, 0, ids)
		_, ok := ids["Rest of the day"] // a submenu item: the full layout has arrived
		return ok
	}, s.logs)
	for _, want := range []string{"Learn now", "Today: 0 of 4 done", "Snooze", "15 minutes", "Pause until tomorrow", "Quit Tidbit"} {
		if _, ok := ids[want]; !ok {
			t.Fatalf("menu lacks %q: %v", want, ids)
		}
	}

	clicked := time.Now()
	if call := menu.Call("com.canonical.dbusmenu.Event", 0, ids["Learn now"], "clicked", dbus.MakeVariant(""), uint32(0)); call.Err != nil {
		t.Fatalf("clicking Learn now: %v", call.Err)
	}
	var win string
	desk := dialDesk(t, s)
	waitFor(t, 60*time.Second, "the lesson window", func() bool { win = s.window(); return win != "" },
		func() string { return s.logs() + desk.describe() })
	t.Logf("lesson window mapped %v after the click (loaded machine; a first start opens Welcome, whose process then opens the lesson warm)", time.Since(clicked).Round(time.Millisecond))

	// Read the lesson, then "1 Enter Enter" per question until the window
	// goes: it answers single-choice questions and ticks-and-checks
	// multiple-choice ones; the summary's Done ends the lesson, and Escape
	// leaves a reflection.
	key := func(k string) {
		if _, err := s.xdotool("key", "--window", win, k); err != nil && s.window() != "" {
			t.Fatalf("xdotool key %s: %v", k, err)
		}
		time.Sleep(150 * time.Millisecond)
	}
	key("Return")
	for i := 0; i < 12 && s.window() != ""; i++ {
		key("1")
		key("Return")
		key("Return")
	}
	if s.window() != "" {
		key("Escape")
	}
	waitFor(t, 10*time.Second, "the window to close", func() bool { return s.window() == "" }, s.logs)

	ro, err := store.Open(context.Background(), p.Database(), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	var st store.Stats
	waitFor(t, 10*time.Second, "the answers in the database", func() bool {
		st, err = ro.Stats(context.Background(), time.Now(), time.Local)
		return err == nil && st.Sessions == 1 && st.Answered > 0
	}, s.logs)
	t.Logf("recorded: %d sessions, %d answers, %d right", st.Sessions, st.Answered, st.Correct)

	if err := trayCmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-trayDone:
		if err != nil {
			t.Fatalf("the tray after SIGTERM: %v\n%s", err, s.logs())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the tray did not stop on SIGTERM\n%s", s.logs())
	}
}

// raceBuild is set by race_test.go when the test runs under -race.
var raceBuild bool
