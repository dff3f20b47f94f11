//go:build !windows && !darwin

package presence

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// xdotool sends input to the display; pid is the Xvfb's, to tell a failed
// xdotool from a server that someone else ended.
// startXvfb starts Xvfb on a free display number, with no TCP listener, and
// returns ":N" and the PID (killed at cleanup). Numbers are drawn from
// 200-899: other programs on a shared machine tend to use the low ones (and
// -displayfd would start at :0).
func startXvfb(t *testing.T) (string, int) {
	t.Helper()
	xvfb := need(t, "Xvfb", "xvfb")
	newX11("") // silences xgb's logger
	var lastErr error
	for try := 0; try < 10; try++ {
		n := 200 + rand.IntN(700)
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		// -noreset: by default the server resets when its last client leaves,
		// and a connection made during the reset breaks.
		cmd := exec.Command(xvfb, display, "-nolisten", "tcp", "-noreset", "-screen", "0", "640x480x24")
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting Xvfb: %v", err)
		}
		pid := cmd.Process.Pid
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		t.Cleanup(func() {
			_ = syscall.Kill(pid, syscall.SIGTERM)
			<-exited
		})
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			select {
			case <-exited:
				lastErr = fmt.Errorf("Xvfb %s exited at start", display)
			default:
			}
			if lastErr != nil {
				break
			}
			c, err := xgb.NewConnDisplay(display)
			if err == nil {
				c.Close()
				return display, pid
			}
			lastErr = nil
			time.Sleep(50 * time.Millisecond)
		}
		if lastErr == nil {
			t.Fatalf("Xvfb %s (pid %d) accepts no connection after 10 s", display, pid)
		}
	}
	t.Fatalf("no free X display found: %v", lastErr)
	return "", 0
}

