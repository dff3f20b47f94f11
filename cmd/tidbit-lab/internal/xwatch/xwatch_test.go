//go:build linux

package xwatch

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/tidbit-learn/tidbit/cmd/internal/session"
)

func newSession(t *testing.T) *session.Session {
	t.Helper()
	if m := session.Missing(); len(m) > 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must install: %s", strings.Join(m, ", "))
		}
		t.Skipf("install %s to run this test", strings.Join(m, ", "))
	}
	s, err := session.Start(context.Background(), session.Options{NoPanel: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// app is a minimal X client: one window that sets _NET_WM_PID and
// WM_NAME, and destroys itself when asked to close.
type app struct {
	conn *xgb.Conn
	win  xproto.Window
}

func newApp(t *testing.T, display string, pid int, name string) *app {
	t.Helper()
	conn, err := xgb.NewConnDisplay(display)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)
	scr := xproto.Setup(conn).DefaultScreen(conn)
	win, err := xproto.NewWindowId(conn)
	if err != nil {
		t.Fatal(err)
	}
	if err := xproto.CreateWindowChecked(conn, scr.RootDepth, win, scr.Root, 0, 0, 200, 100, 0,
		xproto.WindowClassInputOutput, scr.RootVisual, 0, nil).Check(); err != nil {
		t.Fatal(err)
	}
	atom := func(n string) xproto.Atom {
		r, err := xproto.InternAtom(conn, false, uint16(len(n)), n).Reply()
		if err != nil {
			t.Fatal(err)
		}
		return r.Atom
	}
	pidBuf := make([]byte, 4)
	xgb.Put32(pidBuf, uint32(pid))
	del := make([]byte, 4)
	xgb.Put32(del, uint32(atom("WM_DELETE_WINDOW")))
	protocols := atom("WM_PROTOCOLS")
	for _, p := range []struct {
		prop, typ xproto.Atom
		format    byte
		data      []byte
	}{
		{atom("_NET_WM_PID"), xproto.AtomCardinal, 32, pidBuf},
		{xproto.AtomWmName, xproto.AtomString, 8, []byte(name)},
		{xproto.AtomWmClass, xproto.AtomString, 8, []byte("probe\x00Probe\x00")},
		{protocols, xproto.AtomAtom, 32, del},
	} {
		n := uint32(len(p.data)) / uint32(p.format/8)
		if err := xproto.ChangePropertyChecked(conn, xproto.PropModeReplace, win, p.prop, p.typ, p.format, n, p.data).Check(); err != nil {
			t.Fatal(err)
		}
	}
	go func() {
		for {
			ev, xerr := conn.WaitForEvent()
			if ev == nil && xerr == nil {
				return
			}
			if cm, ok := ev.(xproto.ClientMessageEvent); ok && cm.Type == protocols {
				xproto.DestroyWindow(conn, win)
				return
			}
		}
	}()
	return &app{conn: conn, win: win}
}

func TestWindowMappedAndClosed(t *testing.T) {
	s := newSession(t)
	var w *Watcher
	deadline := time.Now().Add(10 * time.Second)
	for {
		var err error
		if w, err = Open(s.Display); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v\n%s", err, s.Logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
	defer w.Close()

	other := newApp(t, s.Display, 4242, "Other")
	probe := newApp(t, s.Display, 777, "Probe window")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	since := time.Now()
	xproto.MapWindow(other.conn, other.win)
	xproto.MapWindow(probe.conn, probe.win)
	c, err := w.WaitMapped(ctx, since, func(c Client) bool { return c.PID == 777 })
	if err != nil {
		t.Fatalf("waiting for the probe window: %v\nclients: %+v\n%s", err, w.Clients(), s.Logs())
	}
	if c.ID != probe.win || c.Name != "Probe window" || c.Class != "probe.Probe" || c.Mapped.Before(c.Seen.Add(-time.Second)) || c.Mapped.Before(since) {
		t.Fatalf("got %+v, want window %#x named Probe window, class probe.Probe, mapped after %v", c, probe.win, since)
	}
	t.Logf("mapped %v after MapWindow", c.Mapped.Sub(since))

	if err := w.Delete(c.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.WaitGone(ctx, c.ID); err != nil {
		t.Fatalf("the probe did not close: %v", err)
	}
	// The next window is seen too.
	since = time.Now()
	again := newApp(t, s.Display, 778, "Second probe")
	xproto.MapWindow(again.conn, again.win)
	if _, err := w.WaitMapped(ctx, since, func(c Client) bool { return c.PID == 778 }); err != nil {
		t.Fatalf("waiting for the second probe: %v\nclients: %+v", err, w.Clients())
	}
	// A window that was there before since does not count as new.
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	_, err = w.WaitMapped(short, time.Now(), func(c Client) bool { return c.PID == 4242 })
	if err == nil {
		t.Fatal("an old window was reported as newly mapped")
	}
	// A window hidden and shown again (a warm process reusing it) is new
	// again.
	xproto.UnmapWindow(other.conn, other.win)
	if err := w.WaitGone(ctx, other.win); err != nil {
		t.Fatalf("the other window did not leave the list when unmapped: %v", err)
	}
	since = time.Now()
	xproto.MapWindow(other.conn, other.win)
	if c, err := w.WaitMapped(ctx, since, func(c Client) bool { return c.PID == 4242 }); err != nil || c.ID != other.win {
		t.Fatalf("the other window shown again: %+v, %v\nclients: %+v", c, err, w.Clients())
	}
	var sawOther bool
	for _, cl := range w.Clients() {
		if cl.ID == other.win && cl.Gone.IsZero() && !cl.Mapped.IsZero() {
			sawOther = true
		}
	}
	if !sawOther {
		t.Fatalf("the other window is not listed as mapped: %+v", w.Clients())
	}
}

// fill paints the whole probe window in one colour (from any goroutine).
func (a *app) fill(pixel uint32) error {
	gc, err := xproto.NewGcontextId(a.conn)
	if err != nil {
		return err
	}
	if err := xproto.CreateGCChecked(a.conn, gc, xproto.Drawable(a.win), xproto.GcForeground, []uint32{pixel}).Check(); err != nil {
		return err
	}
	defer xproto.FreeGC(a.conn, gc)
	return xproto.PolyFillRectangleChecked(a.conn, xproto.Drawable(a.win), gc, []xproto.Rectangle{{Width: 200, Height: 100}}).Check()
}

// TestDrawn: the time a window showed its final pixels, read from outside
// (a window painted 300 ms after mapping is drawn then, not at mapping);
// a window that keeps changing never settles.
func TestDrawn(t *testing.T) {
	s := newSession(t)
	w, err := Open(s.Display)
	for deadline := time.Now().Add(10 * time.Second); err != nil && time.Now().Before(deadline); w, err = Open(s.Display) {
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, s.Logs())
	}
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	probe := newApp(t, s.Display, 901, "Painted late")
	since := time.Now()
	xproto.MapWindow(probe.conn, probe.win)
	c, err := w.WaitMapped(ctx, since, func(c Client) bool { return c.PID == 901 })
	if err != nil {
		t.Fatal(err)
	}
	if err := probe.fill(0x000000); err != nil {
		t.Fatal(err)
	}
	painted := make(chan time.Time, 1)
	go func() {
		time.Sleep(300 * time.Millisecond)
		at := time.Now()
		if err := probe.fill(0x33cc66); err != nil {
			t.Error(err)
		}
		painted <- at
	}()
	got, err := w.Drawn(ctx, c.ID, 10*time.Millisecond, 600*time.Millisecond, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	at := <-painted
	if got.Before(at) || got.Sub(at) > 150*time.Millisecond {
		t.Fatalf("drawn at %v after mapping, painted at %v: want the paint's time within 150 ms", got.Sub(c.Mapped), at.Sub(c.Mapped))
	}
	t.Logf("painted %v after mapping, seen drawn %v after the paint", at.Sub(c.Mapped), got.Sub(at))

	// A window that keeps changing does not settle.
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := uint32(0); ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				if err := probe.fill(i * 0x010203); err != nil {
					t.Error(err)
					return
				}
			}
		}
	}()
	_, err = w.Drawn(ctx, c.ID, 10*time.Millisecond, 200*time.Millisecond, 500*time.Millisecond)
	close(stop)
	<-done
	if !errors.Is(err, ErrStillDrawing) {
		t.Fatalf("a window changing every 20 ms: got %v, want ErrStillDrawing", err)
	}
}
