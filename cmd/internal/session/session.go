//go:build linux

// Package session starts a private X11 desktop for measurements and tests:
// Xvfb on a display it picks itself, a D-Bus session bus whose socket is in
// the session's own folder, a window manager (openbox unless Options.WM
// picks xfwm4 or metacity) and xfce4-panel as the tray host (its systray
// plugin provides org.kde.StatusNotifierWatcher).
// HOME and the XDG folders point inside the session folder, so nothing
// started in it reads or writes the user's files.
//
// Every process it starts is recorded by PID and stopped by PID in Close,
// together with the programs the private bus activated (xfconfd); nothing
// is ever stopped by name. Processes also get SIGKILL when the process
// that started them dies. When the session fails to come up, the error
// carries what its programs logged.
//
// It is shared by `tidbit-lab footprint` (which measures Tidbit in such a
// session), the tests of cmd/tidbit-lab/internal/xwatch and the end-to-end
// desktop tests of cmd/tidbit-ui, so that there is one way to bring a
// test desktop up and tear it down. It lives under cmd/internal because
// Go's internal rule lets every command under cmd/ import it, and nothing
// outside cmd/: it is tooling for the commands and their tests, not part
// of the app.
package session

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// Programs a session needs whatever its window manager, with the Debian
// package of each.
var Programs = [][2]string{
	{"Xvfb", "xvfb"}, {"dbus-daemon", "dbus"}, {"xfce4-panel", "xfce4-panel"},
}

// The window managers a session can run (Options.WM).
const (
	Openbox  = "openbox"  // the default
	Xfwm4    = "xfwm4"    // XFCE's own
	Metacity = "metacity" // GNOME Flashback's, MATE's ancestor
)

// WMs are the window managers a session can run, in that order.
var WMs = []string{Openbox, Xfwm4, Metacity}

// wmArgs is how each window manager starts on a fresh Xvfb: no
// compositor (Xvfb has no GL for one, and none is needed), nothing to
// replace. xfwm4 reads its settings from xfconfd, which the private bus
// starts on demand.
var wmArgs = map[string][]string{
	Openbox:  nil,
	Xfwm4:    {"--compositor=off"},
	Metacity: {"--no-composite"},
}

// Missing names the programs (with their Debian packages) not on PATH
// for a session with the default window manager.
func Missing() []string { return MissingWM("") }

// MissingWM names the programs (with their Debian packages) not on PATH
// for a session with window manager wm ("" is openbox), or says that wm
// is not one of WMs.
func MissingWM(wm string) []string {
	if wm == "" {
		wm = Openbox
	}
	if _, ok := wmArgs[wm]; !ok {
		return []string{fmt.Sprintf("window manager %q (a session runs one of %s)", wm, strings.Join(WMs, ", "))}
	}
	var out []string
	// Each window manager's Debian package has its name.
	for _, p := range append(slices.Clone(Programs), [2]string{wm, wm}) {
		if _, err := exec.LookPath(p[0]); err != nil {
			out = append(out, fmt.Sprintf("%s (Debian package %s)", p[0], p[1]))
		}
	}
	return out
}

// Session is a running private desktop.
type Session struct {
	Dir     string   // the session's folder: home (with the XDG folders), runtime, log
	Display string   // ":N"
	Bus     string   // the D-Bus address, unix:path=DIR/bus
	Env     []string // the environment for programs run in the session

	mu      sync.Mutex
	procs   []*proc
	removes bool
}

type proc struct {
	cmd    *exec.Cmd
	done   chan struct{}
	log    *os.File
	waitEr error
}

