package calendar

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// requireTool skips (locally) or fails (in CI) when an external program a test needs is
// missing, saying what to install.
func requireTool(t testing.TB, ok bool, what, install string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing; CI must install it (%s)", what, install)
	}
	t.Skipf("%s is missing; install it to run this test: %s", what, install)
}

// sharedICSDir is ../shared/data/ics seen from the repository root (CI puts shared/
// beside the clone); this package is three levels below the root.
func sharedICSDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data", "ics"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = os.Stat(dir)
	requireTool(t, err == nil, "the shared corpus "+dir, "check out shared/ beside the repository")
	return dir
}

func havePythonReference() bool {
	return exec.Command("/usr/bin/python3", "-c", "import recurring_ical_events").Run() == nil
}
