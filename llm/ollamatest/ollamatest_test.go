package ollamatest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

func TestFake(t *testing.T) {
	tests := []struct {
		name        string
		fake        Fake
		wantVersion string
		wantModels  []string
		wantDigests []string
		wantGenErr  int // HTTP status of a generate request; 0: none
	}{
		{name: "defaults", fake: Fake{}, wantVersion: "0.17.4", wantGenErr: http.StatusNotFound},
		{name: "models and generate", fake: Fake{Version: "9.9.9", Models: []Model{{Name: "a:latest", Digest: "sha256:a"}, {Name: "b"}},
			Generate: func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(`{"response":"hi","done":true,"done_reason":"stop"}` + "\n"))
			}},
			wantVersion: "9.9.9", wantModels: []string{"a:latest", "b"}, wantDigests: []string{"sha256:a", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cl := api.NewClient(tc.fake.Serve(t), http.DefaultClient)
			ctx := context.Background()
			v, err := cl.Version(ctx)
			if err != nil || v != tc.wantVersion {
				t.Errorf("version %q %v, want %q", v, err, tc.wantVersion)
			}
			l, err := cl.List(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Models) != len(tc.wantModels) {
				t.Fatalf("models %+v, want %v", l.Models, tc.wantModels)
			}
			for i, m := range l.Models {
				if m.Name != tc.wantModels[i] || m.Model != tc.wantModels[i] || m.Digest != tc.wantDigests[i] {
					t.Errorf("model %d: %+v, want %s %s", i, m, tc.wantModels[i], tc.wantDigests[i])
				}
			}
			var got string
			err = cl.Generate(ctx, &api.GenerateRequest{Model: "a", Prompt: "p"}, func(r api.GenerateResponse) error { got += r.Response; return nil })
			var se api.StatusError
			switch {
			case tc.wantGenErr != 0 && (!errors.As(err, &se) || se.StatusCode != tc.wantGenErr):
				t.Errorf("generate: %v, want HTTP %d", err, tc.wantGenErr)
			case tc.wantGenErr == 0 && (err != nil || got != "hi"):
				t.Errorf("generate: %q %v", got, err)
			}
		})
	}
}

func TestNames(t *testing.T) {
	got := Names("x", "y:latest")
	if len(got) != 2 || got[0] != (Model{Name: "x"}) || got[1] != (Model{Name: "y:latest"}) {
		t.Errorf("Names = %+v", got)
	}
}

func TestDownURL(t *testing.T) {
	_, err := api.NewClient(DownURL(t), http.DefaultClient).Version(context.Background())
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("err = %v, want connection refused", err)
	}
}

func generate(t *testing.T, s *Scripted, ctx context.Context, prompt string) (string, error) {
	t.Helper()
	var out string
	var done bool
	err := api.NewClient(s.URL(), http.DefaultClient).Generate(ctx, &api.GenerateRequest{Model: "tiny", Prompt: prompt},
		func(r api.GenerateResponse) error {
			out += r.Response
			done = done || r.Done && r.DoneReason == "stop"
			return nil
		})
	if err == nil && !done {
		t.Errorf("no final done for %q", prompt)
	}
	return out, err
}

func TestScripted(t *testing.T) {
	s := NewScripted(t, "tiny", nil)
	l, err := api.NewClient(s.URL(), http.DefaultClient).List(context.Background())
	if err != nil || len(l.Models) != 1 || l.Models[0].Name != "tiny:latest" || l.Models[0].Digest != "sha256:tiny" {
		t.Fatalf("tags %+v %v", l, err)
	}
	s.SetAnswer(func(p string) string { return "re: " + p })
	s.SetDelay(time.Millisecond)
	for _, p := range []string{"Find the skills", "Find the meeting", "Write a lesson"} {
		if out, err := generate(t, s, context.Background(), p); err != nil || out != "re: "+p {
			t.Errorf("%q: %q %v", p, out, err)
		}
	}
	if got := s.Prompts(); len(got) != 3 || got[2] != "Write a lesson" {
		t.Errorf("prompts %q", got)
	}
	if n := s.CountPrefix("Find the"); n != 2 {
		t.Errorf("CountPrefix = %d, want 2", n)
	}
	if n := s.CountContaining("meeting"); n != 1 {
		t.Errorf("CountContaining = %d, want 1", n)
	}
	if c := s.Counts(); c != (Counts{MaxInFlight: 1}) {
		t.Errorf("counts %+v after three requests one at a time", c)
	}

	// Blocked: the request is held until the client gives up.
	s.SetBlock(true)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := generate(t, s, ctx, "held"); errc <- err }()
	deadline := time.Now().Add(10 * time.Second)
	for s.Counts().InFlight != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the request was not held")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("held request: %v, want cancelled", err)
	}
	for c := s.Counts(); c.Cancelled != 1 || c.InFlight != 0; c = s.Counts() {
		if time.Now().After(deadline) {
			t.Fatalf("counts %+v, want one cancelled, none in flight", c)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if c := s.Counts(); c.Held != 1 || c.MaxInFlight != 1 {
		t.Errorf("counts %+v", c)
	}
	s.SetBlock(false)
	if out, err := generate(t, s, context.Background(), "again"); err != nil || !strings.HasSuffix(out, "again") {
		t.Errorf("unblocked: %q %v", out, err)
	}
}
