package llm

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/llm/ollamatest"
)

func TestResolveHost(t *testing.T) {
	tests := []struct {
		name, setting, env string
		allowRemote        bool
		want               string
		wantErr            error
	}{
		{name: "default", want: "127.0.0.1:11434"},
		{name: "OLLAMA_HOST respected", env: "127.0.0.1:9999", want: "127.0.0.1:9999"},
		{name: "setting beats env", setting: "localhost:8000", env: "127.0.0.1:9999", want: "localhost:8000"},
		{name: "bind-all means this machine", env: "0.0.0.0", want: "127.0.0.1:11434"},
		{name: "ipv6 loopback", env: "[::1]:11434", want: "[::1]:11434"},
		{name: "remote refused", env: "http://gpu.example.com:11434", wantErr: ErrRemoteRefused},
		{name: "private address refused too", env: "192.168.1.20", wantErr: ErrRemoteRefused},
		{name: "remote allowed", env: "gpu.example.com", allowRemote: true, want: "gpu.example.com:11434"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := ResolveHost(tc.setting, func(string) string { return tc.env }, tc.allowRemote)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil && u.Host != tc.want {
				t.Errorf("host = %s, want %s", u.Host, tc.want)
			}
		})
	}
}

func TestProbe(t *testing.T) {
	u := ollamatest.Fake{Version: "0.17.4", Models: ollamatest.Names("tiny:latest")}.Serve(t)
	ctx := context.Background()

	st := Probe(ctx, u, "tiny", nil)
	if !st.Reachable || !st.HasModel || st.Version != "0.17.4" || st.Problem != "" {
		t.Errorf("healthy server: %+v", st)
	}
	st = Probe(ctx, u, "llama3.2:3b", nil)
	if st.HasModel || st.Fix != "ollama pull llama3.2:3b" {
		t.Errorf("missing model: %+v", st)
	}

	// A port with nothing listening: connection refused.
	st = Probe(ctx, ollamatest.DownURL(t), "tiny", nil)
	if st.Reachable || !strings.Contains(st.Fix, "ollama serve") {
		t.Errorf("server down: %+v", st)
	}

	// A server that never answers: the probe must give up in time.
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hang.Close()
	hu, _ := url.Parse(hang.URL)
	tctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	st = Probe(tctx, hu, "tiny", nil)
	if st.Reachable || !strings.Contains(st.Problem, "did not answer in time") {
		t.Errorf("hanging server: %+v", st)
	}
}
