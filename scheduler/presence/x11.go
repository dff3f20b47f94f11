//go:build !windows && !darwin

package presence

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/screensaver"
	"github.com/jezek/xgb/xproto"
)

var quietXGB sync.Once

// x11 is one connection to an X display, opened on first use and reopened
// after an error (the X server restarted). Requests are bounded by the
// caller's context: xgb itself has no timeouts.
type x11 struct {
	display string
	mu      sync.Mutex
	conn    *xgb.Conn
	live    atomic.Pointer[xgb.Conn] // conn, readable without mu
	root    xproto.Window
	ssInit  bool
	atoms   map[string]xproto.Atom
}

func newX11(display string) *x11 {
	// xgb logs a warning on every connection without ~/.Xauthority.
	quietXGB.Do(func() { xgb.Logger = log.New(io.Discard, "", 0) })
	return &x11{display: display, atoms: map[string]xproto.Atom{}}
}

// with runs f with a live connection, in a goroutine so that a hung server
// cannot hold the caller past ctx.
func (x *x11) with(ctx context.Context, f func(c *xgb.Conn, root xproto.Window) error) error {
	done := make(chan error, 1)
	go func() {
		x.mu.Lock()
		defer x.mu.Unlock()
		if x.conn == nil {
			c, err := xgb.NewConnDisplay(x.display)
			if err != nil {
				done <- fmt.Errorf("opening X display %q: %w", x.display, err)
				return
			}
			x.conn = c
			x.live.Store(c)
			x.root = xproto.Setup(c).DefaultScreen(c).Root
			x.ssInit = false
			x.atoms = map[string]xproto.Atom{}
		}
		err := f(x.conn, x.root)
		if err != nil {
			x.conn.Close()
			x.conn = nil
			x.live.Store(nil)
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		// Closing the connection makes the stuck request fail, so the
		// goroutine above returns and the next call reconnects.
		if c := x.live.Load(); c != nil {
			c.Close()
		}
		return fmt.Errorf("X display %q: %w", x.display, ctx.Err())
	}
}

func (x *x11) close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.conn != nil {
		x.conn.Close()
		x.conn = nil
		x.live.Store(nil)
	}
	return nil
}

func (x *x11) atom(c *xgb.Conn, name string) (xproto.Atom, error) {
	if a, ok := x.atoms[name]; ok {
		return a, nil
	}
	r, err := xproto.InternAtom(c, true, uint16(len(name)), name).Reply()
	if err != nil {
		return 0, fmt.Errorf("interning %s: %w", name, err)
	}
	x.atoms[name] = r.Atom
	return r.Atom, nil
}

// x11Idle is MIT-SCREEN-SAVER's MsSinceUserInput: one round trip per query.
// Under XWayland it sees only the input of X clients, so Wayland sessions
// should get a D-Bus backend first.
type x11Idle struct{ x *x11 }

func (s x11Idle) Name() string { return "X11 MIT-SCREEN-SAVER (" + s.x.display + ")" }

func (s x11Idle) IdleTime(ctx context.Context) (time.Duration, error) {
	var d time.Duration
	err := s.x.with(ctx, func(c *xgb.Conn, root xproto.Window) error {
		if !s.x.ssInit {
			if err := screensaver.Init(c); err != nil {
				return fmt.Errorf("MIT-SCREEN-SAVER extension: %w", err)
			}
			s.x.ssInit = true
		}
		r, err := screensaver.QueryInfo(c, xproto.Drawable(root)).Reply()
		if err != nil {
			return fmt.Errorf("screen saver QueryInfo: %w", err)
		}
		d = time.Duration(r.MsSinceUserInput) * time.Millisecond
		return nil
	})
	if err != nil {
		return 0, err // d may still be written by a request that timed out
	}
	return d, nil
}

// x11Fullscreen: the active window (EWMH _NET_ACTIVE_WINDOW) has
// _NET_WM_STATE_FULLSCREEN, as a presentation or a video call does.
type x11Fullscreen struct{ x *x11 }

func (x11Fullscreen) Signal() Signal { return Fullscreen }
func (x11Fullscreen) Name() string   { return "X11 _NET_WM_STATE_FULLSCREEN" }

var errNoActiveWindow = errors.New("no _NET_ACTIVE_WINDOW (window manager without EWMH)")

func (f x11Fullscreen) Check(ctx context.Context) (bool, error) {
	var on bool
	err := f.x.with(ctx, func(c *xgb.Conn, root xproto.Window) error {
		active, err := f.x.atom(c, "_NET_ACTIVE_WINDOW")
		if err != nil {
			return err
		}
		if active == xproto.AtomNone {
			return errNoActiveWindow
		}
		r, err := xproto.GetProperty(c, false, root, active, xproto.AtomWindow, 0, 1).Reply()
		if err != nil {
			return fmt.Errorf("reading _NET_ACTIVE_WINDOW: %w", err)
		}
		if r.Format != 32 || len(r.Value) < 4 {
			return nil // no active window now
		}
		win := xproto.Window(xgb.Get32(r.Value))
		if win == 0 {
			return nil
		}
		state, err := f.x.atom(c, "_NET_WM_STATE")
		if err != nil {
			return err
		}
		full, err := f.x.atom(c, "_NET_WM_STATE_FULLSCREEN")
		if err != nil {
			return err
		}
		if state == xproto.AtomNone || full == xproto.AtomNone {
			return nil // nobody ever used the atoms: nothing is fullscreen
		}
		sr, err := xproto.GetProperty(c, false, win, state, xproto.AtomAtom, 0, 64).Reply()
		if err != nil {
			// The window may have closed between the two requests: not fullscreen.
			return nil
		}
		for i := 0; i+4 <= len(sr.Value) && sr.Format == 32; i += 4 {
			if xproto.Atom(xgb.Get32(sr.Value[i:])) == full {
				on = true
			}
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	return on, nil
}
