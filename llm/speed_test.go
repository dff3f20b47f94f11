package llm

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// speedServer answers /api/generate like Ollama with the given counts and
// records the request.
func speedServer(t *testing.T, evalCount int, evalDur time.Duration, delay time.Duration) (*url.URL, *map[string]any) {
	t.Helper()
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/generate" {
			http.NotFound(w, r)
			return
		}
		json.NewDecoder(r.Body).Decode(&got)
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"model": "m", "response": "one, two", "done": true, "done_reason": "length",
			"eval_count": evalCount, "eval_duration": evalDur.Nanoseconds(), "load_duration": int64(2 * time.Second)})
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u, &got
}

func TestMeasureSpeed(t *testing.T) {
	tests := []struct {
		name      string
		count     int
		dur       time.Duration
		model     string
		wantTPS   float64
		wantSlow  bool
		wantFix   string
		wantError string
	}{
		{name: "fast small model", count: 32, dur: 800 * time.Millisecond, model: "llama3.2:1b", wantTPS: 40},
		{name: "just fast enough", count: 32, dur: 1900 * time.Millisecond, model: "m", wantTPS: 16.84},
		{name: "laptop 3b is too slow", count: 32, dur: 3200 * time.Millisecond, model: "llama3.2:3b", wantTPS: 10, wantSlow: true,
			wantFix: "ollama pull llama3.2:1b"},
		{name: "already the small model", count: 32, dur: 16 * time.Second, model: "llama3.2:1b", wantTPS: 2, wantSlow: true,
			wantFix: "already a small model"},
		{name: "nothing generated", count: 1, dur: time.Millisecond, model: "m", wantError: "too few to measure"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, req := speedServer(t, tc.count, tc.dur, 0)
			sp, err := MeasureSpeed(context.Background(), u, tc.model, nil)
			if tc.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantError) {
					t.Fatalf("err %v, want %q", err, tc.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := sp.TokensPerSecond - tc.wantTPS; d > 0.01 || d < -0.01 {
				t.Errorf("%.2f tokens/s, want %.2f", sp.TokensPerSecond, tc.wantTPS)
			}
			if sp.LoadTime != 2*time.Second {
				t.Errorf("load time %v", sp.LoadTime)
			}
			opts, _ := (*req)["options"].(map[string]any)
			if opts["num_predict"] != float64(SpeedProbeTokens) || (*req)["model"] != tc.model || (*req)["stream"] != false {
				t.Errorf("request %v", *req)
			}
			slow, problem, fix := sp.TooSlow(tc.model)
			if slow != tc.wantSlow {
				t.Fatalf("slow %v (%s), want %v", slow, problem, tc.wantSlow)
			}
			if slow && (!strings.HasPrefix(problem, "model too slow: ") || !strings.Contains(problem, "needs about 17 for a quiz within a minute") ||
				!strings.Contains(fix, tc.wantFix)) {
				t.Errorf("problem %q, fix %q", problem, fix)
			}
		})
	}
}

func TestMeasureSpeedTimesOut(t *testing.T) {
	u, _ := speedServer(t, 32, time.Second, 5*time.Second) // a model still loading
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := MeasureSpeed(ctx, u, "m", nil)
	if !IsProbeTimeout(ctx, err) || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %v; want a probe timeout at once", err, time.Since(start))
	}
	if IsProbeTimeout(context.Background(), errors.New("model 'm' not found")) {
		t.Error("a 404 counted as a timeout")
	}
}

func TestMeasureSpeedNoServer(t *testing.T) {
	u, _ := url.Parse("http://127.0.0.1:1")
	_, err := MeasureSpeed(context.Background(), u, "m", nil)
	if !errors.Is(err, ErrServer) || !strings.Contains(err.Error(), "ollama serve") {
		t.Fatalf("err %v", err)
	}
}
