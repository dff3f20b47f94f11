//go:build linux

package main

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb/xproto"
)

// trayIcon finds the tray icon on the screen: the teal pixels (the ready
// icon's colour, app/tray) in the bottom strip where xfce4-panel sits.
func (d *xdesk) trayIcon(strip int) (x, y int, ok bool) {
	g, err := xproto.GetGeometry(d.Conn(), xproto.Drawable(d.Root())).Reply()
	if err != nil {
		return 0, 0, false
	}
	w, top := int(g.Width), int(g.Height)-strip
	r, err := xproto.GetImage(d.Conn(), xproto.ImageFormatZPixmap, xproto.Drawable(d.Root()), 0, int16(top), uint16(w), uint16(strip), 0xffffffff).Reply()
	if err != nil {
		return 0, 0, false
	}
	var sx, sy, n int
	for i := 0; i+3 < len(r.Data) && i/4 < w*strip; i += 4 { // BGRX
		b, gr, rd := int(r.Data[i]), int(r.Data[i+1]), int(r.Data[i+2])
		if gr > rd+60 && b > rd+60 && gr > 0x60 {
			p := i / 4
			sx, sy, n = sx+p%w, sy+p/w, n+1
		}
	}
	if n < 20 {
		return 0, 0, false
	}
	return sx / n, top + sy/n, true
}

// menuShown reports whether an override-redirect window (a GTK menu) of
// some size is mapped.
func (d *xdesk) menuShown() bool {
	tree, err := xproto.QueryTree(d.Conn(), d.Root()).Reply()
	if err != nil {
		return false
	}
	for _, c := range tree.Children {
		a, err := xproto.GetWindowAttributes(d.Conn(), c).Reply()
		if err != nil || !a.OverrideRedirect || a.MapState != xproto.MapStateViewable {
			continue
		}
		if g, err := xproto.GetGeometry(d.Conn(), xproto.Drawable(c)).Reply(); err == nil && g.Height > 60 && g.Width > 60 {
			return true
		}
	}
	return false
}

// TestDesktopTrayIconClick clicks the tray icon in xfce4-panel for real
// (xdotool moves the pointer and presses the button), screenshots the menu
// the panel shows, and chooses Learn now with the keyboard: the lesson
// window opens.
func TestDesktopTrayIconClick(t *testing.T) {
	s, d, bin, data := residentDesktop(t)
	resident := startResident(t, s, bin, data)
	var x, y int
	waitFor(t, 30*time.Second, "the tray icon in the panel", func() bool {
		var ok bool
		x, y, ok = d.trayIcon(40)
		return ok
	}, s.Logs)
	t.Logf("tray icon at %d,%d", x, y)
	for _, button := range []string{"1", "3"} { // hosts open the menu on one or the other
		if out, err := s.xdotool("mousemove", strconv.Itoa(x), strconv.Itoa(y), "click", button); err != nil {
			t.Fatalf("clicking the tray icon: %v %s", err, out)
		}
		deadline := time.Now().Add(5 * time.Second)
		for !d.menuShown() && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if d.menuShown() {
			t.Logf("the menu opened on button %s", button)
			break
		}
	}
	if !d.menuShown() {
		t.Fatalf("clicking the tray icon showed no menu\n%s", s.Logs())
	}
	time.Sleep(300 * time.Millisecond) // drawn
	d.screenshot("tray-menu.png")
	// The first item is Learn now.
	if out, err := s.xdotool("key", "Down", "Return"); err != nil {
		t.Fatalf("choosing Learn now: %v %s", err, out)
	}
	waitFor(t, 60*time.Second, "the lesson window", func() bool { return s.window() != "" }, s.Logs)

	// A second start hands over to the running resident and exits at once.
	second := exec.Command(filepath.Join(bin, "tray-harness"), "--data-dir", data, "--self", filepath.Join(bin, "tidbit"))
	second.Env = s.Env
	start := time.Now()
	if out, err := second.CombinedOutput(); err != nil || !strings.Contains(string(out), "already running") {
		t.Fatalf("second start: %v\n%s", err, out)
	}
	t.Logf("a second start handed over and exited in %v", time.Since(start).Round(time.Millisecond))

	s.terminate(resident, "the resident")
}
