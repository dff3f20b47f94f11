package popup

import (
	"errors"
	"fmt"
	"io"
	"log"
	"sync"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// Rect is a rectangle in root-window pixels.
type Rect struct{ X, Y, W, H int }

// In reports whether r lies wholly inside o.
func (r Rect) In(o Rect) bool {
	return r.X >= o.X && r.Y >= o.Y && r.X+r.W <= o.X+o.W && r.Y+r.H <= o.Y+o.H
}

// Extents are the window manager's frame around a client window
// (_NET_FRAME_EXTENTS: left, right, top, bottom).
type Extents struct{ Left, Right, Top, Bottom int }

// Corner is where the client window of size w×h goes so that its frame
// sits margin pixels inside the bottom-right corner of the work area (near
// where panels usually keep the tray). It never goes above or left of the
// work area, even when the work area is smaller than the window.
func Corner(wa Rect, w, h int, e Extents, margin int) (x, y int) {
	x = wa.X + wa.W - margin - e.Right - w
	y = wa.Y + wa.H - margin - e.Bottom - h
	x = max(x, wa.X+e.Left)
	y = max(y, wa.Y+e.Top)
	return x, y
}

var quietXGB sync.Once

// X is a connection to the X server for placing pop-ups. Its methods are
// safe for concurrent use (xgb serialises requests).
type X struct {
	conn  *xgb.Conn
	root  xproto.Window
	atoms map[string]xproto.Atom

	mu      sync.Mutex
	watches map[xproto.Window]*watch
	done    chan struct{}
}

// watch is what to do on a window's events.
type watch struct {
	focusIn func() // called once, on the first FocusIn
	resized func() // called when the size changes
	w, h    uint16
}

var atomNames = []string{
	"_NET_WORKAREA", "_NET_CURRENT_DESKTOP", "_NET_WM_USER_TIME", "_NET_WM_STATE",
	"_NET_WM_STATE_ABOVE", "_NET_WM_STATE_SKIP_TASKBAR", "_NET_WM_STATE_SKIP_PAGER",
	"_NET_FRAME_EXTENTS", "_NET_REQUEST_FRAME_EXTENTS", "_NET_MOVERESIZE_WINDOW", "_NET_SUPPORTING_WM_CHECK",
	"_NET_ACTIVE_WINDOW",
}

// Dial connects to display ("" means $DISPLAY).
func Dial(display string) (*X, error) {
	quietXGB.Do(func() { xgb.Logger = log.New(io.Discard, "", 0) }) // it warns about a missing .Xauthority
	c, err := xgb.NewConnDisplay(display)
	if err != nil {
		return nil, fmt.Errorf("connecting to the X display %q: %w", display, err)
	}
	x := &X{conn: c, root: xproto.Setup(c).DefaultScreen(c).Root, atoms: map[string]xproto.Atom{},
		watches: map[xproto.Window]*watch{}, done: make(chan struct{})}
	cookies := make([]xproto.InternAtomCookie, len(atomNames))
	for i, n := range atomNames {
		cookies[i] = xproto.InternAtom(c, false, uint16(len(n)), n)
	}
	for i, ck := range cookies {
		r, err := ck.Reply()
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("interning X atom %s: %w", atomNames[i], err)
		}
		x.atoms[atomNames[i]] = r.Atom
	}
	go x.events()
	return x, nil
}

// Close ends the connection.
func (x *X) Close() {
	x.conn.Close()
	<-x.done
}

// Root is the root window.
func (x *X) Root() xproto.Window { return x.root }

// Conn is the underlying connection (for tests).
func (x *X) Conn() *xgb.Conn { return x.conn }

// Atom returns an interned atom by name (0 when not interned here).
func (x *X) Atom(name string) xproto.Atom { return x.atoms[name] }

func (x *X) cardinals(win xproto.Window, prop xproto.Atom, typ xproto.Atom) ([]uint32, error) {
	r, err := xproto.GetProperty(x.conn, false, win, prop, typ, 0, 1024).Reply()
	if err != nil {
		return nil, err
	}
	if r.Format != 32 {
		return nil, nil
	}
	out := make([]uint32, r.ValueLen)
	for i := range out {
		out[i] = xgb.Get32(r.Value[4*i:])
	}
	return out, nil
}

