//go:build unix

package daemon

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/aiquiz"
	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/llm"
	"github.com/tidbit-learn/tidbit/llm/ollamatest"
)

// fakeMaker writes verified quizzes, one request at a time; once it has
// made blockAfter of them (0: never) it holds each further request until
// its context is cancelled.
type fakeMaker struct {
	mu         sync.Mutex
	made       int
	cancelled  int
	blockAfter int
	held       int // requests held so far
}

func (m *fakeMaker) Quiz(ctx context.Context, l llm.Lesson) (llm.Quiz, error) {
	m.mu.Lock()
	block := m.blockAfter > 0 && m.made >= m.blockAfter
	if block {
		m.held++
	}
	m.mu.Unlock()
	if block {
		<-ctx.Done()
		m.mu.Lock()
		m.cancelled++
		m.mu.Unlock()
		return llm.Quiz{}, ctx.Err()
	}
	q := llm.Quiz{LessonID: l.ID, LessonHash: l.Hash}
	for i := range 3 {
		q.Questions = append(q.Questions, llm.Question{ID: fmt.Sprintf("%s/ai-%012x", l.ID, i), Type: "single",
			Prompt: fmt.Sprintf("Generated question %d about %s?", i, l.Title), Difficulty: 2, Skill: l.Skills[0],
			Options: []llm.Option{{Text: "A", Correct: true, Why: "The lesson says so."}, {Text: "B", Why: "It does not."},
				{Text: "C", Why: "It does not."}, {Text: "D", Why: "It does not."}},
			Provenance: llm.Provenance{AIWritten: true, Model: "tiny", ModelDigest: "sha256:1", PromptVersion: llm.PromptVersion,
				GeneratedAt: wednesday, Verified: true, LessonHash: l.Hash}})
	}
	m.mu.Lock()
	m.made++
	m.mu.Unlock()
	return q, nil
}

func (m *fakeMaker) count() (int, int) { m.mu.Lock(); defer m.mu.Unlock(); return m.made, m.cancelled }

// ollamaStandIn answers the two calls Probe makes: a running server with
// the model "tiny" pulled.
func ollamaStandIn(t *testing.T) string {
	return ollamatest.Fake{Models: ollamatest.Names("tiny")}.Serve(t).Host
}

// TestAIQuizzesWhileIdle: with a model server running, the resident
// prepares AI quizzes while the user is idle and stores them verified; the
// user's return cancels the request under way.
func TestAIQuizzesWhileIdle(t *testing.T) {
	r := newRig(t, "")
	host := ollamaStandIn(t)
	r.env["OLLAMA_HOST"] = host
	maker := &fakeMaker{blockAfter: 3}
	var gotBase string
	r.d.NewModel = func(base *url.URL, model string) llm.QuizMaker { gotBase = base.Host + " " + model; return maker }
	open := r.d.Open
	r.d.Open = func(ctx context.Context) (_ *core.App, err error) {
		a, err := open(ctx)
		if err == nil {
			err = settings.Update(ctx, a.Store, func(s *settings.Settings) { s.Model = "tiny" })
		}
		return a, err
	}
	r.pres.input(wednesday.Add(-70 * time.Second)) // idle
	r.start(t)
	eventually(t, "AI quizzes stored", func() bool { n, _ := maker.count(); return n >= 3 })
	if gotBase != host+" tiny" {
		t.Fatalf("model server %q", gotBase)
	}
	lib, err := r.d.app.Store.Library(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ad := aiquiz.New(r.d.app.Store)
	eventually(t, "three lessons with verified AI questions in the store", func() bool {
		ready := 0
		for _, l := range lib {
			if ok, _ := ad.Ready(context.Background(), l.ID); ok {
				ready++
			}
		}
		return ready >= 3
	})
	// The fourth request hangs; the user comes back and it is cancelled.
	eventually(t, "the fourth request held", func() bool { maker.mu.Lock(); defer maker.mu.Unlock(); return maker.held >= 1 })
	r.pres.input(wednesday.Add(2 * time.Minute))
	r.advance(t, wednesday.Add(3*time.Minute))
	eventually(t, "the request cancelled by activity", func() bool { _, c := maker.count(); return c >= 1 })
}

// TestAIOffWhenAsked: "never use the model" means no request at all.
func TestAIOffWhenAsked(t *testing.T) {
	r := newRig(t, "")
	r.env["OLLAMA_HOST"] = ollamaStandIn(t)
	maker := &fakeMaker{}
	r.d.NewModel = func(*url.URL, string) llm.QuizMaker { return maker }
	open := r.d.Open
	r.d.Open = func(ctx context.Context) (_ *core.App, err error) {
		a, err := open(ctx)
		if err == nil {
			err = settings.Update(ctx, a.Store, func(s *settings.Settings) { s.Model = "tiny"; s.NoAI = true })
		}
		return a, err
	}
	r.pres.input(wednesday.Add(-70 * time.Second))
	r.start(t)
	r.advance(t, wednesday.Add(10*time.Minute))
	if s := r.d.AIStats(); s != (llm.QueueStats{}) {
		t.Fatalf("queue ran: %+v", s)
	}
	if n, _ := maker.count(); n != 0 {
		t.Fatalf("%d requests with the model turned off", n)
	}
}

// TestDebugLogOnlyWhenAsked: prompts and outputs reach a file (the user's
// alone) only with the setting on.
func TestDebugLogOnlyWhenAsked(t *testing.T) {
	r := newRig(t, "")
	if err := r.d.Paths.Ensure(); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(r.d.Paths.Data, DebugLogName)
	if l := r.d.debugLog(settings.Settings{}); l != nil {
		t.Fatal("a debug log without the setting")
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("debug log file exists: %v", err)
	}
	l := r.d.debugLog(settings.Settings{DebugLog: true})
	if l == nil {
		t.Fatal("no debug log with the setting on")
	}
	l.Debug("model request", "prompt", "hello")
	b, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(b), "prompt=hello") {
		t.Fatalf("debug log %q, %v", b, err)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Fatalf("debug log mode %v", fi.Mode().Perm())
	}
}
