package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestResidentLinksNoFyne guards the two-process design: the resident
// tidbit (tray, scheduler, store) must not link Fyne or GL, which cost
// 16 MB of idle RSS and a 60 Hz event loop. Lesson windows are tidbit-ui.
func TestResidentLinksNoFyne(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "fyne.io/fyne/") || strings.Contains(pkg, "go-gl/") {
			t.Errorf("cmd/tidbit depends on %s", pkg)
		}
	}
	if !strings.Contains(string(out), "fyne.io/systray") {
		t.Error("cmd/tidbit no longer links fyne.io/systray: where does the tray come from?")
	}
}
