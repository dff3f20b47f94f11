//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/tidbit-learn/tidbit/app/instance"
	"github.com/tidbit-learn/tidbit/app/ipc"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/cmd/internal/session"
	"github.com/tidbit-learn/tidbit/widgets/popup"
	"github.com/tidbit-learn/tidbit/widgets/uiproc"
)

// buildUI builds tidbit-ui (with -race when the test runs under it) before
// the session's environment changes where the Go build cache is.
func buildUI(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "tidbit-ui")
	args := []string{"build", "-o", bin}
	if raceBuild {
		args = append(args, "-race")
	}
	if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
		tb.Fatalf("building tidbit-ui: %v\n%s", err, out)
	}
	return bin
}

// xdesk reads the session's X server directly (no xdotool process per
// poll, so timings are not blurred).
type xdesk struct {
	*popup.X
	tb    testing.TB
	names map[string]xproto.Atom
}

func dialDesk(tb testing.TB, s *desktop) *xdesk {
	tb.Helper()
	x, err := popup.Dial(s.Display)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(x.Close)
	// No key autorepeat: on a loaded machine xdotool's release may come
	// late enough for repeats, which would reach the next window shown.
	if err := xproto.ChangeKeyboardControlChecked(x.Conn(), xproto.KbAutoRepeatMode, []uint32{xproto.AutoRepeatModeOff}).Check(); err != nil {
		tb.Fatal(err)
	}
	return &xdesk{X: x, tb: tb, names: map[string]xproto.Atom{}}
}

func (d *xdesk) atom(name string) xproto.Atom {
	if a, ok := d.names[name]; ok {
		return a
	}
	r, err := xproto.InternAtom(d.Conn(), false, uint16(len(name)), name).Reply()
	if err != nil {
		d.tb.Fatal(err)
	}
	d.names[name] = r.Atom
	return r.Atom
}

func (d *xdesk) prop(win xproto.Window, name string) []byte {
	r, err := xproto.GetProperty(d.Conn(), false, win, d.atom(name), xproto.GetPropertyTypeAny, 0, 4096).Reply()
	if err != nil {
		return nil
	}
	return r.Value
}

func (d *xdesk) card(win xproto.Window, name string) []uint32 {
	v := d.prop(win, name)
	out := make([]uint32, len(v)/4)
	for i := range out {
		out[i] = xgb.Get32(v[4*i:])
	}
	return out
}

// tidbitWindows lists the managed, mapped windows whose title has "Tidbit".
func (d *xdesk) tidbitWindows() []xproto.Window {
	var out []xproto.Window
	for _, w := range d.card(d.Root(), "_NET_CLIENT_LIST") {
		win := xproto.Window(w)
		if !strings.Contains(string(d.prop(win, "_NET_WM_NAME")), "Tidbit") {
			continue
		}
		if at, err := xproto.GetWindowAttributes(d.Conn(), win).Reply(); err == nil && at.MapState == xproto.MapStateViewable {
			out = append(out, win)
		}
	}
	return out
}

// newTidbitWindow waits for a mapped Tidbit window not in known.
func (d *xdesk) newTidbitWindow(s *desktop, known []xproto.Window, timeout time.Duration) xproto.Window {
	var win xproto.Window
	waitFor(d.tb, timeout, "a new Tidbit window", func() bool {
		for _, w := range d.tidbitWindows() {
			if !slices.Contains(known, w) {
				win = w
				return true
			}
		}
		return false
	}, func() string { return s.Logs() + d.describe() })
	return win
}

