package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/doctor"
)

// TestModelSpeed: doctor's model check measures a short generation and
// says "model too slow" with a fix when a quiz would take over a minute.
func TestModelSpeed(t *testing.T) {
	tests := []struct {
		name       string
		count      int
		dur        time.Duration
		delay      time.Duration
		model      string
		wantStatus doctor.Status
		wantDetail string
		wantFix    string
	}{
		{name: "fast", count: 32, dur: 500 * time.Millisecond, model: "llama3.2:1b", wantStatus: doctor.OK,
			wantDetail: "64 tokens/s (a quiz in about 16s)"},
		{name: "too slow", count: 32, dur: 4 * time.Second, model: "llama3.2:3b", wantStatus: doctor.Warn,
			wantDetail: "model too slow: 8.0 tokens/s (needs about 17 for a quiz within a minute", wantFix: "ollama pull llama3.2:1b"},
		{name: "still loading", count: 32, dur: time.Second, delay: 1500 * time.Millisecond, model: "m", wantStatus: doctor.OK,
			wantDetail: "speed not measured"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-time.After(tc.delay):
				case <-r.Context().Done():
					return
				}
				json.NewEncoder(w).Encode(map[string]any{"done": true, "eval_count": tc.count, "eval_duration": tc.dur.Nanoseconds()})
			}))
			defer srv.Close()
			u, _ := url.Parse(srv.URL)
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			start := time.Now()
			r := modelSpeed(ctx, u, tc.model, "Ollama 0.17.4 at "+u.Host+" with "+tc.model)
			if time.Since(start) > time.Second {
				t.Errorf("took %v, past the check's deadline", time.Since(start))
			}
			if r.Status != tc.wantStatus || !strings.Contains(r.Detail, tc.wantDetail) || !strings.Contains(r.Fix, tc.wantFix) {
				t.Errorf("result %+v, want %s with %q, fix %q", r, tc.wantStatus, tc.wantDetail, tc.wantFix)
			}
		})
	}
}
