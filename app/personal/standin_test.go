package personal

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/llm"
)

// Prompt openings of the personalisation requests (llm's prompts).
const (
	promptProfile  = "Find the skills the learner's profile"
	promptMeeting  = "The learner has a meeting soon"
	promptRewrite  = "Retell the example of a lesson"
	promptFeedback = "Give the learner feedback"
	promptLesson   = "Write a micro-lesson"
)

// standIn is an Ollama server stand-in: /api/tags lists the model,
// /api/generate answers each prompt with answer(prompt) as one streamed
// response. With block set it holds requests until the client gives up.
type standIn struct {
	t      *testing.T
	model  string
	answer func(prompt string) string

	mu        sync.Mutex
	prompts   []string
	block     bool
	inFlight  int
	maxFlight int
	cancelled int
	srv       *httptest.Server
}

func newStandIn(t *testing.T, answer func(string) string) *standIn {
	s := &standIn{t: t, model: "tiny", answer: answer}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *standIn) url() *url.URL { u, _ := url.Parse(s.srv.URL); return u }

func (s *standIn) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/version":
		fmt.Fprint(w, `{"version":"0.17.4"}`)
	case "/api/tags":
		fmt.Fprintf(w, `{"models":[{"name":"%s:latest","model":"%s:latest","digest":"sha256:tiny"}]}`, s.model, s.model)
	case "/api/generate":
		var req api.GenerateRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		s.mu.Lock()
		s.prompts = append(s.prompts, req.Prompt)
		s.inFlight++
		s.maxFlight = max(s.maxFlight, s.inFlight)
		block := s.block
		s.mu.Unlock()
		defer func() { s.mu.Lock(); s.inFlight--; s.mu.Unlock() }()
		if block {
			<-r.Context().Done()
			s.mu.Lock()
			s.cancelled++
			s.mu.Unlock()
			return
		}
		out := s.answer(req.Prompt)
		b, _ := json.Marshal(map[string]any{"model": s.model, "response": out, "done": false})
		fmt.Fprintf(w, "%s\n", b)
		fmt.Fprintf(w, `{"model":%q,"response":"","done":true,"done_reason":"stop","eval_count":10}`+"\n", s.model)
	default:
		http.NotFound(w, r)
	}
}

func (s *standIn) sent() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.prompts...)
}

func (s *standIn) count(prefix string) int {
	n := 0
	for _, p := range s.sent() {
		if strings.HasPrefix(p, prefix) {
			n++
		}
	}
	return n
}

// downURL is a loopback address nothing listens on.
func downURL(t *testing.T) *url.URL {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("http://" + l.Addr().String())
	l.Close()
	return u
}

func generator(u *url.URL) *llm.Generator {
	g := llm.NewGenerator(u, "tiny", &http.Client{})
	g.Timeout = 10 * time.Second
	g.Now = func() time.Time { return testNow }
	return g
}

var testNow = time.Date(2026, 3, 4, 9, 30, 0, 0, time.UTC)

func openApp(t *testing.T) *core.App {
	t.Helper()
	p, err := paths.Resolve(filepath.Join(t.TempDir(), "data"), paths.OS())
	if err != nil {
		t.Fatal(err)
	}
	a, err := core.Open(context.Background(), p, core.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// goodAnswers answers every personalisation prompt validly for skills
// (ids of the taxonomy): the profile calls for the first two, a meeting
// for the third, a rewrite retells the example on a ward.
func goodAnswers(skills []string) func(string) string {
	return func(p string) string {
		switch {
		case strings.HasPrefix(p, promptProfile):
			return fmt.Sprintf(`{"targets":[{"skill":%q,"level":4,"why":"The goals ask for it plainly."},{"skill":%q,"level":3,"why":"The notes point to this skill."}]}`,
				skills[0], skills[1])
		case strings.HasPrefix(p, promptMeeting):
			return fmt.Sprintf(`{"skill":%q,"why":"The meeting title calls for this skill."}`, skills[2])
		case strings.HasPrefix(p, promptRewrite):
			ex := between(p, "Example:\n", "\nEND_")
			b, _ := json.Marshal(map[string]string{"example": "On a surgical ward the same thing happens. " + ex})
			return string(b)
		case strings.HasPrefix(p, promptFeedback):
			return feedbackAnswer(p)
		}
		return "Sure! Here is what you asked for."
	}
}

// feedbackAnswer repeats each rubric criterion of a feedback prompt.
func feedbackAnswer(p string) string {
	rubric := between(p, "Rubric:\n", "\n\nLearner's answer:")
	m := map[string]any{"summary": "A clear answer. Next time, name a date to look again."}
	for i, line := range strings.Split(rubric, "\n") {
		_, c, _ := strings.Cut(line, ". ")
		m[fmt.Sprintf("c%d", i+1)] = map[string]any{"criterion": c, "met": i == 0, "comment": "Your answer speaks to this point."}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	out, _, _ := strings.Cut(rest, to)
	return out
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