// describe lists the managed windows, for failure messages.
func (d *xdesk) describe() string {
	var b strings.Builder
	for _, w := range d.card(d.Root(), "_NET_CLIENT_LIST") {
		win := xproto.Window(w)
		at, _ := xproto.GetWindowAttributes(d.Conn(), win).Reply()
		state := -1
		if at != nil {
			state = int(at.MapState)
		}
		fmt.Fprintf(&b, "window %#x %q map state %d pid %v\n", w, d.prop(win, "_NET_WM_NAME"), state, d.card(win, "_NET_WM_PID"))
	}
	// Windows the window manager does not list (unmapped, or not yet managed).
	if tree, err := xproto.QueryTree(d.Conn(), d.Root()).Reply(); err == nil {
		for _, w := range tree.Children {
			if name := d.prop(w, "_NET_WM_NAME"); strings.Contains(string(name), "Tidbit") {
				at, _ := xproto.GetWindowAttributes(d.Conn(), w).Reply()
				fmt.Fprintf(&b, "top-level %#x %q map state %d override %v states %v\n", w, name, at.MapState, at.OverrideRedirect, d.card(w, "_NET_WM_STATE"))
			}
			if sub, err := xproto.QueryTree(d.Conn(), w).Reply(); err == nil {
				for _, c := range sub.Children {
					if name := d.prop(c, "_NET_WM_NAME"); strings.Contains(string(name), "Tidbit") {
						at, _ := xproto.GetWindowAttributes(d.Conn(), c).Reply()
						fmt.Fprintf(&b, "framed %#x in %#x %q map state %d\n", c, w, name, at.MapState)
					}
				}
			}
		}
	}
	return b.String()
}

func (d *xdesk) focus() xproto.Window {
	r, err := xproto.GetInputFocus(d.Conn()).Reply()
	if err != nil {
		d.tb.Fatal(err)
	}
	return r.Focus
}

// workWindow maps a plain window and waits until the window manager has
// focused it: the window the user is typing in. openbox may still be
// starting (it leaves windows mapped then unmapped), so it retries.
func (d *xdesk) workWindow(s *desktop) xproto.Window {
	c := d.Conn()
	scr := xproto.Setup(c).DefaultScreen(c)
	for try := 0; try < 20; try++ {
		id, err := xproto.NewWindowId(c)
		if err != nil {
			d.tb.Fatal(err)
		}
		if err := xproto.CreateWindowChecked(c, scr.RootDepth, id, scr.Root, 100, 100, 500, 300, 0,
			xproto.WindowClassInputOutput, scr.RootVisual, xproto.CwBackPixel, []uint32{scr.WhitePixel}).Check(); err != nil {
			d.tb.Fatal(err)
		}
		title := "work window"
		xproto.ChangeProperty(c, xproto.PropModeReplace, id, d.atom("_NET_WM_NAME"), d.atom("UTF8_STRING"), 8, uint32(len(title)), []byte(title))
		xproto.MapWindow(c, id)
		for i := 0; i < 50; i++ {
			if d.focus() == id {
				return id
			}
			time.Sleep(20 * time.Millisecond)
		}
		xproto.DestroyWindow(c, id)
	}
	d.tb.Fatalf("the window manager focuses no new window\n%s", s.Logs())
	return 0
}

// focusLosses counts the FocusOut events win gets (through its own
// connection).
func focusLosses(tb testing.TB, display string, win xproto.Window) func() int {
	c, err := xgb.NewConnDisplay(display)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Close)
	if err := xproto.ChangeWindowAttributesChecked(c, win, xproto.CwEventMask, []uint32{xproto.EventMaskFocusChange}).Check(); err != nil {
		tb.Fatal(err)
	}
	var mu sync.Mutex
	n := 0
	go func() {
		for {
			ev, err := c.WaitForEvent()
			if ev == nil && err == nil {
				return
			}
			if fo, ok := ev.(xproto.FocusOutEvent); ok && fo.Mode == xproto.NotifyModeNormal && fo.Detail != xproto.NotifyDetailPointer {
				mu.Lock()
				n++
				mu.Unlock()
			}
		}
	}()
	return func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// screenshot saves the root window as PNG under $TIDBIT_ARTIFACTS (a