// Options tune Start.
type Options struct {
	// Dir is the session's folder; "" makes a temporary one that Close
	// removes.
	Dir string
	// Size is the screen, WxHxDEPTH; "" is 1280x800x24.
	Size string
	// WM is the window manager, one of WMs; "" is openbox.
	WM string
	// NoPanel skips xfce4-panel (no tray host).
	NoPanel bool
	// Keep leaves a temporary folder in place at Close (logs, data).
	Keep bool
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

// Start brings the desktop up and waits until the tray host is ready
// (unless NoPanel). On error everything started so far is stopped.
func Start(ctx context.Context, o Options) (_ *Session, err error) {
	if m := MissingWM(o.WM); len(m) > 0 {
		return nil, fmt.Errorf("a private desktop session needs: %s", strings.Join(m, ", "))
	}
	wm := o.WM
	if wm == "" {
		wm = Openbox
	}
	s := &Session{Dir: o.Dir}
	if s.Dir == "" {
		if s.Dir, err = os.MkdirTemp("", "tidbit-session-"); err != nil {
			return nil, fmt.Errorf("creating the session folder: %w", err)
		}
		s.removes = !o.Keep
	}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	// The XDG folders are where a real user has them, under HOME: some
	// programs (Safe Eyes 2.1) create ~/.config/NAME but write to
	// $XDG_CONFIG_HOME/NAME.
	for _, d := range []string{"home/.config/xfce4/xfconf/xfce-perchannel-xml", "home/.cache", "home/.local/share", "runtime", "log"} {
		if err := os.MkdirAll(filepath.Join(s.Dir, d), 0o700); err != nil {
			return nil, fmt.Errorf("creating the session folder: %w", err)
		}
	}
	if !o.NoPanel {
		path := filepath.Join(s.Dir, "home/.config/xfce4/xfconf/xfce-perchannel-xml/xfce4-panel.xml")
		if err := os.WriteFile(path, []byte(panelXML), 0o600); err != nil {
			return nil, fmt.Errorf("writing the panel's settings: %w", err)
		}
	}
	size := o.Size
	if size == "" {
		size = "1280x800x24"
	}
	// Xvfb picks a free display and writes its number to fd 3.
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", size, "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if _, err := s.run(x, "Xvfb"); err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	w.Close()
	type line struct {
		s   string
		err error
	}
	got := make(chan line, 1)
	go func() {
		l, err := bufio.NewReader(r).ReadString('\n')
		got <- line{l, err}
	}()
	select {
	case l := <-got:
		r.Close()
		if l.err != nil {
			return nil, fmt.Errorf("Xvfb did not report its display: %w\n%s", l.err, s.Logs())
		}
		s.Display = ":" + strings.TrimSpace(l.s)
	case <-time.After(30 * time.Second):
		r.Close()
		return nil, fmt.Errorf("Xvfb did not report its display within 30s\n%s", s.Logs())
	}
	s.Bus = "unix:path=" + filepath.Join(s.Dir, "bus")
	s.Env = append(withoutSessionVars(os.Environ()),
		"DISPLAY="+s.Display, "DBUS_SESSION_BUS_ADDRESS="+s.Bus, "HOME="+filepath.Join(s.Dir, "home"),
		"XDG_CONFIG_HOME="+filepath.Join(s.Dir, "home/.config"), "XDG_CACHE_HOME="+filepath.Join(s.Dir, "home/.cache"),
		"XDG_DATA_HOME="+filepath.Join(s.Dir, "home/.local/share"), "XDG_RUNTIME_DIR="+filepath.Join(s.Dir, "runtime"),
		"LANG=en_US.UTF-8", "LC_ALL=en_US.UTF-8",
		// No accessibility bus: GTK would start one that outlives the session.
		"NO_AT_BRIDGE=1", "GTK_A11Y=none")
	// xfconfd is started by the bus and inherits its environment, so the
	// bus gets XDG_CONFIG_HOME (the panel's config) from the start.
	if _, err := s.Start("dbus-daemon", "--session", "--nofork", "--nopidfile", "--address="+s.Bus); err != nil {
		return nil, err
	}
	if err := s.waitFor(ctx, 10*time.Second, "the session bus", func() bool {
		_, err := os.Stat(filepath.Join(s.Dir, "bus"))
		return err == nil
	}); err != nil {
		return nil, err
	}
	if _, err := s.Start(wm, wmArgs[wm]...); err != nil {
		return nil, err
	}
	if err := s.waitWM(ctx, wm); err != nil {
		return nil, err
	}
	if o.NoPanel {
		return s, nil
	}
	if _, err := s.Start("xfce4-panel", "--disable-wm-check"); err != nil {
		return nil, err
	}
	conn, err := dbus.Connect(s.Bus)
	if err != nil {
		return nil, fmt.Errorf("connecting to the session bus: %w", err)
	}
	defer conn.Close()
	watcher := conn.Object("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher")
	if err := s.waitFor(ctx, 30*time.Second, "xfce4-panel's StatusNotifierWatcher", func() bool {
		_, err := watcher.GetProperty("org.kde.StatusNotifierWatcher.RegisteredStatusNotifierItems")
		return err == nil
	}); err != nil {
		return nil, err
	}
	return s, nil
}

// waitWM waits until the window manager (named wm in errors) manages new
// windows: it maps a probe window (again every 200 ms: openbox drops map
// requests made while it is still starting, even after it has set
// _NET_SUPPORTING_WM_CHECK) until the probe is in _NET_CLIENT_LIST, then
// destroys it.
func (s *Session) waitWM(ctx context.Context, wm string) error {
	quietOnce.Do(func() { xgb.Logger = log.New(io.Discard, "", 0) })
	conn, err := xgb.NewConnDisplay(s.Display)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", s.Display, err)
	}
	defer conn.Close()
	const name = "_NET_CLIENT_LIST"
	a, err := xproto.InternAtom(conn, false, uint16(len(name)), name).Reply()
	if err != nil {
		return fmt.Errorf("X atom %s: %w", name, err)
	}
	scr := xproto.Setup(conn).DefaultScreen(conn)
	managed := func(win xproto.Window) bool {
		r, err := xproto.GetProperty(conn, false, scr.Root, a.Atom, xproto.AtomWindow, 0, 1<<16).Reply()
		if err != nil || r.Format != 32 {
			return false
		}
		for i := 0; i+4 <= len(r.Value); i += 4 {
			if xproto.Window(xgb.Get32(r.Value[i:])) == win {
				return true
			}
		}
		return false
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		// A fresh window each time: one mapped too early stays unmanaged.
		win, err := xproto.NewWindowId(conn)
		if err != nil {
			return err
		}
		if err := xproto.CreateWindowChecked(conn, scr.RootDepth, win, scr.Root, 0, 0, 1, 1, 0,
			xproto.WindowClassInputOutput, scr.RootVisual, 0, nil).Check(); err != nil {
			return fmt.Errorf("creating a probe window: %w", err)
		}
		_ = xproto.MapWindowChecked(conn, win).Check()
		err = s.waitFor(ctx, 200*time.Millisecond, "", func() bool { return managed(win) })
		_ = xproto.DestroyWindowChecked(conn, win).Check()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not manage a window within 20s\n%s", wm, s.Logs())
		}
	}
}

