package fynetest

import (
	"os"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

// TestFoldersArePrivate: under Main every XDG folder is one temporary
// folder made for this test binary, and the locale is one Fyne reads.
func TestFoldersArePrivate(t *testing.T) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if !strings.Contains(dir, "tidbit-fynetest-") {
		t.Fatalf("XDG_CONFIG_HOME %q is not the test's own folder", dir)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("%s: %v", dir, err)
	}
	for _, k := range []string{"XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"} {
		if os.Getenv(k) != dir {
			t.Errorf("%s = %q, want %q", k, os.Getenv(k), dir)
		}
	}
	if os.Getenv("LANG") != "en_US.UTF-8" || os.Getenv("LC_ALL") != "en_US.UTF-8" {
		t.Errorf("locale %q/%q", os.Getenv("LANG"), os.Getenv("LC_ALL"))
	}
}
