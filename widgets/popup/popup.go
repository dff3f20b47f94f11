// Package popup shows Tidbit's lesson pop-up without taking the keyboard
// focus from what the user is doing: a small window in the bottom-right
// corner of the work area (near where the tray usually is), kept above
// other windows and out of the task bar, that the user clicks to use.
//
// Fyne 2.7 has no API for any of this, so on X11 it combines GLFW window
// hints set just before Fyne creates the window (FocusOnShow off,
// Floating on) with EWMH properties set on the X window through its own
// connection (github.com/jezek/xgb) before the window is mapped: a
// _NET_WM_USER_TIME of 0 (the window manager does not focus it), the
// pop-up states and its position; after mapping, a move into the work
// area's corner and _NET_WM_STATE messages. cmd/tidbit-ui's
// TestDesktopPopup checks this under openbox, xfwm4 4.18 and metacity
// 3.46: the user time is what keeps xfwm4 and metacity from focusing the
// pop-up (openbox leaves it unfocused even without). Under Wayland without
// XWayland none of this is possible: --popup degrades to a normal window
// that does not ask for focus, and says why on stderr. The resident
// process prefers a desktop notification there.
package popup

import (
	"fmt"
	"io"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver"
	"fyne.io/fyne/v2/widget"
	"github.com/jezek/xgb/xproto"
)

// Mode is how pop-ups can be shown on this desktop.
type Mode int

const (
	// Plain: a normal window that does not ask for focus; no placement.
	Plain Mode = iota
	// X11: the focus-safe, placed, always-on-top pop-up.
	X11
)

func (m Mode) String() string {
	if m == X11 {
		return "x11"
	}
	return "plain"
}

// Detect decides the mode from the environment (getenv) and the operating
// system (runtime.GOOS); the reason says why a pop-up is plain.
func Detect(getenv func(string) string, goos string) (Mode, string) {
	switch goos {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
	default:
		return Plain, fmt.Sprintf("pop-up placement is implemented for X11 only, not %s: showing a window that does not ask for focus", goos)
	}
	if getenv("DISPLAY") == "" {
		if getenv("WAYLAND_DISPLAY") != "" || getenv("XDG_SESSION_TYPE") == "wayland" {
			return Plain, "Wayland session without XWayland: a window can be neither placed nor kept from taking focus; showing a normal window"
		}
		return Plain, "no X display (DISPLAY is empty): showing a normal window"
	}
	return X11, ""
}

// Margin is the gap in pixels between the pop-up's frame and the corner
// of the work area.
const Margin = 12

// Shower shows lesson windows; Show has the signature of lessonwin.Shower.
type Shower struct {
	mode   Mode
	reason string
	log    io.Writer
	// hints sets the GLFW window hints for the next window created; nil
	// in tests without GLFW.
	hints func(focusOnShow, floating bool)

	once    sync.Once
	x       *X
	extents Extents // of the last framed pop-up, to place the next before mapping
	mu      sync.Mutex
}

// New is a Shower for this desktop (getenv and goos as for Detect); log
// receives one line when pop-ups cannot be focus-safe, and placement
// errors.
func New(getenv func(string) string, goos string, log io.Writer) *Shower {
	m, why := Detect(getenv, goos)
	return &Shower{mode: m, reason: why, log: log, hints: glfwHints}
}

// Mode is the mode in use: X11 until connecting to the display fails.
func (s *Shower) Mode() Mode {
	s.dial()
	return s.mode
}

func (s *Shower) dial() {
	s.once.Do(func() {
		if s.mode != X11 {
			fmt.Fprintf(s.log, "tidbit-ui: pop-up: %s\n", s.reason)
			return
		}
		x, err := Dial("")
		if err != nil {
			s.mode, s.reason = Plain, err.Error()
			fmt.Fprintf(s.log, "tidbit-ui: pop-up: %v: showing a normal window\n", err)
			return
		}
		s.x = x
	})
}

// Close ends the X connection, if any.
func (s *Shower) Close() {
	if s.x != nil {
		s.x.Close()
	}
}

