//go:build linux

package daemon

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

func rssFileKB(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI runs on Linux with /proc: %v", err)
		}
		t.Skip("no /proc mounted: the trim cannot be measured here")
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "RssFile:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no RssFile in /proc/self/status: CI's kernel should report it")
	}
	t.Skip("no RssFile in /proc/self/status (an old kernel): the trim cannot be measured here")
	return 0
}

// TestPageOutFileMappings: the trim reaches the program's mappings and
// the file-backed resident set shrinks (the test binary has run a lot of
// start-up code by now).
func TestPageOutFileMappings(t *testing.T) {
	before := rssFileKB(t)
	n := pageOutFileMappings()
	after := rssFileKB(t)
	t.Logf("file-backed RSS %d kB → %d kB over %d mappings", before, after, n)
	if n == 0 {
		t.Fatal("no mapping paged out")
	}
	if after >= before {
		t.Fatalf("file-backed RSS did not shrink: %d kB → %d kB", before, after)
	}
}