// folder); nothing when it is unset.
func (d *xdesk) screenshot(name string) {
	dir := os.Getenv("TIDBIT_ARTIFACTS")
	if dir == "" {
		return
	}
	wa, err := xproto.GetGeometry(d.Conn(), xproto.Drawable(d.Root())).Reply()
	if err != nil {
		d.tb.Fatal(err)
	}
	w, h := int(wa.Width), int(wa.Height)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	// In bands: one GetImage reply must stay under the request size limit.
	for y := 0; y < h; y += 100 {
		bh := min(100, h-y)
		r, err := xproto.GetImage(d.Conn(), xproto.ImageFormatZPixmap, xproto.Drawable(d.Root()), 0, int16(y), uint16(w), uint16(bh), 0xffffffff).Reply()
		if err != nil {
			d.tb.Fatalf("reading the screen: %v", err)
		}
		for i := 0; i+3 < len(r.Data) && i/4 < w*bh; i += 4 { // BGRX
			o := (y*w + i/4) * 4
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = r.Data[i+2], r.Data[i+1], r.Data[i], 0xff
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		d.tb.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		d.tb.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		d.tb.Fatal(err)
	}
}

// painted reports whether win shows something other than black (Fyne
// draws its first frame a while after the window is mapped).
func (d *xdesk) painted(win xproto.Window) bool {
	g, err := xproto.GetGeometry(d.Conn(), xproto.Drawable(win)).Reply()
	if err != nil {
		return false
	}
	r, err := xproto.GetImage(d.Conn(), xproto.ImageFormatZPixmap, xproto.Drawable(win), 0, 0, g.Width, min(g.Height, 100), 0xffffffff).Reply()
	if err != nil {
		return false
	}
	for _, b := range r.Data {
		if b > 0x40 {
			return true
		}
	}
	return false
}

// image is win's pixels now (nil when they cannot be read).
func (d *xdesk) image(win xproto.Window) []byte {
	g, err := xproto.GetGeometry(d.Conn(), xproto.Drawable(win)).Reply()
	if err != nil {
		return nil
	}
	r, err := xproto.GetImage(d.Conn(), xproto.ImageFormatZPixmap, xproto.Drawable(win), 0, 0, g.Width, g.Height, 0xffffffff).Reply()
	if err != nil {
		return nil
	}
	return r.Data
}

// settled waits until win's pixels have not changed for 300 ms (a card
// is drawn in more than one frame: the lesson's text comes after its
// head) and returns them.
func (d *xdesk) settled(t *testing.T, win xproto.Window, logs func() string) []byte {
	t.Helper()
	last, since := d.image(win), time.Now()
	for deadline := time.Now().Add(15 * time.Second); time.Since(since) < 300*time.Millisecond; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("window %#x kept changing for 15 s\n%s", win, logs())
		}
		if img := d.image(win); !bytes.Equal(img, last) {
			last, since = img, time.Now()
		}
	}
	return last
}

// inCorner reports where win's frame is and whether it sits Margin
// pixels inside wa's bottom-right corner.
func (d *xdesk) inCorner(win xproto.Window, wa popup.Rect) (popup.Rect, popup.Extents, bool) {
	e, ok := d.FrameExtents(win)
	g, err := d.Geometry(win)
	frame := popup.Rect{X: g.X - e.Left, Y: g.Y - e.Top, W: g.W + e.Left + e.Right, H: g.H + e.Top + e.Bottom}
	return g, e, ok && err == nil && frame.In(wa) && wa.X+wa.W-(frame.X+frame.W) == popup.Margin && wa.Y+wa.H-(frame.Y+frame.H) == popup.Margin
}