func xdotool(t *testing.T, display string, pid int, args ...string) {
	t.Helper()
	bin := need(t, "xdotool", "xdotool")
	var (
		out []byte
		err error
	)
	for try := 0; try < 3; try++ {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(cmd.Environ(), "DISPLAY="+display)
		if out, err = cmd.CombinedOutput(); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	alive := syscall.Kill(pid, 0) == nil
	t.Fatalf("xdotool %s: %v (Xvfb pid %d alive: %v)\n%s", strings.Join(args, " "), err, pid, alive, out)
}

func TestX11Idle(t *testing.T) {
	display, pid := startXvfb(t)
	m := Probe(context.Background(), Options{SessionBus: "-", SystemBus: "-", Display: display, DisableCommands: true})
	defer m.Close()
	d := m.Describe()
	if !d.Known || !strings.Contains(d.Idle, "MIT-SCREEN-SAVER") {
		t.Fatalf("Describe = %+v, want the X11 backend", d)
	}
	ctx := context.Background()
	xdotool(t, display, pid, "mousemove", "10", "10")
	first, err := m.IdleTime(ctx)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1200 * time.Millisecond)
	later, err := m.IdleTime(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if later-first < time.Second {
		t.Fatalf("idle went from %v to %v over 1.2 s without input", first, later)
	}
	tests := []struct {
		name string
		args []string
	}{
		{"pointer", []string{"mousemove_relative", "5", "5"}},
		{"key", []string{"key", "shift"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			time.Sleep(600 * time.Millisecond)
			xdotool(t, display, pid, tc.args...)
			got, err := m.IdleTime(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got > 400*time.Millisecond {
				t.Fatalf("idle after %s input = %v, want near 0", tc.name, got)
			}
			sigs, err := m.NotNow(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(sigs) == 0 || sigs[len(sigs)-1] != Typing {
				t.Fatalf("NotNow right after input = %v, want typing", sigs)
			}
		})
	}
}

// TestX11Fullscreen plays the window manager: it sets _NET_ACTIVE_WINDOW on the
// root and _NET_WM_STATE on a window of its own.
func TestX11Fullscreen(t *testing.T) {
	display, _ := startXvfb(t)
	ctx := context.Background()
	fs := x11Fullscreen{newX11(display)}
	defer fs.x.close()
	if _, err := fs.Check(ctx); !errors.Is(err, errNoActiveWindow) {
		t.Fatalf("Check before any window manager = %v, want errNoActiveWindow", err)
	}

	c, err := xgb.NewConnDisplay(display)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	root := xproto.Setup(c).DefaultScreen(c).Root
	atom := func(name string) xproto.Atom {
		r, err := xproto.InternAtom(c, false, uint16(len(name)), name).Reply()
		if err != nil {
			t.Fatal(err)
		}
		return r.Atom
	}
	win, _ := xproto.NewWindowId(c)
	if err := xproto.CreateWindowChecked(c, 0, win, root, 0, 0, 100, 100, 0, xproto.WindowClassInputOutput,
		xproto.Setup(c).DefaultScreen(c).RootVisual, 0, nil).Check(); err != nil {
		t.Fatal(err)
	}
	u32 := func(vs ...uint32) []byte {
		b := make([]byte, 4*len(vs))
		for i, v := range vs {
			xgb.Put32(b[4*i:], v)
		}
		return b
	}
	set := func(w xproto.Window, prop, typ xproto.Atom, vs ...uint32) {
		if err := xproto.ChangePropertyChecked(c, xproto.PropModeReplace, w, prop, typ, 32, uint32(len(vs)), u32(vs...)).Check(); err != nil {
			t.Fatal(err)
		}
	}
	state, full, above := atom("_NET_WM_STATE"), atom("_NET_WM_STATE_FULLSCREEN"), atom("_NET_WM_STATE_ABOVE")
	set(root, atom("_NET_ACTIVE_WINDOW"), xproto.AtomWindow, uint32(win))
	fs.x.close() // forget atoms cached as None

	tests := []struct {
		name  string
		state []uint32
		want  bool
	}{
		{"no state", nil, false},
		{"above only", []uint32{uint32(above)}, false},
		{"fullscreen", []uint32{uint32(full)}, true},
		{"above and fullscreen", []uint32{uint32(above), uint32(full)}, true},
		{"left fullscreen", []uint32{uint32(above)}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set(win, state, xproto.AtomAtom, tc.state...)
			got, err := fs.Check(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("fullscreen = %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("active window closed", func(t *testing.T) {
		set(root, atom("_NET_ACTIVE_WINDOW"), xproto.AtomWindow, 0x7fffff)
		got, err := fs.Check(ctx)
		if err != nil || got {
			t.Fatalf("Check with a stale active window = %v, %v; want false, nil", got, err)
		}
	})
}

// TestX11ServerFrozen: a stopped X server makes a query time out at
// CallTimeout; once it runs again the next query reconnects and answers.
func TestX11ServerFrozen(t *testing.T) {
	display, pid := startXvfb(t)
	m := Probe(context.Background(), Options{SessionBus: "-", SystemBus: "-", Display: display, DisableCommands: true, CallTimeout: 300 * time.Millisecond})
	defer m.Close()
	if !m.Known() {
		t.Fatalf("X11 not found: %v", m.Describe())
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := m.IdleTime(context.Background())
	el := time.Since(start)
	_ = syscall.Kill(pid, syscall.SIGCONT)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("IdleTime from a stopped server = %v, want a deadline error", err)
	}
	if el > 2*time.Second {
		t.Fatalf("IdleTime took %v with CallTimeout 300ms", el)
	}
	if m.LastError() == nil {
		t.Fatal("LastError is nil after a failed query")
	}
	var got error
	for i := 0; i < 20; i++ {
		if _, got = m.IdleTime(context.Background()); got == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got != nil {
		t.Fatalf("no recovery after SIGCONT: %v", got)
	}
}

// TestX11ServerGone: the X server dies; queries fail quickly instead of hanging.
func TestX11ServerGone(t *testing.T) {
	display, pid := startXvfb(t)
	m := Probe(context.Background(), Options{SessionBus: "-", SystemBus: "-", Display: display, DisableCommands: true, CallTimeout: time.Second})
	defer m.Close()
	if !m.Known() {
		t.Fatalf("X11 not found: %v", m.Describe())
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	for i := 0; i < 2; i++ {
		if _, err := m.IdleTime(context.Background()); err == nil {
			t.Fatalf("query %d after the X server died succeeded", i)
		}
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("failing queries took %v", el)
	}
}
