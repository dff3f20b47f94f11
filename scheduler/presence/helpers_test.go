//go:build !windows

package presence

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// need skips (locally) or fails (CI=true) when a program the test runs is missing.
func need(t *testing.T, program, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err == nil {
		return p
	}
	msg := fmt.Sprintf("%s not found: install Debian package %s", program, debianPackage)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}
