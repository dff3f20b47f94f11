//go:build linux

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/instance"
	"github.com/tidbit-learn/tidbit/app/ipc"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
)

// TestDesktopMomentChain runs the whole chain in a real session: the
// resident (the tray harness: app/daemon on fyne.io/systray, with
// xfce4-panel as host) is asked for a moment over tray.sock (`offer`, the
// path a scheduler moment takes: pick, pop-up); the pop-up appears in the
// corner above the window the user works in, which keeps the focus; the
// user clicks it and presses Esc; the window reports "dismiss" to the
// resident, which records the outcome in the store's moments log with the
// lesson it offered.
func TestDesktopMomentChain(t *testing.T) {
	s, d, bin, data := residentDesktop(t)
	p, err := paths.Resolve(data, paths.OS())
	if err != nil {
		t.Fatal(err)
	}

	wa := d.waitWorkArea(s)
	work := d.workWindow(s)
	losses := focusLosses(t, s.Display, work)
	resident := startResident(t, s, bin, data)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	err = instance.Ask(ctx, ipc.TraySocket(data), "offer")
	cancel()
	if err != nil {
		t.Fatalf("offer: %v\n%s", err, s.Logs())
	}
	pop := d.newTidbitWindow(s, nil, 60*time.Second)
	waitFor(t, 5*time.Second, "the pop-up in the corner", func() bool { _, _, ok := d.inCorner(pop, wa); return ok }, s.Logs)
	states, err := d.States(pop)
	if err != nil || !slices.Contains(states, "_NET_WM_STATE_ABOVE") {
		t.Fatalf("pop-up states %v (%v): want ABOVE", states, err)
	}
	time.Sleep(300 * time.Millisecond) // room for a late focus change
	if f := d.focus(); f != work || losses() != 0 {
		t.Fatalf("focus is %#x after the pop-up (work window %#x), the work window lost it %d times", f, work, losses())
	}

	g, _, _ := d.inCorner(pop, wa)
	if out, err := s.xdotool("mousemove", strconv.Itoa(g.X+g.W/2), strconv.Itoa(g.Y+g.H/3), "click", "1"); err != nil {
		t.Fatalf("clicking the pop-up: %v %s", err, out)
	}
	waitFor(t, 5*time.Second, "the pop-up to take the focus on a click", func() bool { return d.focus() == pop }, s.Logs)
	if out, err := s.xdotool("key", "--window", strconv.Itoa(int(pop)), "Escape"); err != nil {
		t.Fatalf("xdotool: %v %s", err, out)
	}

	ro, err := store.Open(context.Background(), p.Database(), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	var row store.Moment
	waitFor(t, 15*time.Second, "the outcome in the moments log", func() bool {
		ms, err := ro.Moments(context.Background(), time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
		if err != nil {
			return false
		}
		for _, m := range ms {
			if m.Kind == "learn-now" && m.Outcome == "dismissed" && m.Item != "" {
				row = m
				return true
			}
		}
		return false
	}, s.Logs)
	t.Logf("moments log: %s %s %q → %s", row.Kind, row.Outcome, row.Reason, row.Item)

	s.terminate(resident, "the resident")
}

// buildHarness builds the resident (the tray harness) into bin, without
// -race: fyne.io/systray v1.12.2 races on its menu version (see
// app/tray/testdata/harness).
func buildHarness(t testing.TB, bin string) {
	t.Helper()
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "tray-harness"),
		"github.com/tidbit-learn/tidbit/app/tray/testdata/harness").CombinedOutput(); err != nil {
		t.Fatalf("building the tray harness: %v\n%s", err, out)
	}
}

// onboardedData is the session's data folder with onboarding done (so
// the first start opens no welcome window), the no-tray notice already
// seen (the panel may still be starting) and start at login off.
func onboardedData(t testing.TB, s *desktop) string {
	t.Helper()
	data := dataDir(t, s)
	p, err := paths.Resolve(data, paths.OS())
	if err != nil {
		t.Fatal(err)
	}
	a, err := core.Open(context.Background(), p, core.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := settings.Update(context.Background(), a.Store, func(s *settings.Settings) {
		s.Onboarded = true
		s.NoTrayNoticeShown = true
		off := false
		s.StartAtLogin = &off
	}); err != nil {
		t.Fatal(err)
	}
	return data
}

// residentDesktop is the set-up of the tests that run the resident:
// tidbit-ui and the tray harness built into bin, a private desktop, a
// connection to its X server and an onboarded data folder.
func residentDesktop(t *testing.T) (s *desktop, d *xdesk, bin, data string) {
	t.Helper()
	needPrograms(t)
	if testing.Short() {
		t.Skip("builds tidbit-ui and starts a desktop session")
	}
	bin = filepath.Dir(buildUI(t))
	buildHarness(t, bin)
	s = newSession(t)
	d = dialDesk(t, s)
	return s, d, bin, onboardedData(t, s)
}

// startResident starts the resident (the tray harness, its tidbit-ui in
// bin) on data and waits for its tray.sock.
func startResident(t testing.TB, s *desktop, bin, data string) *exec.Cmd {
	t.Helper()
	cmd := s.start(filepath.Join(bin, "tray-harness"), "--data-dir", data, "--self", filepath.Join(bin, "tidbit"), "--linger", "1m")
	waitFor(t, 30*time.Second, "the resident's socket", func() bool {
		_, err := os.Stat(ipc.TraySocket(data))
		return err == nil
	}, s.Logs)
	return cmd
}
