// Package xwatch times windows appearing on an X11 display without
// polling: it listens for PropertyNotify on the root window's
// _NET_CLIENT_LIST (the window manager's list of managed windows), and for
// every new client it listens for that window's own MapNotify, so the time
// a window was mapped is the time its event arrived. It can also ask a
// window to close (WM_DELETE_WINDOW, as a close button does) and wait for
// it to leave the list.
//
// It needs an EWMH window manager (openbox, xfwm4, mutter, kwin) and talks
// X11 directly (github.com/jezek/xgb, no cgo).
package xwatch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"sync"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// Client is one managed window as the watcher saw it.
type Client struct {
	ID    xproto.Window
	PID   int    // _NET_WM_PID; 0 when the window sets none
	Name  string // _NET_WM_NAME, else WM_NAME
	Class string // WM_CLASS instance and class, joined by "."
	// Seen is when it last entered _NET_CLIENT_LIST (zero: it was there
	// when the watcher opened; a window hidden and shown again enters
	// anew), Mapped when its MapNotify arrived (or when the watcher found
	// it already mapped; zero while unmapped), Gone when it left the list.
	Seen, Mapped, Gone time.Time
}

// Watcher follows a display's managed windows.
type Watcher struct {
	conn  *xgb.Conn
	root  xproto.Window
	atoms struct {
		clientList, wmPID, netWMName, utf8, protocols, delete xproto.Atom
	}

	mu      sync.Mutex
	clients map[xproto.Window]*Client
	changed chan struct{} // closed and replaced on every change
	err     error         // the connection ended
}

var quietOnce sync.Once

// Open connects to display (":N") and starts following its windows.
func Open(display string) (*Watcher, error) {
	// xgb logs a harmless warning when there is no .Xauthority.
	quietOnce.Do(func() { xgb.Logger = log.New(io.Discard, "", 0) })
	conn, err := xgb.NewConnDisplay(display)
	if err != nil {
		return nil, fmt.Errorf("connecting to X display %s: %w", display, err)
	}
	w := &Watcher{conn: conn, root: xproto.Setup(conn).DefaultScreen(conn).Root,
		clients: map[xproto.Window]*Client{}, changed: make(chan struct{})}
	for _, a := range []struct {
		name string
		dst  *xproto.Atom
	}{{"_NET_CLIENT_LIST", &w.atoms.clientList}, {"_NET_WM_PID", &w.atoms.wmPID}, {"_NET_WM_NAME", &w.atoms.netWMName},
		{"UTF8_STRING", &w.atoms.utf8}, {"WM_PROTOCOLS", &w.atoms.protocols}, {"WM_DELETE_WINDOW", &w.atoms.delete}} {
		r, err := xproto.InternAtom(conn, false, uint16(len(a.name)), a.name).Reply()
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("X atom %s: %w", a.name, err)
		}
		*a.dst = r.Atom
	}
	if err := xproto.ChangeWindowAttributesChecked(conn, w.root, xproto.CwEventMask,
		[]uint32{xproto.EventMaskPropertyChange}).Check(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("listening to the root window of %s: %w", display, err)
	}
	ids, err := w.clientList()
	if err != nil {
		conn.Close()
		return nil, err
	}
	for _, id := range ids {
		w.clients[id] = &Client{ID: id} // there before us: Seen stays zero
	}
	go w.loop()
	return w, nil
}

// Close disconnects.
func (w *Watcher) Close() { w.conn.Close() }

func (w *Watcher) loop() {
	for {
		ev, xerr := w.conn.WaitForEvent()
		now := time.Now()
		if ev == nil && xerr == nil {
			w.mu.Lock()
			w.err = errors.New("the X connection closed")
			w.broadcast()
			w.mu.Unlock()
			return
		}
		switch e := ev.(type) {
		case xproto.PropertyNotifyEvent:
			if e.Window == w.root && e.Atom == w.atoms.clientList {
				w.refresh(now)
			}
		case xproto.MapNotifyEvent:
			w.mu.Lock()
			if c, ok := w.clients[e.Window]; ok && c.Mapped.IsZero() {
				c.Mapped = now
				w.broadcast()
			}
			w.mu.Unlock()
		case xproto.UnmapNotifyEvent:
			// Hidden, perhaps to be shown again later (a warm process
			// may reuse its window): the next MapNotify counts.
			w.mu.Lock()
			if c, ok := w.clients[e.Window]; ok {
				c.Mapped = time.Time{}
			}
			w.mu.Unlock()
		}
	}
}