var quietOnce sync.Once

// Current is the caller's own desktop ($DISPLAY, $DBUS_SESSION_BUS_ADDRESS)
// as a Session: programs started in it get the caller's environment and
// their logs go to a temporary folder; Close stops only what Start
// started and touches nothing else on the bus.
func Current(keep bool) (*Session, error) {
	d := os.Getenv("DISPLAY")
	if d == "" {
		return nil, errors.New("DISPLAY is not set: run inside a desktop session, or use a private one")
	}
	dir, err := os.MkdirTemp("", "tidbit-session-")
	if err != nil {
		return nil, fmt.Errorf("creating a folder for logs: %w", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "log"), 0o700); err != nil {
		return nil, err
	}
	return &Session{Dir: dir, Display: d, Env: os.Environ(), removes: !keep}, nil
}

// withoutSessionVars drops the caller's desktop variables so nothing in
// the session reaches the caller's display or bus.
func withoutSessionVars(env []string) []string {
	drop := []string{"DISPLAY=", "WAYLAND_DISPLAY=", "DBUS_SESSION_BUS_ADDRESS=", "XAUTHORITY=", "SESSION_MANAGER=",
		"XDG_SESSION_", "XDG_CURRENT_DESKTOP=", "DESKTOP_SESSION="}
	out := env[:0:0]
next:
	for _, e := range env {
		for _, d := range drop {
			if strings.HasPrefix(e, d) {
				continue next
			}
		}
		out = append(out, e)
	}
	return out
}

