package settings

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/llm/ollamatest"
)

// ollamaStandIn answers Probe (version, tags) and the speed measurement
// (a generation reporting eval_count/eval_duration after delay).
func ollamaStandIn(t *testing.T, model string, count int, dur, delay time.Duration) string {
	return ollamatest.Fake{Models: ollamatest.Names(model), Generate: func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"done": true, "eval_count": count, "eval_duration": dur.Nanoseconds()})
	}}.Serve(t).Host
}

// TestCheckModel: doctor and the Settings window's Check say exactly what
// is wrong and what to do, and measure the model's speed.
func TestCheckModel(t *testing.T) {
	tests := []struct {
		name    string
		set     func(t *testing.T) Settings
		ok      bool
		detail  string
		fix     string
		timeout time.Duration
	}{
		{"fast", func(t *testing.T) Settings {
			return Settings{ModelHost: ollamaStandIn(t, "llama3.2:1b", 32, 500*time.Millisecond, 0), Model: "llama3.2:1b"}
		}, true, "64 tokens/s (a quiz in about 16s)", "", time.Second},
		{"too slow", func(t *testing.T) Settings {
			return Settings{ModelHost: ollamaStandIn(t, "llama3.2:3b", 32, 4*time.Second, 0), Model: "llama3.2:3b"}
		}, false, "model too slow: 8.0 tokens/s (needs about 17 for a quiz within a minute", "ollama pull llama3.2:1b", time.Second},
		{"still loading", func(t *testing.T) Settings {
			return Settings{ModelHost: ollamaStandIn(t, "m", 32, time.Second, 1500*time.Millisecond), Model: "m"}
		}, true, "speed not measured", "", time.Second},
		{"not pulled", func(t *testing.T) Settings {
			return Settings{ModelHost: ollamaStandIn(t, "other", 32, time.Second, 0), Model: "llama3.2:3b"}
		}, false, "model llama3.2:3b is not pulled", "ollama pull llama3.2:3b", time.Second},
		{"not running", func(t *testing.T) Settings { return Settings{ModelHost: ollamatest.DownURL(t).Host} }, false, "", "ollama serve", time.Second},
		{"remote not allowed", func(t *testing.T) Settings { return Settings{ModelHost: "gpu.example.com:11434"} }, false,
			"", "allow a remote server in Settings", time.Second},
		{"model off", func(t *testing.T) Settings { return Settings{NoAI: true} }, true, "turned off", "", time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), tc.timeout)
			defer cancel()
			start := time.Now()
			got := tc.set(t).CheckModel(ctx, func(string) string { return "" })
			if time.Since(start) > tc.timeout+200*time.Millisecond {
				t.Errorf("took %v, past the check's deadline", time.Since(start))
			}
			if got.OK != tc.ok || !strings.Contains(got.Detail, tc.detail) || !strings.Contains(got.Fix, tc.fix) {
				t.Errorf("check %+v, want ok=%v with %q, fix %q", got, tc.ok, tc.detail, tc.fix)
			}
			if got.String() == "" {
				t.Error("empty line")
			}
		})
	}
}