// broadcast wakes every waiter; call it with mu held.
func (w *Watcher) broadcast() {
	close(w.changed)
	w.changed = make(chan struct{})
}

// refresh reads the client list after it changed at now.
func (w *Watcher) refresh(now time.Time) {
	ids, err := w.clientList()
	if err != nil {
		return // the next change reads it again
	}
	in := map[xproto.Window]bool{}
	var fresh []*Client
	w.mu.Lock()
	for _, id := range ids {
		in[id] = true
		c, ok := w.clients[id]
		switch {
		case !ok:
			c = &Client{ID: id, Seen: now}
			w.clients[id] = c
			fresh = append(fresh, c)
		case !c.Gone.IsZero():
			// A window hidden (withdrawn) and shown again is new again.
			c.Seen, c.Gone = now, time.Time{}
			fresh = append(fresh, c)
		}
	}
	for id, c := range w.clients {
		if !in[id] && c.Gone.IsZero() {
			c.Gone = now
		}
	}
	w.mu.Unlock()
	for _, c := range fresh {
		// Its MapNotify from now on; if it was mapped already, the
		// attributes say so and the time is now (a round trip late).
		_ = xproto.ChangeWindowAttributesChecked(w.conn, c.ID, xproto.CwEventMask,
			[]uint32{xproto.EventMaskStructureNotify}).Check()
		pid := w.cardinal(c.ID, w.atoms.wmPID)
		name := w.text(c.ID, w.atoms.netWMName, w.atoms.utf8)
		if name == "" {
			name = w.text(c.ID, xproto.AtomWmName, xproto.AtomString)
		}
		class := strings.Join(strings.FieldsFunc(w.text(c.ID, xproto.AtomWmClass, xproto.AtomString),
			func(r rune) bool { return r == 0 }), ".")
		attr, err := xproto.GetWindowAttributes(w.conn, c.ID).Reply()
		mappedAt := time.Now()
		w.mu.Lock()
		c.PID, c.Name, c.Class = pid, name, class
		if err == nil && attr.MapState != xproto.MapStateUnmapped && c.Mapped.IsZero() {
			c.Mapped = mappedAt
		}
		w.mu.Unlock()
	}
	w.mu.Lock()
	w.broadcast()
	w.mu.Unlock()
}

func (w *Watcher) clientList() ([]xproto.Window, error) {
	r, err := xproto.GetProperty(w.conn, false, w.root, w.atoms.clientList, xproto.AtomWindow, 0, 1<<16).Reply()
	if err != nil {
		return nil, fmt.Errorf("reading _NET_CLIENT_LIST: %w", err)
	}
	var ids []xproto.Window
	if r.Format != 32 {
		return nil, nil // not set yet
	}
	for i := 0; i+4 <= len(r.Value); i += 4 {
		ids = append(ids, xproto.Window(xgb.Get32(r.Value[i:])))
	}
	return ids, nil
}

func (w *Watcher) cardinal(win xproto.Window, prop xproto.Atom) int {
	r, err := xproto.GetProperty(w.conn, false, win, prop, xproto.AtomCardinal, 0, 1).Reply()
	if err != nil || r.Format != 32 || len(r.Value) < 4 {
		return 0
	}
	return int(xgb.Get32(r.Value))
}

func (w *Watcher) text(win xproto.Window, prop, typ xproto.Atom) string {
	r, err := xproto.GetProperty(w.conn, false, win, prop, typ, 0, 1024).Reply()
	if err != nil || r.Format != 8 {
		return ""
	}
	return strings.TrimRight(string(r.Value), "\x00")
}

