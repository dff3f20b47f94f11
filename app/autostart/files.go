//go:build !windows

package autostart

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tidbit-learn/tidbit/app/paths"
)

// entryPath is the file that makes Tidbit start at login on env's system.
func entryPath(env paths.Env) (string, error) {
	home, err := env.HomeDir()
	if err != nil || home == "" {
		if env.GOOS != "darwin" {
			if x := env.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
				return filepath.Join(x, "autostart", "tidbit.desktop"), nil
			}
		}
		return "", errors.New("start at login: cannot find your home folder")
	}
	if env.GOOS == "darwin" {
		return filepath.Join(home, "Library", "LaunchAgents", Label+".plist"), nil
	}
	cfg := filepath.Join(home, ".config")
	// The XDG spec says relative values are invalid and must be ignored.
	if x := env.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		cfg = x
	}
	return filepath.Join(cfg, "autostart", "tidbit.desktop"), nil
}

func entryText(env paths.Env, exe string) []byte {
	if env.GOOS == "darwin" {
		return launchAgent(exe)
	}
	return desktopEntry(exe)
}

func enable(env paths.Env, exe string) error {
	p, err := entryPath(env)
	if err != nil {
		return err
	}
	want := entryText(env, exe)
	if have, err := os.ReadFile(p); err == nil && bytes.Equal(have, want) {
		return nil
	}
	// The folder is the desktop's (others' entries live there): the usual
	// 0755; the entry names only a program, so 0644 as desktops write them.
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("start at login: creating %s: %w", filepath.Dir(p), err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tidbit-autostart-*")
	if err != nil {
		return fmt.Errorf("start at login: writing %s: %w", p, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(want); err != nil {
		tmp.Close()
		return fmt.Errorf("start at login: writing %s: %w", p, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("start at login: writing %s: %w", p, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("start at login: writing %s: %w", p, err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("start at login: writing %s: %w", p, err)
	}
	return nil
}

func disable(env paths.Env) error {
	p, err := entryPath(env)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("start at login: removing %s: %w", p, err)
	}
	return nil
}

func enabled(env paths.Env) (bool, error) {
	p, err := entryPath(env)
	if err != nil {
		return false, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("start at login: reading %s: %w", p, err)
	}
	if env.GOOS == "darwin" {
		return true, nil
	}
	// An entry switched off by the desktop's own settings panel stays in
	// place with one of these set.
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), "=")
		switch strings.TrimSpace(k) {
		case "Hidden":
			if strings.TrimSpace(v) == "true" {
				return false, nil
			}
		case "X-GNOME-Autostart-enabled":
			if strings.TrimSpace(v) == "false" {
				return false, nil
			}
		}
	}
	return true, nil
}
