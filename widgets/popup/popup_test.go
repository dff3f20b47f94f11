package popup

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestPlainPopup: where a focus-safe pop-up is impossible (Wayland
// without XWayland), --popup shows a normal window that does not ask for
// the focus (GLFW FocusOnShow off, no Floating, hints reset after), with
// no X11 calls, and says why once on stderr. A window asked for (not a
// pop-up) gets GLFW's defaults.
func TestPlainPopup(t *testing.T) {
	a := test.NewTempApp(t)
	var log strings.Builder
	var hints []string
	s := New(func(k string) string {
		if k == "WAYLAND_DISPLAY" {
			return "wayland-0"
		}
		return ""
	}, "linux", &log)
	s.hints = func(focus, floating bool) {
		hints = append(hints, fmt.Sprintf("focus=%v floating=%v", focus, floating))
	}
	cases := []struct {
		name  string
		popup bool
		hints string
	}{
		{"pop-up", true, "focus=false floating=false; focus=true floating=false"},
		{"second pop-up", true, "focus=false floating=false; focus=true floating=false"},
		{"asked for", false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hints = nil
			w := a.NewWindow("Tidbit — test")
			w.SetContent(widget.NewLabel("lesson"))
			s.Show(w, tc.popup, func() { t.Error("touched without a click") })
			if got := strings.Join(hints, "; "); got != tc.hints {
				t.Fatalf("hints %q, want %q", got, tc.hints)
			}
			if s.Mode() != Plain || s.x != nil {
				t.Fatalf("mode %v, X connection %v", s.Mode(), s.x != nil)
			}
			w.Close()
		})
	}
	if n := strings.Count(log.String(), "Wayland session without XWayland"); n != 1 {
		t.Fatalf("stderr said why %d times:\n%s", n, log.String())
	}
}