// Clients returns every window seen so far, gone ones included.
func (w *Watcher) Clients() []Client {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]Client, 0, len(w.clients))
	for _, c := range w.clients {
		out = append(out, *c)
	}
	return out
}

// wait calls check under the lock on every change until it reports done.
func (w *Watcher) wait(ctx context.Context, check func() bool) error {
	for {
		w.mu.Lock()
		if check() {
			w.mu.Unlock()
			return nil
		}
		if w.err != nil {
			err := w.err
			w.mu.Unlock()
			return err
		}
		ch := w.changed
		w.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// WaitMapped waits for a window that entered the list at or after since,
// satisfies match and is mapped, and returns it.
func (w *Watcher) WaitMapped(ctx context.Context, since time.Time, match func(Client) bool) (Client, error) {
	var found Client
	err := w.wait(ctx, func() bool {
		for _, c := range w.clients {
			if !c.Seen.IsZero() && !c.Seen.Before(since) && !c.Mapped.IsZero() && c.Gone.IsZero() && match(*c) {
				found = *c
				return true
			}
		}
		return false
	})
	return found, err
}

// WaitGone waits until the window has left the list.
func (w *Watcher) WaitGone(ctx context.Context, id xproto.Window) error {
	return w.wait(ctx, func() bool {
		c, ok := w.clients[id]
		return !ok || !c.Gone.IsZero()
	})
}

// Delete asks the window to close as its close button would
// (WM_DELETE_WINDOW); the application decides what to do.
func (w *Watcher) Delete(id xproto.Window) error {
	ev := xproto.ClientMessageEvent{Format: 32, Window: id, Type: w.atoms.protocols,
		Data: xproto.ClientMessageDataUnionData32New([]uint32{uint32(w.atoms.delete), uint32(xproto.TimeCurrentTime), 0, 0, 0})}
	if err := xproto.SendEventChecked(w.conn, false, id, xproto.EventMaskNoEvent, string(ev.Bytes())).Check(); err != nil {
		return fmt.Errorf("asking window %#x to close: %w", id, err)
	}
	return nil
}

// ErrStillDrawing means a window's pixels kept changing until Drawn's
// limit.
var ErrStillDrawing = errors.New("the window was still changing")

// Drawn tells when window id showed its final pixels: it reads the
// window's image (GetImage) every interval and returns the time of the
// last read that differed from the one before, once the image has stayed
// the same for quiet. The first read counts as a change. It is accurate to
// one interval, and a window that animates never settles (ErrStillDrawing
// after limit). Mapping is not drawing: a GL window shows nothing, or
// what was under it, until its first frame; and a window may show its
// frame first and its text later.
func (w *Watcher) Drawn(ctx context.Context, id xproto.Window, interval, quiet, limit time.Duration) (time.Time, error) {
	start := time.Now()
	var last []byte
	var changed time.Time
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		img, err := w.image(id)
		now := time.Now()
		if err != nil {
			return time.Time{}, err
		}
		if last == nil || !bytes.Equal(img, last) {
			last, changed = img, now
		}
		if now.Sub(changed) >= quiet {
			return changed, nil
		}
		if now.Sub(start) >= limit {
			return changed, fmt.Errorf("window %#x after %v: %w", id, limit, ErrStillDrawing)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-t.C:
		}
	}
}

// image reads the pixels of window id at its current size.
func (w *Watcher) image(id xproto.Window) ([]byte, error) {
	g, err := xproto.GetGeometry(w.conn, xproto.Drawable(id)).Reply()
	if err != nil {
		return nil, fmt.Errorf("window %#x geometry: %w", id, err)
	}
	r, err := xproto.GetImage(w.conn, xproto.ImageFormatZPixmap, xproto.Drawable(id), 0, 0, g.Width, g.Height, 0xffffffff).Reply()
	if err != nil {
		return nil, fmt.Errorf("window %#x image: %w", id, err)
	}
	return r.Data, nil
}