// trayListener stands in for the resident: it collects tray.sock lines.
func trayListener(tb testing.TB, dataDir string) <-chan string {
	got := make(chan string, 16)
	srv, err := instance.Listen(ipc.TraySocket(dataDir), func(line string) error {
		if _, err := ipc.ParseMoment(line); err != nil {
			return err
		}
		got <- line
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return got
}

func expectTray(t *testing.T, s *desktop, got <-chan string, want string) {
	t.Helper()
	select {
	case m := <-got:
		if m != want {
			t.Fatalf("tray.sock got %q, want %q", m, want)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("tray.sock got nothing, want %q\n%s", want, s.Logs())
	}
}

// waitWorkArea waits for xfce4-panel to reserve its strip (the work area
// shrinks); a panel that reserves none leaves the whole screen.
func (d *xdesk) waitWorkArea(s *desktop) popup.Rect {
	var wa popup.Rect
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var err error
		if wa, err = d.WorkArea(); err == nil && wa.H < 800 {
			return wa
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.tb.Logf("the work area stayed %+v (the panel reserved no strip)", wa)
	return wa
}

func dataDir(tb testing.TB, s *desktop) string {
	p, err := paths.Resolve(filepath.Join(s.Dir, "tidbit"), paths.OS())
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.Ensure(); err != nil {
		tb.Fatal(err)
	}
	return p.Data
}

// TestDesktopPopup runs the pop-up in a real session (Xvfb, xfce4-panel)
// under each window manager a session can run (session.WMs): (a) offered
// while the user works in another window, it maps without taking the
// focus, inside the work area's bottom-right corner, kept above and out
// of the task bar; (b) clicked, it takes the focus and shows the quiz,
// still in the corner; Esc: the tray hears `moment m1 dismiss`; (d) a
// pop-up left untouched, opened in the warm process, takes no focus
// either, hides itself, and the tray hears `held`. Under openbox, the
// full run also checks (b) the quiz keeps the lesson's width and (c) a
// second tidbit-ui while the first is warm opens its window in the same
// process and exits 0; screenshots of the pop-up's lesson and quiz go to
// $TIDBIT_ARTIFACTS (under other window managers, prefixed with its name).
func TestDesktopPopup(t *testing.T) {
	needPrograms(t)
	if testing.Short() {
		t.Skip("builds tidbit-ui and starts a desktop session")
	}
	bin := buildUI(t)
	for _, wm := range session.WMs {
		t.Run(wm, func(t *testing.T) {
			needWM(t, wm)
			start := time.Now()
			popupUnder(t, bin, wm, wm == session.Openbox)
			t.Logf("%s: %v (session, pop-up checks, teardown)", wm, time.Since(start).Round(time.Millisecond))
		})
	}
}

// popupUnder is TestDesktopPopup in a session with window manager wm;
// full adds the checks that do not depend on the window manager.
func popupUnder(t *testing.T, bin, wm string, full bool) {
	s := newSessionWM(t, wm)
	d := dialDesk(t, s)
	data := dataDir(t, s)
	tray := trayListener(t, data)
	wa := d.waitWorkArea(s)
	work := d.workWindow(s)
	losses := focusLosses(t, s.Display, work)
	shot := func(name string) {
		if wm != session.Openbox {
			name = wm + "-" + name
		}
		d.screenshot(name)
	}

	// (a) the pop-up
	start := time.Now()
	ui := s.start(bin, "lesson", "--popup", "--moment", "m1", "--why", "Picked for the test.", "--data-dir", data, "--linger", "1m")
	pop := d.newTidbitWindow(s, nil, 60*time.Second)
	t.Logf("pop-up mapped %v after the start (cold)", time.Since(start).Round(time.Millisecond))
	var g popup.Rect
	var e popup.Extents
	waitFor(t, 5*time.Second, "the pop-up in the corner", func() bool {
		var ok bool
		g, e, ok = d.inCorner(pop, wa)
		return ok
	}, func() string {
		return fmt.Sprintf("%s\nlast: client %+v, extents %+v, work area %+v", s.Logs(), g, e, wa)
	})
	t.Logf("pop-up client area %+v, frame extents %+v, work area %+v", g, e, wa)
	if g.W < 300 || g.W > 500 || g.H < 200 || g.H > 400 {
		t.Errorf("pop-up size %dx%d, want about 380x260", g.W, g.H)
	}
	d.wantPopupStates(pop)
	time.Sleep(300 * time.Millisecond) // room for a late focus change
	if f := d.focus(); f != work || losses() != 0 {
		t.Fatalf("focus is %#x after the pop-up (work window %#x, pop-up %#x), the work window lost it %d times", f, work, pop, losses())
	}
	pid := d.card(pop, "_NET_WM_PID")
	if len(pid) != 1 || int(pid[0]) != ui.Process.Pid {
		t.Fatalf("pop-up _NET_WM_PID %v, want %d", pid, ui.Process.Pid)
	}
	waitFor(t, 30*time.Second, "the pop-up's first frame", func() bool { return d.painted(pop) }, s.Logs)
	d.settled(t, pop, s.Logs)
	shot("popup-lesson.png")

	// (b) a click, the quiz, Esc
	cx, cy := g.X+g.W/2, g.Y+g.H/3
	if out, err := s.xdotool("mousemove", strconv.Itoa(cx), strconv.Itoa(cy), "click", "1"); err != nil {
		t.Fatalf("clicking the pop-up: %v %s", err, out)
	}
	waitFor(t, 5*time.Second, "the pop-up to take the focus on a click", func() bool { return d.focus() == pop }, s.Logs)
	lessonImg := d.settled(t, pop, s.Logs)
	if out, err := s.xdotool("key", "--window", strconv.Itoa(int(pop)), "Return"); err != nil { // the lesson is read: the quiz
		t.Fatalf("xdotool: %v %s", err, out)
	}
	// The quiz replaces the lesson on screen (not only in the widget tree).
	waitFor(t, 10*time.Second, "the quiz drawn in the pop-up", func() bool {
		img := d.image(pop)
		return img != nil && !bytes.Equal(img, lessonImg)
	}, s.Logs)
	d.settled(t, pop, s.Logs)
	// The quiz stays in the corner, as wide as the lesson was: long options
	// wrap rather than widen the pop-up (a taller quiz may grow down).
	lessonW := g.W
	waitFor(t, 5*time.Second, "the quiz pop-up in the corner", func() bool {
		var ok bool
		g, e, ok = d.inCorner(pop, wa)
		return ok
	}, func() string {
		return fmt.Sprintf("%s\nlast: client %+v, extents %+v, work area %+v", s.Logs(), g, e, wa)
	})
	t.Logf("quiz pop-up client area %+v", g)
	if full && g.W != lessonW {
		t.Errorf("the quiz pop-up is %d px wide, the lesson was %d: options must wrap, not widen it", g.W, lessonW)
	}
	shot("popup-quiz.png")
	if out, err := s.xdotool("key", "--window", strconv.Itoa(int(pop)), "Escape"); err != nil {
		t.Fatalf("xdotool: %v %s", err, out)
	}
	expectTray(t, s, tray, "moment m1 dismiss")
	waitFor(t, 5*time.Second, "the pop-up to go", func() bool { return len(d.tidbitWindows()) == 0 }, s.Logs)

	// (c) a second start while the first is warm
	if full {
		known := d.tidbitWindows()
		start = time.Now()
		second := exec.Command(bin, "lesson", "--data-dir", data)
		second.Env = s.Env
		out, err := second.CombinedOutput()
		handed := time.Since(start)
		if err != nil {
			t.Fatalf("second tidbit-ui: %v\n%s", err, out)
		}
		win := d.newTidbitWindow(s, known, 10*time.Second)
		t.Logf("second start handed over and exited in %v; its window mapped %v after the start (warm)", handed.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
		if pid := d.card(win, "_NET_WM_PID"); len(pid) != 1 || int(pid[0]) != ui.Process.Pid {
			t.Fatalf("second window %#x (%q)'s _NET_WM_PID %v, want the warm process %d\n%s", win, d.prop(win, "_NET_WM_NAME"), pid, ui.Process.Pid, d.describe())
		}
		// Asked for, it takes the focus: the user now works in it.
		waitFor(t, 5*time.Second, "the second window to take the focus", func() bool { return d.focus() == win }, s.Logs)
	} else {
		// The user goes back to work: a click in the work window.
		wg, err := d.Geometry(work)
		if err != nil {
			t.Fatal(err)
		}
		if out, err := s.xdotool("mousemove", strconv.Itoa(wg.X+20), strconv.Itoa(wg.Y+20), "click", "1"); err != nil {
			t.Fatalf("clicking the work window: %v %s", err, out)
		}
		waitFor(t, 5*time.Second, "the work window to take the focus back", func() bool { return d.focus() == work }, s.Logs)
	}

	// (d) an untouched pop-up, opened in the warm process, takes no focus
	// and hides itself: held
	known := d.tidbitWindows()
	before := d.focus()
	if reached, err := uiproc.HandOver(context.Background(), data, []string{"lesson", "--popup", "--moment", "m4", "--hide-after", "1500ms"}); !reached || err != nil {
		t.Fatalf("open over ui.sock: %v %v", reached, err)
	}
	held := d.newTidbitWindow(s, known, 10*time.Second)
	lost := losses()
	d.wantPopupStates(held)
	time.Sleep(300 * time.Millisecond) // room for a late focus change
	if f := d.focus(); f != before || losses() != lost {
		t.Fatalf("focus is %#x while the warm pop-up %#x shows, was %#x; the work window lost it %d more times", f, held, before, losses()-lost)
	}
	expectTray(t, s, tray, "moment m4 held")
	waitFor(t, 5*time.Second, "the held pop-up to hide", func() bool { return !slices.Contains(d.tidbitWindows(), held) }, s.Logs)

	s.terminate(ui, "tidbit-ui")
}

// wantPopupStates fails the test unless win is kept above and out of the
// task bar.
func (d *xdesk) wantPopupStates(win xproto.Window) {
	d.tb.Helper()
	var states []string
	var err error
	// The window manager may apply the states a moment after mapping.
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		states, err = d.States(win)
		if err == nil && slices.Contains(states, "_NET_WM_STATE_ABOVE") && slices.Contains(states, "_NET_WM_STATE_SKIP_TASKBAR") {
			return
		}
	}
	d.tb.Fatalf("pop-up %#x states %v (%v): want ABOVE and SKIP_TASKBAR", win, states, err)
}

// median reports the median of ds as a benchmark metric in milliseconds.
func median(b *testing.B, ds []time.Duration, unit string) {
	if len(ds) == 0 {
		return
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	b.ReportMetric(float64(s[len(s)/2])/float64(time.Millisecond), unit)
}

// benchDesktop is the pop-up benchmarks' set-up: tidbit-ui built, a
// private desktop whose panel has reserved its strip, a work window that
// has the focus, and a data folder.
func benchDesktop(b *testing.B) (s *desktop, d *xdesk, bin, data string) {
	b.Helper()
	needPrograms(b)
	bin = buildUI(b)
	s = newSession(b)
	d = dialDesk(b, s)
	data = dataDir(b, s)
	d.waitWorkArea(s)
	d.workWindow(s)
	return s, d, bin, data
}

// BenchmarkDesktopPopupCold: `tidbit-ui lesson --popup` started with no
// window process running, until its pop-up is mapped (the data folder
// already exists, as it does after the first run).
func BenchmarkDesktopPopupCold(b *testing.B) {
	s, d, bin, data := benchDesktop(b)
	run := func() time.Duration {
		start := time.Now()
		cmd := exec.Command(bin, "lesson", "--popup", "--moment", "bench", "--data-dir", data, "--linger", "1m")
		cmd.Env = s.Env
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		d.newTidbitWindow(s, nil, 60*time.Second)
		took := time.Since(start)
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		waitFor(b, 10*time.Second, "no Tidbit window", func() bool { return len(d.tidbitWindows()) == 0 }, s.Logs)
		return took
	}
	b.Logf("first run (creates the store): %v", run().Round(time.Millisecond))
	var ds []time.Duration
	for b.Loop() {
		ds = append(ds, run())
	}
	median(b, ds, "ms-median-to-mapped")
}

// BenchmarkDesktopPopupWarm: an `open` request on ui.sock to a running
// window process, until the new pop-up is mapped.
func BenchmarkDesktopPopupWarm(b *testing.B) {
	s, d, bin, data := benchDesktop(b)
	s.start(bin, "lesson", "--popup", "--moment", "first", "--data-dir", data, "--linger", "10m")
	d.newTidbitWindow(s, nil, 60*time.Second)
	var ds, answered []time.Duration
	n := 0
	for b.Loop() {
		n++
		known := d.tidbitWindows()
		start := time.Now()
		if reached, err := uiproc.HandOver(context.Background(), data, []string{"lesson", "--popup", "--moment", "w" + strconv.Itoa(n)}); !reached || err != nil {
			b.Fatalf("open: %v %v", reached, err)
		}
		answered = append(answered, time.Since(start))
		d.newTidbitWindow(s, known, 30*time.Second)
		ds = append(ds, time.Since(start))
	}
	median(b, ds, "ms-median-to-mapped")
	median(b, answered, "ms-median-answered")
}
