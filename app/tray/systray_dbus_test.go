//go:build linux

package tray

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// needProgram skips when name is missing, except under CI, which must
// prove the test.
func needProgram(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing: CI must install the Debian package %s", name, pkg)
	}
	t.Skipf("%s is missing: install the Debian package %s to run this test", name, pkg)
	return ""
}

// privateBus starts a session bus of its own, with its socket in a temp
// folder, and stops it (by PID) when the test ends.
func privateBus(t *testing.T) string {
	t.Helper()
	bin := needProgram(t, "dbus-daemon", "dbus")
	dir := t.TempDir()
	sock := filepath.Join(dir, "bus")
	cmd := exec.Command(bin, "--session", "--nofork", "--nopidfile", "--address=unix:path="+sock)
	// Its only chatter here is about raising the fd limit, which a test bus
	// does not need.
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting dbus-daemon: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for i := 0; i < 500; i++ {
		if _, err := os.Stat(sock); err == nil {
			return "unix:path=" + sock
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("dbus-daemon did not create its socket")
	return ""
}

var systrayRan bool

// watcher stands in for the tray host's org.kde.StatusNotifierWatcher.
type watcher struct{ items chan string }

func (w *watcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	w.items <- string(sender)
	return nil
}

type menuEntry struct {
	id       int32
	label    string
	visible  bool
	enabled  bool
	children []menuEntry
}

func parseLayout(v []any) menuEntry {
	e := menuEntry{visible: true, enabled: true}
	e.id, _ = v[0].(int32)
	props, _ := v[1].(map[string]dbus.Variant)
	if l, ok := props["label"]; ok {
		e.label, _ = l.Value().(string)
	}
	if vis, ok := props["visible"]; ok {
		e.visible, _ = vis.Value().(bool)
	}
	if en, ok := props["enabled"]; ok {
		e.enabled, _ = en.Value().(bool)
	}
	kids, _ := v[2].([]dbus.Variant)
	for _, k := range kids {
		if kv, ok := k.Value().([]any); ok {
			e.children = append(e.children, parseLayout(kv))
		}
	}
	return e
}

func (e menuEntry) find(label string) (menuEntry, bool) {
	if e.label == label {
		return e, true
	}
	for _, c := range e.children {
		if f, ok := c.find(label); ok {
			return f, true
		}
	}
	return menuEntry{}, false
}

func (e menuEntry) labels() []string {
	var out []string
	for _, c := range e.children {
		if c.visible && c.label != "" {
			out = append(out, c.label)
		}
	}
	return out
}

// TestSystrayOverDBus runs the real fyne.io/systray host on a private
// session bus with a stand-in watcher, reads the menu over
// com.canonical.dbusmenu and clicks Learn now through it.
func TestSystrayOverDBus(t *testing.T) {
	if systrayRan {
		t.Skip("fyne.io/systray keeps global state and cannot start twice in one process (-count > 1)")
	}
	systrayRan = true
	addr := privateBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	w := &watcher{items: make(chan string, 4)}
	if err := conn.Export(w, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("owning the watcher name: %v %v", reply, err)
	}

	d, _ := deps(t)
	learned := make(chan struct{}, 2)
	d.Host = NewSystray()
	d.Actions = Actions{LearnNow: func() { learned <- struct{}{} }}
	d.Status = func(context.Context) (Status, error) { return Status{Done: 2, Goal: 4}, nil }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, d) }()

	var item string
	select {
	case item = <-w.items:
	case <-time.After(10 * time.Second):
		t.Fatal("the tray item never registered with the watcher")
	}
	// The item names its menu's object path (the host reads it the same way).
	var menuPath dbus.ObjectPath
	if err := conn.Object(item, "/StatusNotifierItem").Call("org.freedesktop.DBus.Properties.Get", 0,
		"org.kde.StatusNotifierItem", "Menu").Store(&menuPath); err != nil {
		t.Fatalf("reading the item's Menu property: %v", err)
	}
	menu := conn.Object(item, menuPath)
	var root menuEntry
	deadline := time.Now().Add(10 * time.Second)
	for {
		var rev uint32
		var layout []any
		call := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{})
		if call.Err != nil {
			t.Fatalf("GetLayout: %v", call.Err)
		}
		if len(call.Body) == 2 {
			rev, _ = call.Body[0].(uint32)
			layout, _ = call.Body[1].([]any)
		}
		_ = rev
		if layout != nil {
			root = parseLayout(layout)
			// systray answers the first GetLayout one level deep (for
			// libdbusmenu-gtk3); later calls carry the submenus.
			snooze, _ := root.find("Snooze")
			if strings.Contains(strings.Join(root.labels(), "|"), "Today: 2 of 4 done") && len(snooze.children) > 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("menu never showed today's progress: %q", root.labels())
		}
		time.Sleep(20 * time.Millisecond)
	}
	want := "Learn now|Today: 2 of 4 done|Snooze|Pause until tomorrow|Progress|Profile and goals|Library|Settings|Quit Tidbit"
	if got := strings.Join(root.labels(), "|"); got != want {
		t.Fatalf("menu over dbusmenu:\n%s\nwant\n%s", got, want)
	}
	snooze, _ := root.find("Snooze")
	if len(snooze.children) != 3 || snooze.children[2].label != "Rest of the day" {
		t.Fatalf("snooze submenu %+v", snooze.children)
	}
	if p, _ := root.find("Progress"); p.enabled {
		t.Fatal("Progress has no action but is enabled")
	}
	var tip []any
	if err := conn.Object(item, "/StatusNotifierItem").Call("org.freedesktop.DBus.Properties.Get", 0,
		"org.kde.StatusNotifierItem", "ToolTip").Store(&tip); err != nil {
		t.Fatalf("reading the tooltip: %v", err)
	}
	if s := fmt.Sprint(tip); !strings.Contains(s, "2 of 4 done") {
		t.Fatalf("tooltip %s", s)
	}

	learn, _ := root.find("Learn now")
	if call := menu.Call("com.canonical.dbusmenu.Event", 0, learn.id, "clicked", dbus.MakeVariant(""), uint32(0)); call.Err != nil {
		t.Fatalf("clicking Learn now: %v", call.Err)
	}
	select {
	case <-learned:
	case <-time.After(10 * time.Second):
		t.Fatal("clicking Learn now over dbusmenu did nothing")
	}

	cancel() // what SIGTERM does through the CLI's signal context
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the tray did not stop")
	}
}
