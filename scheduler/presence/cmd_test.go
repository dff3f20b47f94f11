//go:build !windows

package presence

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakePrograms writes shell scripts into a folder put first in PATH.
func fakePrograms(t *testing.T, scripts map[string]string) {
	t.Helper()
	need(t, "sh", "dash")
	dir := t.TempDir()
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
}

func TestCommandSignals(t *testing.T) {
	tests := []struct {
		name    string
		scripts map[string]string
		desktop string
		want    string
		wantErr string
		avail   int // signals that survive Probe
	}{
		{"nothing installed", nil, "", "", "", 0},
		{"microphone idle", map[string]string{"pactl": "exit 0"}, "", "", "", 1},
		{"microphone in use", map[string]string{"pactl": `echo "42	1	3	protocol-native.c	float32le 1ch 48000Hz"`}, "", "microphone", "", 1},
		{"xfce dnd", map[string]string{"xfconf-query": "echo true"}, "", "do-not-disturb", "", 1},
		{"xfce channel missing", map[string]string{"xfconf-query": "echo 'Property does not exist' >&2; exit 1"}, "", "", "", 0},
		{"gnome banners off", map[string]string{"gsettings": "echo false"}, "ubuntu:GNOME", "do-not-disturb", "", 1},
		{"gnome banners on", map[string]string{"gsettings": "echo true"}, "GNOME", "", "", 1},
		{"gsettings ignored outside GNOME", map[string]string{"gsettings": "echo false"}, "XFCE", "", "", 0},
		{"garbage value", map[string]string{"gsettings": "echo maybe"}, "GNOME", "", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fakePrograms(t, tc.scripts)
			m := Probe(context.Background(), Options{SessionBus: "-", SystemBus: "-", Display: "-",
				Getenv: func(k string) string {
					if k == "XDG_CURRENT_DESKTOP" {
						return tc.desktop
					}
					return ""
				}})
			if got := len(m.checks); got != tc.avail {
				t.Fatalf("%d signals available, want %d: %s", got, tc.avail, m.Describe())
			}
			sigs, err := m.NotNow(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range sigs {
				names = append(names, string(s))
			}
			if got := strings.Join(names, ","); got != tc.want {
				t.Fatalf("NotNow = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCommandTimeout: a pactl that hangs is killed at CallTimeout and the
// signal is reported unavailable, not waited for.
func TestCommandTimeout(t *testing.T) {
	fakePrograms(t, map[string]string{"pactl": "exec sleep 30"})
	t.Setenv("PATH", os.Getenv("PATH")+":/usr/bin:/bin")
	start := time.Now()
	m := Probe(context.Background(), Options{SessionBus: "-", SystemBus: "-", Display: "-", CallTimeout: 300 * time.Millisecond})
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("Probe took %v", el)
	}
	d := m.Describe()
	found := false
	for _, a := range d.Attempts {
		if a.Backend == "pactl source-outputs" {
			found = true
			if a.OK || !strings.Contains(a.Error, "deadline") {
				t.Fatalf("pactl attempt = %+v, want a deadline error", a)
			}
		}
	}
	if !found {
		t.Fatalf("pactl not tried: %+v", d)
	}
}