// Start runs a program in the session, its output in DIR/log/NAME.log.
// Close stops it. The returned channel is closed when it has exited.
func (s *Session) Start(name string, args ...string) (*exec.Cmd, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = s.Env
	_, err := s.run(cmd, filepath.Base(name))
	return cmd, err
}

// Done returns a channel closed when cmd (started by Start) has exited.
func (s *Session) Done(cmd *exec.Cmd) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.procs {
		if p.cmd == cmd {
			return p.done
		}
	}
	c := make(chan struct{})
	close(c)
	return c
}

// Exited returns what Wait returned for cmd once it has exited.
func (s *Session) Exited(cmd *exec.Cmd) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.procs {
		if p.cmd == cmd {
			select {
			case <-p.done:
				return p.waitEr
			default:
				return errors.New("still running")
			}
		}
	}
	return errors.New("not started by this session")
}

func (s *Session) run(cmd *exec.Cmd, name string) (*proc, error) {
	log, err := os.OpenFile(filepath.Join(s.Dir, "log", name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("creating the log of %s: %w", name, err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	// Dies with the starting process even if it is killed before Close.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{}), log: log}
	go func() {
		p.waitEr = cmd.Wait()
		close(p.done)
	}()
	s.mu.Lock()
	s.procs = append(s.procs, p)
	s.mu.Unlock()
	return p, nil
}

func (s *Session) waitFor(ctx context.Context, d time.Duration, what string, ok func() bool) error {
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %v waiting for %s\n%s", d, what, s.Logs())
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// Logs returns what the session's programs wrote, for error messages.
func (s *Session) Logs() string {
	var b strings.Builder
	files, _ := filepath.Glob(filepath.Join(s.Dir, "log", "*.log"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if len(data) > 4000 {
			data = append([]byte("..."), data[len(data)-4000:]...)
		}
		fmt.Fprintf(&b, "--- %s\n%s\n", filepath.Base(f), data)
	}
	return b.String()
}

// Stop ends one program started by Start: SIGTERM, then SIGKILL after
// grace.
func (s *Session) Stop(cmd *exec.Cmd, grace time.Duration) {
	done := s.Done(cmd)
	select {
	case <-done:
		return
	default:
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-done
	}
}

// Close stops the bus's activated programs, then everything Start
// started, newest first, and removes a temporary session folder.
func (s *Session) Close() {
	if s.Bus != "" {
		s.stopBusPeers()
	}
	s.mu.Lock()
	procs := append([]*proc(nil), s.procs...)
	s.mu.Unlock()
	for i := len(procs) - 1; i >= 0; i-- {
		p := procs[i]
		_ = p.cmd.Process.Kill()
		<-p.done
		p.log.Close()
	}
	if s.removes {
		// Programs started by the bus may still be writing as they die.
		for i := 0; i < 50; i++ {
			if err := os.RemoveAll(s.Dir); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// stopBusPeers stops the programs connected to the private bus that this
// session did not start itself (xfconfd, activated services): they are
// found by asking the bus for its peers' PIDs, so nothing outside the
// session is touched.
func (s *Session) stopBusPeers() {
	conn, err := dbus.Connect(s.Bus)
	if err != nil {
		return
	}
	defer conn.Close()
	var names []string
	if err := conn.BusObject().Call("org.freedesktop.DBus.ListNames", 0).Store(&names); err != nil {
		return
	}
	s.mu.Lock()
	ours := map[int]bool{os.Getpid(): true}
	for _, p := range s.procs {
		ours[p.cmd.Process.Pid] = true
	}
	s.mu.Unlock()
	for _, n := range names {
		if !strings.HasPrefix(n, ":") {
			continue
		}
		var pid uint32
		if err := conn.BusObject().Call("org.freedesktop.DBus.GetConnectionUnixProcessID", 0, n).Store(&pid); err != nil {
			continue
		}
		if !ours[int(pid)] && pid > 1 {
			if p, err := os.FindProcess(int(pid)); err == nil {
				_ = p.Kill()
			}
		}
	}
}
