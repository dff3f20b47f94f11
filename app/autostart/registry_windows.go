//go:build windows

package autostart

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"

	"github.com/tidbit-learn/tidbit/app/paths"
)

// runKey is the per-user list of programs Windows starts at sign-in.
const runKey = `Software\Microsoft\Windows\CurrentVersion\Run`

// runValue names Tidbit's entry under runKey.
const runValue = "Tidbit"

func enable(_ paths.Env, exe string) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE|registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("start at login: opening HKCU\\%s: %w", runKey, err)
	}
	defer k.Close()
	want := `"` + exe + `"`
	if have, _, err := k.GetStringValue(runValue); err == nil && have == want {
		return nil
	}
	if err := k.SetStringValue(runValue, want); err != nil {
		return fmt.Errorf("start at login: writing HKCU\\%s\\%s: %w", runKey, runValue, err)
	}
	return nil
}

func disable(paths.Env) error {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("start at login: opening HKCU\\%s: %w", runKey, err)
	}
	defer k.Close()
	if err := k.DeleteValue(runValue); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("start at login: removing HKCU\\%s\\%s: %w", runKey, runValue, err)
	}
	return nil
}

func enabled(paths.Env) (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("start at login: opening HKCU\\%s: %w", runKey, err)
	}
	defer k.Close()
	_, _, err = k.GetStringValue(runValue)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("start at login: reading HKCU\\%s\\%s: %w", runKey, runValue, err)
	}
	return true, nil
}