// WorkArea is the current desktop's _NET_WORKAREA (the screen minus
// panels), or the whole root window when the window manager sets none.
func (x *X) WorkArea() (Rect, error) {
	g, err := xproto.GetGeometry(x.conn, xproto.Drawable(x.root)).Reply()
	if err != nil {
		return Rect{}, fmt.Errorf("reading the root window's size: %w", err)
	}
	screen := Rect{0, 0, int(g.Width), int(g.Height)}
	wa, err := x.cardinals(x.root, x.atoms["_NET_WORKAREA"], xproto.AtomCardinal)
	if err != nil || len(wa) < 4 {
		return screen, nil
	}
	desk := 0
	if cur, err := x.cardinals(x.root, x.atoms["_NET_CURRENT_DESKTOP"], xproto.AtomCardinal); err == nil && len(cur) == 1 && len(wa) >= 4*(int(cur[0])+1) {
		desk = int(cur[0])
	}
	r := Rect{int(wa[4*desk]), int(wa[4*desk+1]), int(wa[4*desk+2]), int(wa[4*desk+3])}
	if r.W <= 0 || r.H <= 0 {
		return screen, nil
	}
	return r, nil
}

// HasWM reports whether an EWMH window manager runs.
func (x *X) HasWM() bool {
	v, err := x.cardinals(x.root, x.atoms["_NET_SUPPORTING_WM_CHECK"], xproto.AtomWindow)
	return err == nil && len(v) == 1 && v[0] != 0
}

// FrameExtents reads the window manager's frame around win (zero when it
// set none yet).
func (x *X) FrameExtents(win xproto.Window) (Extents, bool) {
	v, err := x.cardinals(win, x.atoms["_NET_FRAME_EXTENTS"], xproto.AtomCardinal)
	if err != nil || len(v) != 4 {
		return Extents{}, false
	}
	return Extents{int(v[0]), int(v[1]), int(v[2]), int(v[3])}, true
}

// RequestFrameExtents asks the window manager what frame it will put
// around the not yet mapped win (EWMH _NET_REQUEST_FRAME_EXTENTS) and
// waits up to wait for the answer; false when none came.
func (x *X) RequestFrameExtents(win xproto.Window, wait time.Duration) (Extents, bool) {
	if e, ok := x.FrameExtents(win); ok {
		return e, true
	}
	if !x.HasWM() || x.clientMessage(win, x.atoms["_NET_REQUEST_FRAME_EXTENTS"]) != nil {
		return Extents{}, false
	}
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if e, ok := x.FrameExtents(win); ok {
			return e, true
		}
	}
	return Extents{}, false
}

// Geometry is win's client area in root coordinates.
func (x *X) Geometry(win xproto.Window) (Rect, error) {
	g, err := xproto.GetGeometry(x.conn, xproto.Drawable(win)).Reply()
	if err != nil {
		return Rect{}, fmt.Errorf("reading window %#x's geometry: %w", win, err)
	}
	t, err := xproto.TranslateCoordinates(x.conn, win, x.root, 0, 0).Reply()
	if err != nil {
		return Rect{}, fmt.Errorf("reading window %#x's position: %w", win, err)
	}
	return Rect{int(t.DstX), int(t.DstY), int(g.Width), int(g.Height)}, nil
}

// States lists win's _NET_WM_STATE atoms by name (only the ones this
// package knows).
func (x *X) States(win xproto.Window) ([]string, error) {
	v, err := x.cardinals(win, x.atoms["_NET_WM_STATE"], xproto.AtomAtom)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range v {
		for n, id := range x.atoms {
			if uint32(id) == a {
				out = append(out, n)
			}
		}
	}
	return out, nil
}

func (x *X) setCardinals(win xproto.Window, prop, typ xproto.Atom, vals ...uint32) xproto.ChangePropertyCookie {
	b := make([]byte, 4*len(vals))
	for i, v := range vals {
		xgb.Put32(b[4*i:], v)
	}
	return xproto.ChangePropertyChecked(x.conn, xproto.PropModeReplace, win, prop, typ, 32, uint32(len(vals)), b)
}

