// Package fynetest is for the widgets packages' tests only: the TestMain
// they share. Fyne writes preferences and caches even under fyne/test,
// so every test binary points the XDG folders at a temporary folder of
// its own, removed at the end; and a C locale makes Fyne log a harmless
// error, so the locale is set to en_US.UTF-8.
package fynetest

import (
	"os"
	"testing"
)

// Main runs m with the XDG folders in a new temporary folder and exits
// with its code. Call it from TestMain.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "tidbit-fynetest-")
	if err != nil {
		panic(err)
	}
	os.Setenv("LANG", "en_US.UTF-8")
	os.Setenv("LC_ALL", "en_US.UTF-8")
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"} {
		os.Setenv(k, dir)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
