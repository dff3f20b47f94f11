// Package paths decides, in one place, every folder and file Tidbit owns:
// the data folder (the SQLite store and lock files), the config folder and
// the cache folder. Nothing else in Tidbit builds a path from the
// environment.
//
// Resolution order: the --data-dir flag, then TIDBIT_HOME (both put data,
// config and cache under that one folder, which makes a portable or test
// install trivial), then the platform's conventions: the XDG base
// directories on Linux and the BSDs, ~/Library on macOS, %LocalAppData% on
// Windows. The XDG rules are written here rather than taken from
// github.com/adrg/xdg because that package reads the environment once into
// globals at init, and Tidbit injects the environment so tests can point
// every path at a temporary folder.
package paths

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Paths are the folders Tidbit owns. All are absolute.
type Paths struct {
	Data   string // the store and lock files
	Config string // user-edited configuration (reserved; settings live in the store)
	Cache  string // disposable: calendar copies, downloaded subscriptions
}

// DirMode and FileMode are the permissions of everything Tidbit creates:
// progress, profiles and credentials are the user's alone.
const (
	DirMode  os.FileMode = 0o700
	FileMode os.FileMode = 0o600
)

// Env is what resolution reads; OS returns the real one.
type Env struct {
	Getenv  func(string) string
	HomeDir func() (string, error)
	GOOS    string
}

// OS is the process environment.
func OS() Env {
	return Env{Getenv: os.Getenv, HomeDir: os.UserHomeDir, GOOS: runtime.GOOS}
}

// Resolve decides the paths. dataDir is the --data-dir flag ("" when unset).
func Resolve(dataDir string, env Env) (Paths, error) {
	if dataDir == "" {
		dataDir = env.Getenv("TIDBIT_HOME")
	}
	if dataDir != "" {
		abs, err := filepath.Abs(dataDir)
		if err != nil {
			return Paths{}, fmt.Errorf("data folder %q: %w", dataDir, err)
		}
		return Paths{Data: abs, Config: filepath.Join(abs, "config"), Cache: filepath.Join(abs, "cache")}, nil
	}
	home, err := env.HomeDir()
	if err != nil || home == "" {
		return Paths{}, errors.New("cannot find your home folder: set TIDBIT_HOME or pass --data-dir")
	}
	switch env.GOOS {
	case "darwin":
		lib := filepath.Join(home, "Library")
		return Paths{
			Data:   filepath.Join(lib, "Application Support", "Tidbit"),
			Config: filepath.Join(lib, "Application Support", "Tidbit", "config"),
			Cache:  filepath.Join(lib, "Caches", "Tidbit"),
		}, nil
	case "windows":
		local := env.Getenv("LOCALAPPDATA")
		if local == "" {
			local = filepath.Join(home, "AppData", "Local")
		}
		return Paths{
			Data:   filepath.Join(local, "Tidbit"),
			Config: filepath.Join(local, "Tidbit", "config"),
			Cache:  filepath.Join(local, "Tidbit", "cache"),
		}, nil
	}
	xdg := func(name, fallback string) string {
		// The XDG spec says relative values are invalid and must be ignored.
		if v := env.Getenv(name); v != "" && filepath.IsAbs(v) {
			return filepath.Join(v, "tidbit")
		}
		return filepath.Join(home, fallback, "tidbit")
	}
	return Paths{
		Data:   xdg("XDG_DATA_HOME", filepath.Join(".local", "share")),
		Config: xdg("XDG_CONFIG_HOME", ".config"),
		Cache:  xdg("XDG_CACHE_HOME", ".cache"),
	}, nil
}

// Database is the SQLite store shared by the tray process and the window
// process.
func (p Paths) Database() string { return filepath.Join(p.Data, "tidbit.db") }

// Lock is the path of a named advisory lock file in the data folder.
func (p Paths) Lock(name string) string { return filepath.Join(p.Data, name+".lock") }

// Ensure creates the folders with mode 0700. Folders that already exist keep
// their mode (a user may have pointed --data-dir at a folder they share on
// purpose); `tidbit doctor` warns when the data folder is readable by others.
func (p Paths) Ensure() error {
	for _, d := range []string{p.Data, p.Config, p.Cache} {
		if err := os.MkdirAll(d, DirMode); err != nil {
			return fmt.Errorf("creating folder %s: %w", d, err)
		}
	}
	return nil
}
