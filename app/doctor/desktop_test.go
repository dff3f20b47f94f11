package doctor

import (
	"context"
	"testing"
)

// TestTrayHostWithoutABus: with no session bus the answer is "cannot
// tell" (no bus is started to find out), and the check says what to do.
func TestTrayHostWithoutABus(t *testing.T) {
	env := Env{Getenv: func(string) string { return "" }}
	if running, known := TrayHostRunning(context.Background(), env); running || known {
		t.Fatalf("running %v, known %v without a bus", running, known)
	}
	r := TrayHost(env).Run(context.Background())
	if r.Status != Warn || r.Fix == "" {
		t.Fatalf("check %+v", r)
	}
}
