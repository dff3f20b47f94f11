//go:build linux

package popup

import (
	"bufio"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

func TestCorner(t *testing.T) {
	cases := []struct {
		name   string
		wa     Rect
		w, h   int
		e      Extents
		margin int
		x, y   int
	}{
		{"full screen, no frame", Rect{0, 0, 1280, 800}, 380, 260, Extents{}, 12, 888, 528},
		{"bottom panel and a frame", Rect{0, 0, 1280, 770}, 380, 260, Extents{1, 1, 20, 5}, 12, 887, 493},
		{"work area offset by a left panel", Rect{48, 0, 1232, 800}, 380, 260, Extents{}, 0, 900, 540},
		{"work area smaller than the window", Rect{10, 20, 200, 100}, 380, 260, Extents{2, 2, 20, 2}, 12, 12, 40},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x, y := Corner(tc.wa, tc.w, tc.h, tc.e, tc.margin)
			if x != tc.x || y != tc.y {
				t.Fatalf("Corner = %d,%d; want %d,%d", x, y, tc.x, tc.y)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		goos string
		want Mode
		why  string
	}{
		{"X11", map[string]string{"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, "linux", X11, ""},
		{"XWayland", map[string]string{"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, "linux", X11, ""},
		{"Wayland only", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, "linux", Plain, "Wayland session without XWayland"},
		{"Wayland session type", map[string]string{"XDG_SESSION_TYPE": "wayland"}, "freebsd", Plain, "Wayland"},
		{"no display", map[string]string{}, "linux", Plain, "DISPLAY is empty"},
		{"macOS", map[string]string{"DISPLAY": ":0"}, "darwin", Plain, "not darwin"},
		{"Windows", map[string]string{}, "windows", Plain, "X11 only"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, why := Detect(func(k string) string { return tc.env[k] }, tc.goos)
			if m != tc.want || !strings.Contains(why, tc.why) || (tc.want == X11) != (why == "") {
				t.Fatalf("Detect = %v, %q; want %v, %q", m, why, tc.want, tc.why)
			}
		})
	}
}

// need finds a program or skips (fails under CI=true) naming its package.
func need(t testing.TB, prog, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(prog)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: CI must install the Debian package %s", prog, pkg)
		}
		t.Skipf("%s is missing: install the Debian package %s to run the X11 pop-up tests", prog, pkg)
	}
	return p
}

// desktop starts Xvfb (a free display picked by the server) and openbox,
// both killed by PID at cleanup, and returns the display.
func desktop(t testing.TB) string {
	t.Helper()
	xvfb, ob := need(t, "Xvfb", "xvfb"), need(t, "openbox", "openbox")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command(xvfb, "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset")
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
	display := ":" + strings.TrimSpace(line)
	home := t.TempDir()
	o := exec.Command(ob)
	o.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home)
	o.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := o.Start(); err != nil {
		t.Fatalf("starting openbox: %v", err)
	}
	t.Cleanup(func() { _ = o.Process.Kill(); _ = o.Wait() })
	return display
}

func waitUntil(t testing.TB, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// wmReady waits until the window manager maps windows: openbox sets its
// EWMH properties before it has finished starting, and a window mapped
// in between stays unmapped.
func wmReady(tb testing.TB, x *X) {
	tb.Helper()
	waitUntil(tb, "the window manager", x.HasWM)
	c := x.Conn()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		w := newWindow(tb, c, 10, 10)
		xproto.MapWindow(c, w)
		for i := 0; i < 20; i++ {
			if at, err := xproto.GetWindowAttributes(c, w).Reply(); err == nil && at.MapState == xproto.MapStateViewable {
				xproto.DestroyWindow(c, w)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		xproto.DestroyWindow(c, w)
	}
	tb.Fatal("the window manager maps no window")
}

// newWindow creates an unmapped top-level window on c.
func newWindow(t testing.TB, c *xgb.Conn, w, h int) xproto.Window {
	t.Helper()
	id, err := xproto.NewWindowId(c)
	if err != nil {
		t.Fatal(err)
	}
	s := xproto.Setup(c).DefaultScreen(c)
	err = xproto.CreateWindowChecked(c, s.RootDepth, id, s.Root, 0, 0, uint16(w), uint16(h), 0,
		xproto.WindowClassInputOutput, s.RootVisual, xproto.CwBackPixel, []uint32{s.WhitePixel}).Check()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func focus(t testing.TB, c *xgb.Conn) xproto.Window {
	t.Helper()
	r, err := xproto.GetInputFocus(c).Reply()
	if err != nil {
		t.Fatal(err)
	}
	return r.Focus
}

func setCard(t testing.TB, x *X, win xproto.Window, name string, typ xproto.Atom, vals ...uint32) {
	t.Helper()
	r, err := xproto.InternAtom(x.Conn(), false, uint16(len(name)), name).Reply()
	if err != nil {
		t.Fatal(err)
	}
	if err := x.setCardinals(win, r.Atom, typ, vals...).Check(); err != nil {
		t.Fatal(err)
	}
}

// TestPopupOnOpenbox shows the recipe with plain X windows (no Fyne, no
// GL): a focused window, a bottom dock that shrinks the work area, then a
// pop-up prepared with BeforeMap, mapped and finished with AfterMap. The
// focused window never loses the focus, the pop-up sits in the work
// area's bottom-right corner, above the others and out of the task bar,
// and a click (the focus) is reported once.
func TestPopupOnOpenbox(t *testing.T) {
	display := desktop(t)
	var x *X
	waitUntil(t, "the X server", func() bool {
		var err error
		x, err = Dial(display)
		return err == nil
	})
	defer x.Close()
	wmReady(t, x)
	c := x.Conn()

	// A dock along the bottom, 40 px high: openbox takes it off the work area.
	dock := newWindow(t, c, 1280, 40)
	r, _ := xproto.InternAtom(c, false, uint16(len("_NET_WM_WINDOW_TYPE_DOCK")), "_NET_WM_WINDOW_TYPE_DOCK").Reply()
	setCard(t, x, dock, "_NET_WM_WINDOW_TYPE", xproto.AtomAtom, uint32(r.Atom))
	setCard(t, x, dock, "_NET_WM_STRUT_PARTIAL", xproto.AtomCardinal, 0, 0, 0, 40, 0, 0, 0, 0, 0, 0, 0, 1279)
	setCard(t, x, dock, "_NET_WM_STRUT", xproto.AtomCardinal, 0, 0, 0, 40)
	xproto.ConfigureWindow(c, dock, xproto.ConfigWindowY, []uint32{760})
	if err := xproto.MapWindowChecked(c, dock).Check(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the dock to shrink the work area", func() bool {
		wa, err := x.WorkArea()
		return err == nil && wa.H == 760
	})

	// The window the user works in.
	work := newWindow(t, c, 400, 300)
	xproto.MapWindow(c, work)
	waitUntil(t, "openbox to focus the work window", func() bool { return focus(t, c) == work })
	var outs int
	var mu sync.Mutex
	// A second connection sees the work window's focus events.
	watch, err := xgb.NewConnDisplay(display)
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()
	if err := xproto.ChangeWindowAttributesChecked(watch, work, xproto.CwEventMask, []uint32{xproto.EventMaskFocusChange}).Check(); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			ev, err := watch.WaitForEvent()
			if ev == nil && err == nil {
				return
			}
			if fo, ok := ev.(xproto.FocusOutEvent); ok && fo.Mode == xproto.NotifyModeNormal {
				mu.Lock()
				outs++
				mu.Unlock()
			}
		}
	}()

	pop := newWindow(t, c, 380, 260)
	wa, err := x.WorkArea()
	if err != nil {
		t.Fatal(err)
	}
	px, py := Corner(wa, 380, 260, Extents{}, Margin)
	if err := x.BeforeMap(pop, px, py); err != nil {
		t.Fatal(err)
	}
	if err := xproto.MapWindowChecked(c, pop).Check(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "openbox to frame the pop-up", func() bool { _, ok := x.FrameExtents(pop); return ok })
	got, err := x.AfterMap(pop, Margin, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := x.FrameExtents(pop)
	waitUntil(t, "the pop-up in the corner", func() bool {
		g, err := x.Geometry(pop)
		return err == nil && g == got
	})
	frame := Rect{got.X - e.Left, got.Y - e.Top, got.W + e.Left + e.Right, got.H + e.Top + e.Bottom}
	if !frame.In(wa) || wa.X+wa.W-(frame.X+frame.W) != Margin || wa.Y+wa.H-(frame.Y+frame.H) != Margin {
		t.Fatalf("pop-up frame %+v, work area %+v: want it %d px inside the bottom-right corner", frame, wa, Margin)
	}
	states, err := x.States(pop)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range popupStates {
		if !slices.Contains(states, s) {
			t.Fatalf("pop-up states %v lack %s", states, s)
		}
	}
	time.Sleep(200 * time.Millisecond) // time for a late focus change
	if f := focus(t, c); f != work {
		t.Fatalf("focus moved to %#x (work window %#x, pop-up %#x)", f, work, pop)
	}
	mu.Lock()
	if outs != 0 {
		t.Fatalf("the work window lost the focus %d times", outs)
	}
	mu.Unlock()

	// A click focuses the pop-up (here: the window manager is asked to).
	touched := make(chan struct{}, 2)
	resized := make(chan struct{}, 2)
	if err := x.Watch(pop, func() { touched <- struct{}{} }, func() { resized <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	if err := x.clientMessage(pop, x.Atom("_NET_ACTIVE_WINDOW"), 2, 0, 0); err != nil {
		t.Fatal(err)
	}
	select {
	case <-touched:
	case <-time.After(5 * time.Second):
		t.Fatalf("no focus-in reported; focus is %#x", focus(t, c))
	}
	xproto.SetInputFocus(c, xproto.InputFocusPointerRoot, work, xproto.TimeCurrentTime)
	xproto.SetInputFocus(c, xproto.InputFocusPointerRoot, pop, xproto.TimeCurrentTime)
	select {
	case <-touched:
		t.Fatal("focus-in reported twice")
	case <-time.After(200 * time.Millisecond):
	}

	// The toolkit grows the window (a wider card): it is reported, and
	// AfterMap puts the larger window back into the corner.
	if err := xproto.ConfigureWindowChecked(c, pop, xproto.ConfigWindowWidth|xproto.ConfigWindowHeight, []uint32{540, 300}).Check(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-resized:
	case <-time.After(5 * time.Second):
		t.Fatal("no resize reported")
	}
	got, err = x.AfterMap(pop, Margin, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the grown pop-up in the corner", func() bool {
		g, err := x.Geometry(pop)
		return err == nil && g == got && g.W == 540 && g.X+g.W+e.Right == wa.X+wa.W-Margin
	})
}

// BenchmarkPlace is the X11 work of showing one pop-up on a real server
// with openbox: prepare it, map it, wait for the frame, move it into the
// corner and set its states.
func BenchmarkPlace(b *testing.B) {
	display := desktop(b)
	var x *X
	waitUntil(b, "the X server", func() bool {
		var err error
		x, err = Dial(display)
		return err == nil
	})
	defer x.Close()
	wmReady(b, x)
	c := x.Conn()
	wa, err := x.WorkArea()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		pop := newWindow(b, c, 380, 260)
		px, py := Corner(wa, 380, 260, Extents{}, Margin)
		if err := x.BeforeMap(pop, px, py); err != nil {
			b.Fatal(err)
		}
		xproto.MapWindow(c, pop)
		if _, err := x.AfterMap(pop, Margin, time.Second); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		xproto.DestroyWindow(c, pop)
		b.StartTimer()
	}
}
