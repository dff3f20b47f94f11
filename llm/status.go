// Package llm talks to a local Ollama server through
// github.com/ollama/ollama/api: where the server is (loopback unless the
// user allows a remote one), whether it is up and has the model, quiz
// generation from a lesson (JSON Schema in the request and the prompt,
// validation, one retry), a blind verification pass that drops questions
// whose key the model cannot reproduce, provenance for every kept question,
// and an ahead-of-time queue that works only while the user is idle. Every
// failure ends in ErrUseAuthored: the caller shows authored questions.
// Personalisation (personal.go, example.go, lesson.go) follows the same
// rules: the free-text profile mapped to taxonomy skills, a lesson's
// example retold for the learner's role, a skill for an upcoming meeting
// (titles go only to a server on this machine), feedback on a reflection
// against its rubric, and opt-in AI-written micro-lessons kept only when
// their quiz verifies; its failures end in ErrNoSuggestion. It imports
// nothing from app/: callers inject a Cache, a QuizStore and an activity
// signal.
package llm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/ollama/ollama/api"
)

// DefaultHost is Ollama's own default.
const DefaultHost = "127.0.0.1:11434"

// DefaultModel is a small model that runs on laptop CPUs.
const DefaultModel = "llama3.2:3b"

// ErrRemoteRefused means OLLAMA_HOST (or the setting) names a machine other
// than this one and the user has not allowed a remote model server.
var ErrRemoteRefused = errors.New("the model server is not on this machine; turn on \"allow a remote model server\" in Settings to use it")

// ResolveHost turns a host setting (or OLLAMA_HOST when the setting is
// empty) into a base URL. Privacy: a host that is not loopback is refused
// unless allowRemote is set.
func ResolveHost(setting string, getenv func(string) string, allowRemote bool) (*url.URL, error) {
	h := strings.TrimSpace(setting)
	if h == "" {
		h = strings.TrimSpace(getenv("OLLAMA_HOST"))
	}
	if h == "" {
		h = DefaultHost
	}
	if !strings.Contains(h, "://") {
		h = "http://" + h
	}
	u, err := url.Parse(h)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("model server address %q is not a host:port or URL", h)
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), "11434")
	}
	if u.Hostname() == "0.0.0.0" || u.Hostname() == "" {
		u.Host = net.JoinHostPort("127.0.0.1", u.Port())
	}
	if !allowRemote && !IsLoopback(u.Hostname()) {
		return u, ErrRemoteRefused
	}
	return u, nil
}

// IsLoopback reports whether host names this machine without a DNS lookup
// (a lookup could itself leak the name).
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Status is what doctor and Settings show about the model server.
type Status struct {
	Host      string   `json:"host"`
	Reachable bool     `json:"reachable"`
	Version   string   `json:"version,omitempty"`
	Model     string   `json:"model"`
	HasModel  bool     `json:"has_model"`
	Models    []string `json:"models,omitempty"`
	Problem   string   `json:"problem,omitempty"`
	Fix       string   `json:"fix,omitempty"`
}

// Probe asks the server for its version and models, within ctx's deadline
// (callers give it a second or two: doctor must not hang on a dead server).
func Probe(ctx context.Context, base *url.URL, model string, hc *http.Client) Status {
	if hc == nil {
		hc = &http.Client{Timeout: 3 * time.Second}
	}
	st := Status{Host: base.Host, Model: model}
	c := api.NewClient(base, hc)
	v, err := c.Version(ctx)
	if err != nil {
		st.Problem, st.Fix = explain(err, model)
		return st
	}
	st.Reachable, st.Version = true, v
	list, err := c.List(ctx)
	if err != nil {
		st.Problem, st.Fix = explain(err, model)
		return st
	}
	for _, m := range list.Models {
		st.Models = append(st.Models, m.Name)
		if m.Name == model || m.Model == model || strings.TrimSuffix(m.Name, ":latest") == model {
			st.HasModel = true
		}
	}
	if !st.HasModel {
		st.Problem = fmt.Sprintf("model %s is not pulled", model)
		st.Fix = "ollama pull " + model
	}
	return st
}

func explain(err error, model string) (problem, fix string) {
	var se api.StatusError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "no model server is running", "start it with `ollama serve` (Tidbit works without it, with authored questions)"
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return "the model server did not answer in time", "check that `ollama serve` is healthy, or restart it"
	case errors.As(err, &se) && se.StatusCode == http.StatusNotFound:
		return fmt.Sprintf("model %s is not pulled", model), "ollama pull " + model
	}
	return err.Error(), "check the model server address in Settings"
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
