//go:build unix

package ollamatest

import (
	"context"
	"os"
	"syscall"
	"testing"
)

// TestStart needs the real server (TIDBIT_OLLAMA_BIN); see Binary.
func TestStart(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test; -short given")
	}
	pid := 0
	t.Run("serve and create", func(t *testing.T) {
		s := Start(t)
		names := []string{s.CreateTiny(t), s.CreateWordy(t)}
		l, err := s.Client.List(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, m := range l.Models {
			have[m.Name] = true
		}
		for _, n := range names {
			if !have[n+":latest"] {
				t.Errorf("model %s missing from %+v", n, l.Models)
			}
		}
		if b, err := os.ReadFile(s.Log); err != nil || len(b) == 0 {
			t.Errorf("server log %s: %d bytes, %v", s.Log, len(b), err)
		}
		pid = s.PID
	})
	if pid == 0 {
		return // skipped: no server binary
	}
	// The subtest's cleanup stopped the server by PID.
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("ollama serve (pid %d) still runs after the test", pid)
	}
}
