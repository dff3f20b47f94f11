package doctor

import (
	"context"
	"strings"
	"testing"
)

// TestTrayHostWithoutABus: with no session bus the answer is "cannot
// tell" (no bus is started to find out), and the check says what to do.
func TestTrayHostWithoutABus(t *testing.T) {
	env := Env{Getenv: func(string) string { return "" }}
	if running, known := TrayHostRunning(context.Background(), env); running || known {
		t.Fatalf("running %v, known %v without a bus", running, known)
	}
	r := TrayHost(env).Run(context.Background())
	if r.Status != Warn || r.Fix == "" {
		t.Fatalf("check %+v", r)
	}
}

// TestPopup: how doctor says offers will appear, for each kind of desktop
// and window manager (the X11 window managers themselves are asked for
// real in cmd/internal/session's TestWindowManagers).
func TestPopup(t *testing.T) {
	env := func(vars map[string]string) Env { return Env{Getenv: func(k string) string { return vars[k] }} }
	for _, tc := range []struct {
		name   string
		env    Env
		notify bool
		status Status
		detail string
	}{
		{"notifications asked for", env(map[string]string{"DISPLAY": ":0"}), true, OK, "notify_offers is on"},
		{"Wayland only", env(map[string]string{"WAYLAND_DISPLAY": "wayland-0"}), false, OK, "Wayland without XWayland"},
		{"no display", env(nil), false, OK, "no pop-ups"},
		{"a display nobody serves", env(map[string]string{"DISPLAY": ":97"}), false, Warn, "cannot ask the window manager"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Popup(tc.env, tc.notify).Run(context.Background())
			if r.Status != tc.status || !strings.Contains(r.Detail, tc.detail) {
				t.Fatalf("got %+v, want %s and %q", r, tc.status, tc.detail)
			}
		})
	}
	for _, tc := range []struct {
		wm     string
		status Status
		detail string
		fix    bool
	}{
		{"Openbox", OK, "under Openbox (tested)", false},
		{"Xfwm4", OK, "under Xfwm4 (tested)", false},
		{"Metacity", OK, "under Metacity (tested)", false},
		{"KWin", Warn, "not tested under KWin", true},
		{"", Warn, "no window manager answers", true},
	} {
		t.Run("window manager "+tc.wm, func(t *testing.T) {
			r := popupUnder(tc.wm, nil)
			if r.Status != tc.status || !strings.Contains(r.Detail, tc.detail) || (r.Fix != "") != tc.fix ||
				tc.fix && !strings.Contains(r.Fix, "notify_offers=true") {
				t.Fatalf("got %+v, want %s, %q, a fix %v", r, tc.status, tc.detail, tc.fix)
			}
		})
	}
}
