//go:build linux

package tray

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/tidbit-learn/tidbit/scheduler/presence/dbustest"
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

// buildHarness builds testdata/harness (the resident tray as `tidbit` runs
// it) without -race: fyne.io/systray v1.12.2 races on its own menu version
// whenever a host calls GetLayout, so it cannot live in a race-built test
// binary.
func buildHarness(t *testing.T) string {
	t.Helper()
	needProgram(t, "go", "golang (the Go toolchain)")
	out := filepath.Join(t.TempDir(), "harness")
	cmd := exec.Command("go", "build", "-o", out, "./testdata/harness")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the harness: %v\n%s", err, b)
	}
	return out
}

// TestSystrayOverDBus runs the resident tray (real fyne.io/systray host,
// real store) in its own process on a private session bus with a stand-in
// watcher, reads the menu over com.canonical.dbusmenu, clicks Learn now
// through it (a stand-in tidbit-ui records how it was started), and stops
// the tray with SIGTERM.
func TestSystrayOverDBus(t *testing.T) {
	harness := buildHarness(t)
	addr := dbustest.Start(t)
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

	bin := t.TempDir()
	self := fakeUI(t, bin, 0)
	data := filepath.Join(t.TempDir(), "data")
	log := &syncBuilder{b: &strings.Builder{}}
	cmd := exec.Command(harness, "--data-dir", data, "--self", self)
	cmd.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+addr)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.WaitDelay = 5 * time.Second // children it started may hold its output open
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	waited := make(chan struct{})
	go func() { exited <- cmd.Wait(); close(waited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-waited
	})

	var item string
	select {
	case item = <-w.items:
	case err := <-exited:
		t.Fatalf("the tray exited: %v\n%s", err, log.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("the tray item never registered with the watcher\n%s", log.String())
	}
	var menuPath dbus.ObjectPath
	if err := conn.Object(item, "/StatusNotifierItem").Call("org.freedesktop.DBus.Properties.Get", 0,
		"org.kde.StatusNotifierItem", "Menu").Store(&menuPath); err != nil {
		t.Fatalf("reading the item's Menu property: %v", err)
	}
	menu := conn.Object(item, menuPath)
	var root menuEntry
	deadline := time.Now().Add(15 * time.Second)
	for {
		call := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{})
		if call.Err != nil {
			t.Fatalf("GetLayout: %v", call.Err)
		}
		if layout, _ := call.Body[1].([]any); layout != nil {
			root = parseLayout(layout)
			// systray answers the first GetLayout one level deep (for
			// libdbusmenu-gtk3); later calls carry the submenus.
			snooze, _ := root.find("Snooze")
			if strings.Contains(strings.Join(root.labels(), "|"), "Today: 0 of 4 done") && len(snooze.children) > 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("menu never showed today's progress: %q\n%s", root.labels(), log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	want := "Learn now|Today: 0 of 4 done|Snooze|Pause until tomorrow|Progress|Profile and goals|Library|Settings|Quit Tidbit"
	if got := strings.Join(root.labels(), "|"); got != want {
		t.Fatalf("menu over dbusmenu:\n%s\nwant\n%s", got, want)
	}
	snooze, _ := root.find("Snooze")
	if len(snooze.children) != 3 || snooze.children[2].label != "Rest of the day" {
		t.Fatalf("snooze submenu %+v", snooze.children)
	}
	if p, _ := root.find("Progress"); !p.enabled {
		t.Fatal("Progress opens a window but is disabled")
	}
	var tip []any
	if err := conn.Object(item, "/StatusNotifierItem").Call("org.freedesktop.DBus.Properties.Get", 0,
		"org.kde.StatusNotifierItem", "ToolTip").Store(&tip); err != nil {
		t.Fatalf("reading the tooltip: %v", err)
	}
	if s := fmt.Sprint(tip); !strings.Contains(s, "Today: 0 of 4 done") {
		t.Fatalf("tooltip %s", s)
	}

	learn, _ := root.find("Learn now")
	if call := menu.Call("com.canonical.dbusmenu.Event", 0, learn.id, "clicked", dbus.MakeVariant(""), uint32(0)); call.Err != nil {
		t.Fatalf("clicking Learn now: %v", call.Err)
	}
	var args []byte
	eventually(t, "tidbit-ui started by the click", func() bool {
		args, _ = os.ReadFile(filepath.Join(bin, "ui-args"))
		return len(args) > 0
	})
	if got := strings.TrimSpace(string(args)); !strings.HasPrefix(got, "lesson --data-dir "+data) {
		t.Fatalf("tidbit-ui started as %q", got)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil || !strings.Contains(log.String(), "stopped cleanly") {
			t.Fatalf("after SIGTERM: %v\n%s", err, log.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the tray did not stop on SIGTERM")
	}
	if _, err := os.Stat(filepath.Join(data, "tray.sock")); !os.IsNotExist(err) {
		t.Fatalf("handover socket left behind: %v", err)
	}
}

type syncBuilder struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuilder) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }
