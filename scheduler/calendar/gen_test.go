package calendar

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

const cldrWindowsZones = "/usr/share/unicode/cldr/common/supplemental/windowsZones.xml"

// TestGeneratedZonesUpToDate regenerates zones_gen.go from CLDR and compares it with
// the committed file, so `go generate` and the table cannot drift apart.
func TestGeneratedZonesUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the generator")
	}
	_, err := os.Stat(cldrWindowsZones)
	requireTool(t, err == nil, "CLDR windowsZones.xml", "apt-get install unicode-cldr-core")
	out := filepath.Join(t.TempDir(), "zones_gen.go")
	cmd := exec.Command("go", "run", "./internal/gentz", "-cldr", cldrWindowsZones, "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generator: %v\n%s", err, msg)
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("zones_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, committed) {
		t.Errorf("zones_gen.go is stale: run go generate ./scheduler/calendar")
	}
	if len(windowsZones) < 100 || windowsZones["W. Europe Standard Time"] != "Europe/Berlin" {
		t.Errorf("windowsZones table looks wrong: %d entries", len(windowsZones))
	}
}