// popupStates are the _NET_WM_STATE atoms of a pop-up: on top, and kept
// out of the task bar and pager (it is not a window one switches to).
var popupStates = []string{"_NET_WM_STATE_ABOVE", "_NET_WM_STATE_SKIP_TASKBAR", "_NET_WM_STATE_SKIP_PAGER"}

// BeforeMap prepares the not yet mapped client window win: a
// _NET_WM_USER_TIME of 0 (EWMH: "do not focus this window when it is
// mapped"), the pop-up states and the position (x, y) with the
// program-position hint, so the window manager maps it in place. It
// returns once the server has applied all of it.
func (x *X) BeforeMap(win xproto.Window, px, py int) error {
	var errs []error
	errs = append(errs, x.setCardinals(win, x.atoms["_NET_WM_USER_TIME"], xproto.AtomCardinal, 0).Check())
	have, _ := x.cardinals(win, x.atoms["_NET_WM_STATE"], xproto.AtomAtom)
	for _, n := range popupStates {
		a := uint32(x.atoms[n])
		found := false
		for _, h := range have {
			found = found || h == a
		}
		if !found {
			have = append(have, a)
		}
	}
	errs = append(errs, x.setCardinals(win, x.atoms["_NET_WM_STATE"], xproto.AtomAtom, have...).Check())
	// WM_NORMAL_HINTS: 18 CARD32s; flags first, then the (obsolete but
	// still read) x and y. PPosition asks the window manager to keep the
	// program's position instead of placing the window itself.
	const pPosition = 1 << 2
	hints, _ := x.cardinals(win, xproto.AtomWmNormalHints, xproto.AtomWmSizeHints)
	if len(hints) < 18 {
		hints = append(hints, make([]uint32, 18-len(hints))...)
	}
	hints[0] |= pPosition
	hints[1], hints[2] = uint32(int32(px)), uint32(int32(py))
	errs = append(errs, x.setCardinals(win, xproto.AtomWmNormalHints, xproto.AtomWmSizeHints, hints...).Check())
	errs = append(errs, xproto.ConfigureWindowChecked(x.conn, win, xproto.ConfigWindowX|xproto.ConfigWindowY,
		[]uint32{uint32(int32(px)), uint32(int32(py))}).Check())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("preparing pop-up window %#x: %w", win, err)
	}
	return nil
}

// UserTimeZero sets win's _NET_WM_USER_TIME to 0 ("not from user input":
// the window manager should not focus it when it is next mapped).
func (x *X) UserTimeZero(win xproto.Window) error {
	if err := x.setCardinals(win, x.atoms["_NET_WM_USER_TIME"], xproto.AtomCardinal, 0).Check(); err != nil {
		return fmt.Errorf("setting window %#x's user time: %w", win, err)
	}
	return nil
}

func (x *X) clientMessage(win xproto.Window, typ xproto.Atom, data ...uint32) error {
	var d [5]uint32
	copy(d[:], data)
	ev := xproto.ClientMessageEvent{Format: 32, Window: win, Type: typ, Data: xproto.ClientMessageDataUnionData32New(d[:])}
	return xproto.SendEventChecked(x.conn, false, x.root,
		xproto.EventMaskSubstructureRedirect|xproto.EventMaskSubstructureNotify, string(ev.Bytes())).Check()
}

