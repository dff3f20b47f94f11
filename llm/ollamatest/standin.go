package ollamatest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

// Model is one entry of a stand-in's /api/tags.
type Model struct {
	Name   string
	Digest string // "" lists none
}

// Fake describes an Ollama stand-in: it answers /api/version and
// /api/tags itself and hands /api/generate to Generate; anything else is
// 404. Tests that inject faults write their own Generate.
type Fake struct {
	Version  string           // /api/version; "0.17.4" when empty
	Models   []Model          // /api/tags
	Generate http.HandlerFunc // /api/generate; nil answers 404
}

// Serve serves f on a loopback port until the test ends and returns its
// base address.
func (f Fake) Serve(t testing.TB) *url.URL {
	t.Helper()
	version := f.Version
	if version == "" {
		version = "0.17.4"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/version", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"version": version})
	})
	mux.HandleFunc("/api/tags", func(w http.ResponseWriter, r *http.Request) {
		ms := []api.ListModelResponse{}
		for _, m := range f.Models {
			ms = append(ms, api.ListModelResponse{Name: m.Name, Model: m.Name, Digest: m.Digest})
		}
		json.NewEncoder(w).Encode(api.ListResponse{Models: ms})
	})
	if f.Generate != nil {
		mux.HandleFunc("/api/generate", f.Generate)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Names lists models by name, without digests.
func Names(names ...string) []Model {
	ms := make([]Model, len(names))
	for i, n := range names {
		ms[i] = Model{Name: n}
	}
	return ms
}

// DownURL is a loopback address nothing listens on: a server that is not
// running (connection refused).
func DownURL(t testing.TB) *url.URL {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("http://" + l.Addr().String())
	l.Close()
	return u
}

// Scripted is a stand-in whose model is "NAME:latest" (digest
// "sha256:NAME") and whose /api/generate answers each prompt with
// answer(prompt) as one streamed response ending in done_reason "stop".
// It records the prompts and counts requests in flight; with block set it
// holds each request until the client gives up. Safe for concurrent use.
type Scripted struct {
	url   *url.URL
	model string

	mu        sync.Mutex
	answer    func(prompt string) string
	delay     time.Duration
	block     bool
	prompts   []string
	inFlight  int
	maxFlight int
	held      int
	cancelled int
}

// Counts is a snapshot of a Scripted stand-in's requests.
type Counts struct {
	InFlight    int // answering now
	MaxInFlight int // most at once so far
	Held        int // held while blocking, so far
	Cancelled   int // held ones the client gave up on
}

// NewScripted serves a Scripted stand-in until the test ends. answer may
// be nil until SetAnswer gives it, before the first request.
func NewScripted(t testing.TB, model string, answer func(prompt string) string) *Scripted {
	t.Helper()
	s := &Scripted{model: model, answer: answer}
	s.url = Fake{Models: []Model{{Name: model + ":latest", Digest: "sha256:" + model}}, Generate: s.generate}.Serve(t)
	return s
}

// URL is the stand-in's base address.
func (s *Scripted) URL() *url.URL { u := *s.url; return &u }

// SetAnswer sets what the model answers to a prompt.
func (s *Scripted) SetAnswer(answer func(prompt string) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answer = answer
}

// SetBlock makes requests wait for the client to give up (true) or be
// answered (false).
func (s *Scripted) SetBlock(block bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.block = block
}

// SetDelay makes each answer wait d first, long enough for requests that
// overlap to show in MaxInFlight.
func (s *Scripted) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

func (s *Scripted) generate(w http.ResponseWriter, r *http.Request) {
	var req api.GenerateRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.prompts = append(s.prompts, req.Prompt)
	s.inFlight++
	s.maxFlight = max(s.maxFlight, s.inFlight)
	block, delay, answer := s.block, s.delay, s.answer
	if block {
		s.held++
	}
	s.mu.Unlock()
	defer func() { s.mu.Lock(); s.inFlight--; s.mu.Unlock() }()
	if block {
		<-r.Context().Done()
		s.mu.Lock()
		s.cancelled++
		s.mu.Unlock()
		return
	}
	if delay > 0 {
		time.Sleep(delay)
	}
	b, _ := json.Marshal(map[string]any{"model": s.model, "response": answer(req.Prompt), "done": false})
	fmt.Fprintf(w, "%s\n", b)
	fmt.Fprintf(w, `{"model":%q,"response":"","done":true,"done_reason":"stop","eval_count":10}`+"\n", s.model)
}

// Prompts lists the prompts received so far, in order.
func (s *Scripted) Prompts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.prompts...)
}

// CountPrefix is how many prompts so far start with prefix.
func (s *Scripted) CountPrefix(prefix string) int {
	n := 0
	for _, p := range s.Prompts() {
		if strings.HasPrefix(p, prefix) {
			n++
		}
	}
	return n
}

// CountContaining is how many prompts so far contain sub.
func (s *Scripted) CountContaining(sub string) int {
	n := 0
	for _, p := range s.Prompts() {
		if strings.Contains(p, sub) {
			n++
		}
	}
	return n
}

// Counts returns the request counts, taken together.
func (s *Scripted) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Counts{InFlight: s.inFlight, MaxInFlight: s.maxFlight, Held: s.held, Cancelled: s.cancelled}
}
