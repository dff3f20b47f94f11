// Package autostart makes Tidbit start when the user logs in, the way each
// desktop expects: an XDG autostart entry on Linux and the BSDs
// ($XDG_CONFIG_HOME/autostart/tidbit.desktop), a LaunchAgent on macOS
// (~/Library/LaunchAgents) and the HKCU Run key on Windows. Enable,
// Disable and Apply are idempotent; the entry starts the tidbit binary
// with no arguments, which runs the tray.
//
// It knows nothing of settings or Fyne: callers pass the switch
// (settings.StartsAtLogin) and the binary (Executable).
package autostart

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/tidbit-learn/tidbit/app/paths"
)

// Label names the entry: the LaunchAgent label and the Run value's name
// derive from it; it matches the window process's application id.
const Label = "io.github.tidbit_learn.tidbit"

// Apply turns start at login on (for the binary exe) or off.
func Apply(env paths.Env, exe string, on bool) error {
	if on {
		return Enable(env, exe)
	}
	return Disable(env)
}

// Enable makes exe start at login; the entry is rewritten only when it
// differs.
func Enable(env paths.Env, exe string) error {
	if !filepath.IsAbs(exe) {
		return errors.New("start at login: the path of tidbit must be absolute, not " + exe)
	}
	if strings.ContainsAny(exe, "\x00\n\r") {
		return errors.New("start at login: the path of tidbit holds a line break")
	}
	return enable(env, exe)
}

// Disable removes the entry; no entry is no error.
func Disable(env paths.Env) error { return disable(env) }

// Enabled reports whether an entry is in place and switched on.
func Enabled(env paths.Env) (bool, error) { return enabled(env) }

// Executable is the tidbit binary to start at login, seen from the running
// program: itself, or the tidbit next to it when it is tidbit-ui (the
// window process ships beside the tray binary).
func Executable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	return TidbitNextTo(exe), nil
}

// TidbitNextTo maps the path of a running binary to the tidbit binary.
func TidbitNextTo(exe string) string {
	dir, base := filepath.Split(exe)
	ext := filepath.Ext(base)
	if strings.EqualFold(strings.TrimSuffix(base, ext), "tidbit-ui") {
		return filepath.Join(dir, "tidbit"+ext)
	}
	return exe
}
