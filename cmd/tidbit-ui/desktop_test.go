//go:build linux

package main

import (
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
	"github.com/tidbit-learn/tidbit/cmd/internal/session"
)

// The programs the desktop tests need besides the session's own
// (session.Programs and the default window manager), with their Debian
// packages.
var testPrograms = [][2]string{{"xdotool", "xdotool"}, {"go", "golang (the Go toolchain)"}}

func needPrograms(t testing.TB) {
	t.Helper()
	missing := session.Missing()
	for _, p := range testPrograms {
		if _, err := exec.LookPath(p[0]); err != nil {
			missing = append(missing, fmt.Sprintf("%s (Debian package %s)", p[0], p[1]))
		}
	}
	if len(missing) > 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must install: %s", strings.Join(missing, ", "))
		}
		t.Skipf("install %s to run the desktop test", strings.Join(missing, ", "))
	}
}

// desktop is a private desktop session (cmd/internal/session: Xvfb, a
// session bus, openbox or the window manager asked for, xfce4-panel as the
// tray host, all up and answering)
// owned by one test, which closes it in its cleanup: every program started
// in it is stopped by PID.
type desktop struct {
	*session.Session
	t testing.TB
}

func newSession(t testing.TB) *desktop {
	t.Helper()
	return newSessionWM(t, "")
}

// newSessionWM is newSession with window manager wm (one of session.WMs;
// "" is openbox).
func newSessionWM(t testing.TB, wm string) *desktop {
	t.Helper()
	s, err := session.Start(t.Context(), session.Options{WM: wm})
	if err != nil {
		t.Fatalf("starting a private desktop: %v", err)
	}
	t.Cleanup(s.Close)
	return &desktop{Session: s, t: t}
}

// needWM skips the test when window manager wm is not installed, or fails
// it under CI=true (CI installs every one of session.WMs).
func needWM(t testing.TB, wm string) {
	t.Helper()
	if m := session.MissingWM(wm); len(m) > 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must install: %s", strings.Join(m, ", "))
		}
		t.Skipf("install %s to run the desktop test under %s", strings.Join(m, ", "), wm)
	}
}

// start runs a program in the session, its output in the session's logs.
func (s *desktop) start(name string, args ...string) *exec.Cmd {
	s.t.Helper()
	cmd, err := s.Start(name, args...)
	if err != nil {
		s.t.Fatal(err)
	}
	return cmd
}

// terminate sends cmd (started by start) SIGTERM and fails the test
// unless it exits cleanly within 10 s; what names it in the failure.
func (s *desktop) terminate(cmd *exec.Cmd, what string) {
	s.t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.t.Fatal(err)
	}
	select {
	case <-s.Done(cmd):
		if err := s.Exited(cmd); err != nil {
			s.t.Fatalf("%s after SIGTERM: %v\n%s", what, err, s.Logs())
		}
	case <-time.After(10 * time.Second):
		s.t.Fatalf("%s did not stop on SIGTERM\n%s", what, s.Logs())
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

func (s *desktop) xdotool(args ...string) (string, error) {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = s.Env
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// window returns the id of the visible lesson window ("Tidbit — title"),
// or "". Other Tidbit windows ("Welcome to Tidbit", opened on a first
// start) do not count.
func (s *desktop) window() string {
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
	start := time.Now()
	bin := filepath.Dir(buildUI(t))
	t.Logf("tidbit-ui built in %v", time.Since(start).Round(time.Millisecond))
	buildHarness(t, bin)
	s := newSession(t) // its panel's StatusNotifierWatcher answers

	conn, err := dbus.Connect(s.Bus)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	watcher := conn.Object("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher")

	p, err := paths.Resolve(filepath.Join(s.Dir, "tidbit"), paths.OS())
	if err != nil {
		t.Fatal(err)
	}
	trayCmd := s.start(filepath.Join(bin, "tray-harness"), "--data-dir", p.Data, "--self", filepath.Join(bin, "tidbit"), "--linger", "1s")

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
	}, s.Logs)
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
	}, s.Logs)
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
		func() string { return s.Logs() + desk.describe() })
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
	waitFor(t, 10*time.Second, "the window to close", func() bool { return s.window() == "" }, s.Logs)

	ro, err := store.Open(context.Background(), p.Database(), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	var st store.Stats
	waitFor(t, 10*time.Second, "the answers in the database", func() bool {
		st, err = ro.Stats(context.Background(), time.Now(), time.Local)
		return err == nil && st.Sessions == 1 && st.Answered > 0
	}, s.Logs)
	t.Logf("recorded: %d sessions, %d answers, %d right", st.Sessions, st.Answered, st.Correct)

	s.terminate(trayCmd, "the tray")
}

// raceBuild is set by race_test.go when the test runs under -race.
var raceBuild bool