// Show shows w, which must not have been shown yet. Without popup it is an
// ordinary window (the user asked for it: it may take the focus). With
// popup it is the focus-safe pop-up; touched is called on the UI thread
// the first time the pop-up receives the focus (the user clicked it). Call
// it on the UI thread.
func (s *Shower) Show(w fyne.Window, popup bool, touched func()) {
	if !popup {
		w.Show()
		return
	}
	s.dial()
	if s.mode != X11 {
		s.withHints(false, false, w.Show)
		return
	}
	// The X window exists only inside w.Show, which maps it at once; the
	// probe's MinSize runs in between (Fyne sizes the new window to its
	// content before mapping it), which is the one moment to prepare it.
	p := &probe{s: s, w: w, touched: touched}
	p.ExtendBaseWidget(p)
	w.SetContent(container.NewStack(w.Content(), p))
	s.withHints(false, true, w.Show)
	if p.prepared {
		return // the probe started finish
	}
	id := xid(w)
	if id == 0 {
		return
	}
	// The probe did not run (another Fyne version): prime the window
	// instead, so the window manager's next map sees user time 0. The
	// first map may take the focus for an instant.
	if err := s.x.UserTimeZero(id); err == nil {
		w.Hide()
		s.withHints(false, true, w.Show)
	}
	go s.finish(id, p.touched)
}

// finish places the mapped pop-up and watches for its first focus. It
// runs on its own goroutine from the moment the window is prepared:
// Fyne's Show returns only after the first frame is drawn, which takes a
// while on a software renderer, and the pop-up should be in place before.
func (s *Shower) finish(id xproto.Window, touched func()) {
	var focused func()
	if touched != nil {
		focused = func() { fyne.Do(touched) }
	}
	// A card that needs more room grows the window (Fyne fits the window
	// to its content): it goes back into the corner.
	resized := func() {
		go func() {
			if _, err := s.x.AfterMap(id, Margin, 0); err != nil {
				fmt.Fprintf(s.log, "tidbit-ui: pop-up: %v\n", err)
			}
		}()
	}
	if err := s.x.Watch(id, focused, resized); err != nil {
		fmt.Fprintf(s.log, "tidbit-ui: pop-up: %v\n", err)
	}
	if _, err := s.x.AfterMap(id, Margin, 5*time.Second); err != nil {
		fmt.Fprintf(s.log, "tidbit-ui: pop-up: %v\n", err)
	}
	if e, ok := s.x.FrameExtents(id); ok {
		s.mu.Lock()
		s.extents = e
		s.mu.Unlock()
	}
}

// withHints runs show (which creates the window) with the given hints,
// then restores GLFW's defaults for the windows after it.
func (s *Shower) withHints(focusOnShow, floating bool, show func()) {
	if s.hints == nil {
		show()
		return
	}
	s.hints(focusOnShow, floating)
	defer s.hints(true, false)
	show()
}

// prepare readies the created, unmapped X window: user time 0, the
// pop-up states and its corner position.
func (s *Shower) prepare(id xproto.Window) error {
	wa, err := s.x.WorkArea()
	if err != nil {
		return err
	}
	g, err := s.x.Geometry(id)
	if err != nil {
		return err
	}
	s.mu.Lock()
	e := s.extents
	s.mu.Unlock()
	if e == (Extents{}) {
		// The first pop-up of the process: ask the window manager, so the
		// window maps where it stays (no jump after mapping).
		e, _ = s.x.RequestFrameExtents(id, 100*time.Millisecond)
	}
	px, py := Corner(wa, g.W, g.H, e, Margin)
	return s.x.BeforeMap(id, px, py)
}

// xid is w's X11 window id, 0 before it is created (or not on X11).
func xid(w fyne.Window) xproto.Window {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return 0
	}
	var id uintptr
	nw.RunNative(func(ctx any) {
		if c, ok := ctx.(driver.X11WindowContext); ok {
			id = c.WindowHandle
		}
	})
	return xproto.Window(id)
}

// probe is an invisible widget whose MinSize prepares the window the
// first time it is asked once the X window exists.
type probe struct {
	widget.BaseWidget
	s        *Shower
	w        fyne.Window
	touched  func()
	prepared bool
	tried    bool
}

func (p *probe) MinSize() fyne.Size {
	if !p.tried {
		if id := xid(p.w); id != 0 {
			p.tried = true
			if err := p.s.prepare(id); err != nil {
				fmt.Fprintf(p.s.log, "tidbit-ui: pop-up: %v\n", err)
			} else {
				p.prepared = true
				go p.s.finish(id, p.touched)
			}
		}
	}
	return fyne.Size{}
}

func (p *probe) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}