// AfterMap finishes a pop-up: it waits (up to wait) for it to be mapped
// and framed by the window manager, moves it so the frame sits margin pixels inside
// the work area's bottom-right corner, and asks for the pop-up states
// (EWMH _NET_WM_STATE messages; a window manager may have dropped the
// property set before mapping). It returns where the client area is.
func (x *X) AfterMap(win xproto.Window, margin int, wait time.Duration) (Rect, error) {
	wm := x.HasWM()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		at, err := xproto.GetWindowAttributes(x.conn, win).Reply()
		if err != nil {
			return Rect{}, fmt.Errorf("reading window %#x: %w", win, err)
		}
		if at.MapState == xproto.MapStateViewable {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	ext, ok := x.FrameExtents(win)
	for wm && !ok && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
		ext, ok = x.FrameExtents(win)
	}
	wa, err := x.WorkArea()
	if err != nil {
		return Rect{}, err
	}
	g, err := x.Geometry(win)
	if err != nil {
		return Rect{}, err
	}
	px, py := Corner(wa, g.W, g.H, ext, margin)
	if px != g.X || py != g.Y {
		if wm {
			// _NET_MOVERESIZE_WINDOW with StaticGravity (10): x and y are
			// the client area's, whatever gravity the toolkit declared;
			// bits 8-9 say x and y are given, 2<<12 that a tool asks.
			err = x.clientMessage(win, x.atoms["_NET_MOVERESIZE_WINDOW"], 10|1<<8|1<<9|2<<12, uint32(int32(px)), uint32(int32(py)))
		} else {
			err = xproto.ConfigureWindowChecked(x.conn, win, xproto.ConfigWindowX|xproto.ConfigWindowY,
				[]uint32{uint32(int32(px)), uint32(int32(py))}).Check()
		}
		if err != nil {
			return Rect{}, fmt.Errorf("moving pop-up window %#x: %w", win, err)
		}
	}
	if wm {
		const add, fromApp = 1, 1
		st := x.atoms["_NET_WM_STATE"]
		err = errors.Join(
			x.clientMessage(win, st, add, uint32(x.atoms["_NET_WM_STATE_ABOVE"]), uint32(x.atoms["_NET_WM_STATE_SKIP_TASKBAR"]), fromApp),
			x.clientMessage(win, st, add, uint32(x.atoms["_NET_WM_STATE_SKIP_PAGER"]), 0, fromApp))
		if err != nil {
			return Rect{}, fmt.Errorf("keeping pop-up window %#x on top: %w", win, err)
		}
	}
	return Rect{px, py, g.W, g.H}, nil
}

// Watch calls focusIn (on the event goroutine) the first time win
// receives the input focus (the user clicked it, or the window manager
// gave it), and resized each time its size changes (a new card wants more
// room); either may be nil.
func (x *X) Watch(win xproto.Window, focusIn, resized func()) error {
	g, err := xproto.GetGeometry(x.conn, xproto.Drawable(win)).Reply()
	if err != nil {
		return fmt.Errorf("watching window %#x: %w", win, err)
	}
	x.mu.Lock()
	x.watches[win] = &watch{focusIn: focusIn, resized: resized, w: g.Width, h: g.Height}
	x.mu.Unlock()
	err = xproto.ChangeWindowAttributesChecked(x.conn, win, xproto.CwEventMask,
		[]uint32{xproto.EventMaskFocusChange | xproto.EventMaskStructureNotify}).Check()
	if err != nil {
		x.mu.Lock()
		delete(x.watches, win)
		x.mu.Unlock()
		return fmt.Errorf("watching window %#x: %w", win, err)
	}
	return nil
}

func (x *X) events() {
	defer close(x.done)
	for {
		ev, err := x.conn.WaitForEvent()
		if ev == nil && err == nil {
			return // connection closed
		}
		var f func()
		switch e := ev.(type) {
		case xproto.FocusInEvent:
			if e.Mode == xproto.NotifyModeGrab || e.Detail == xproto.NotifyDetailPointer {
				continue
			}
			x.mu.Lock()
			if w := x.watches[e.Event]; w != nil {
				f, w.focusIn = w.focusIn, nil
			}
			x.mu.Unlock()
		case xproto.ConfigureNotifyEvent:
			x.mu.Lock()
			if w := x.watches[e.Window]; w != nil && (e.Width != w.w || e.Height != w.h) {
				w.w, w.h = e.Width, e.Height
				f = w.resized
			}
			x.mu.Unlock()
		case xproto.DestroyNotifyEvent:
			x.mu.Lock()
			delete(x.watches, e.Window)
			x.mu.Unlock()
		}
		if f != nil {
			f()
		}
	}
}
